// What the host needs from a scorer (the sidecar score source implements it). Pure types, no
// vscode import, so the store and its tests do not depend on the sidecar.

import type { AgentEvent } from '../../core/events';
import type { ScoringStatus } from '../../contracts/sidebar-protocol';
import type { TurnScore } from '../../contracts/reading';

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
  /** An event scored by an earlier host (a resumed transcript): context for later turns, not scored. */
  replay(sessionKey: string, event: AgentEvent): void;
  onScore(listener: ScoreListener): Disposable;
  restart(): Promise<void>;
}
