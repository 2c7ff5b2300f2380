// What the host needs from a scorer (SidecarScoreSource implements it). Pure types, no vscode
// import, so the store and its tests do not depend on the sidecar.

import type { AgentEvent } from '../../core/events';
import type { ScoringStatus } from '../../../webview/protocol';
import type { TurnScore } from '../state/vitalsStore';

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
