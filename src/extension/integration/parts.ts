// The interface the extension host consumes from the scoring part (the sidecar client). Pure
// types, no vscode import; the implementation registers itself in `partsRegistry.ts`.

import type { AgentEvent } from '../../core/events';
import type { ScoringStatus } from '../../../webview/protocol';
import type { TurnScore } from '../state/vitalsStore';
import type { AgentVitalsConfig } from '../config';

export interface Disposable {
  dispose(): void;
}

/** Scores assistant turns; implemented by the sidecar client. */
export interface ScoreSource extends Disposable {
  status(): ScoringStatus;
  onStatus(listener: (status: ScoringStatus) => void): Disposable;
  /** Feeds one event of a session; resolves with a score when the event is a scorable turn. */
  score(sessionKey: string, event: AgentEvent): Promise<{ turnId: string; score: TurnScore } | null>;
  restart(): Promise<void>;
}

export interface Parts {
  createScoreSource: ((config: AgentVitalsConfig) => ScoreSource) | null;
}
