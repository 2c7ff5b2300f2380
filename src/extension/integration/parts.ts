// Interfaces the extension host consumes from the parts built beside it: the scoring sidecar
// client and the flag store. Pure types, no vscode import; each part registers an
// implementation in `partsRegistry.ts`.

import type { AgentEvent } from '../../core/events';
import type { Flag } from '../../core/flags';
import type { ScoringStatus } from '../../../webview/protocol';
import type { TurnScore } from '../state/vitalsStore';
import type { AgentVitalsConfig } from '../config';

export interface Disposable {
  dispose(): void;
}

export type ScoreListener = (sessionKey: string, turnId: string, score: TurnScore) => void;

/** Scores assistant turns; implemented over the model sidecar. */
export interface ScoreSource extends Disposable {
  status(): ScoringStatus;
  onStatus(listener: (status: ScoringStatus) => void): Disposable;
  /** Feeds one event of a session; scores arrive through `onScore`, possibly later (or again, after a restart). */
  score(sessionKey: string, event: AgentEvent): void;
  onScore(listener: ScoreListener): Disposable;
  restart(): Promise<void>;
}

/** Raises and resolves tamper flags; implemented by the flag store. */
export interface FlagFeed extends Disposable {
  observe(event: AgentEvent, desperation: number | null): void;
  onFlag(listener: (flag: Flag) => void): Disposable;
  dismiss(id: string): Promise<void>;
  markLegitimate(id: string): Promise<void>;
  /** Restores the test file to its content before the flagged edit. */
  revert(id: string): Promise<void>;
  /** Before/after text of the flagged edit, for the diff editor. */
  diff(id: string): { path: string; before: string; after: string } | undefined;
}

export interface Parts {
  createFlagFeed: ((config: AgentVitalsConfig) => FlagFeed) | null;
}
