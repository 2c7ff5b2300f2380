// Interfaces the extension host consumes from the parts built beside it: agent watchers (event
// stream), transcript readers (replay), the scoring sidecar client and the flag store. Pure
// types, no vscode import; each part registers an implementation in `partsRegistry.ts`.

import type { AgentEvent, AgentSource } from '../../core/events';
import type { Flag } from '../../core/flags';
import type { ScoringStatus } from '../../../webview/protocol';
import type { TurnScore } from '../state/vitalsStore';
import type { AgentVitalsConfig } from '../config';

export interface Disposable {
  dispose(): void;
}

/** Live watcher for one agent's on-disk sessions. */
export interface AgentWatcher {
  readonly source: AgentSource;
  readonly label: string;
  /** What is read, for the "no agent detected" state (e.g. a folder). */
  location(config: AgentVitalsConfig): string;
  start(config: AgentVitalsConfig, workspaceRoots: string[], onEvent: (e: AgentEvent) => void): Disposable;
}

/** Reads a recorded transcript file into the event stream (for replay). */
export interface TranscriptReader {
  readonly source: AgentSource;
  /** Cheap check on the file's first lines. */
  accepts(firstLines: string[]): boolean;
  read(file: string): AsyncIterable<AgentEvent>;
}

/** Scores assistant turns; implemented by the sidecar client. */
export interface ScoreSource extends Disposable {
  status(): ScoringStatus;
  onStatus(listener: (status: ScoringStatus) => void): Disposable;
  /** Feeds one event of a session; resolves with a score when the event is a scorable turn. */
  score(sessionKey: string, event: AgentEvent): Promise<{ turnId: string; score: TurnScore } | null>;
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
  watchers: AgentWatcher[];
  readers: TranscriptReader[];
  createScoreSource: ((config: AgentVitalsConfig) => ScoreSource) | null;
  createFlagFeed: ((config: AgentVitalsConfig) => FlagFeed) | null;
}
