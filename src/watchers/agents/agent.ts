// What the product knows about one agent, declared in one file per agent (this folder): its
// source id, how it is named, which setting turns it on, where it writes and — for agents with
// transcripts — how a file of theirs is recognised, watched and read.
import type { AgentSource, TranscriptSource } from '../../core/events';
import type { SessionEmitter } from '../emitter';
import type { AgentLocations } from '../locations';
import type { TranscriptReader } from '../reader';

export interface Agent<S extends AgentSource = AgentSource> {
  source: S;
  /** How the UI names the agent. */
  label: string;
  /** The setting below `agentVitals.` that turns its watcher on or off (package.json declares it). */
  settingKey: string;
  /** What is read and where (Markdown), for the setting's description and the "no agent" state. */
  reads: string;
}

/** A folder tree to watch for one source, and which files in it are that source's transcripts. */
export interface WatchTarget {
  source: TranscriptSource;
  dir: string;
  accepts(file: string): boolean;
  /**
   * Whether a file's sessions must be matched to the workspace by the cwd its records carry
   * (the folder alone does not say which workspace a session belongs to).
   */
  matchByCwd: boolean;
  /** How deep below `dir` session files live, and which sub-folders can hold this workspace's. */
  maxDepth: number;
  descend(dir: string, depth: number): boolean;
}

export interface TranscriptAgent<S extends TranscriptSource = TranscriptSource> extends Agent<S> {
  /** Whether a file with this path and first bytes is this agent's transcript. */
  detect(path: string, head: string): boolean;
  /** A weaker test, tried only when no agent's `detect` claimed the file. */
  detectLast?(path: string, head: string): boolean;
  /** The reader for one file; `head` tells apart formats one agent has more than one of. */
  reader(emitter: SessionEmitter, file: string, head: string): TranscriptReader;
  /**
   * Where this workspace's transcripts are. `since`: sessions last written before this are not
   * followed until they change, so old date or task folders need no watch.
   */
  watchTargets(workspaceRoot: string, at: AgentLocations, since: Date): WatchTarget[];
  /**
   * A transcript the agent writes inside the workspace folder itself, so the editor can notice
   * it without running anything (package.json lists it as a `workspaceContains:` activation).
   */
  inWorkspaceFile?: string;
}
