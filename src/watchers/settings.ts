// The watcher settings, declared once: which agents are watched (each agent's descriptor names
// its setting) and which globs mark test files. package.json's `contributes.configuration` lists
// the same keys (unit tests keep them equal).
import type { AgentSource, TranscriptSource } from '../core/events';
import { DEFAULT_TEST_GLOBS } from '../testpaths/matcher';
import type { WatchInfo } from '../contracts/sidebar-protocol';
import { AGENT_LIST, AGENTS, TRANSCRIPT_SOURCES } from './agents/registry';

export const TEST_GLOBS_KEY = 'testPaths.globs';
export const RECENT_HOURS_KEY = 'watchers.recentHours';
export const WATCH_ON_STARTUP_KEY = 'watchers.onStartup';
export const DEFAULT_RECENT_HOURS = 24;

export interface WatcherSettings {
  transcriptSources: TranscriptSource[];
  workspaceActivity: boolean;
  testGlobs: string[];
  recentMs: number;
  /**
   * Start watching when the editor starts, so agents whose sessions live outside the workspace
   * (home folder, VS Code storage) are noticed without opening the panel. Off: watching starts
   * with the panel, a command, or an agent transcript inside the workspace.
   */
  watchOnStartup: boolean;
}

/** Reads the settings through any getter (VS Code's configuration, or a plain object in tests). */
export function readWatcherSettings(get: (key: string) => unknown): WatcherSettings {
  const enabled = (source: AgentSource): boolean => get(AGENTS[source].settingKey) !== false;
  const globs = get(TEST_GLOBS_KEY);
  const hours = get(RECENT_HOURS_KEY);
  return {
    transcriptSources: TRANSCRIPT_SOURCES.filter(enabled),
    workspaceActivity: enabled('vscode'),
    testGlobs: Array.isArray(globs) && globs.every((g) => typeof g === 'string') ? globs : [...DEFAULT_TEST_GLOBS],
    recentMs: (typeof hours === 'number' && hours >= 0 ? hours : DEFAULT_RECENT_HOURS) * 3600_000,
    watchOnStartup: get(WATCH_ON_STARTUP_KEY) !== false,
  };
}

/** Every agent, what is read of it and whether its watcher is on: the panel's watch list. */
export function watchList(settings: Pick<WatcherSettings, 'transcriptSources' | 'workspaceActivity'>): WatchInfo[] {
  const on = new Set<AgentSource>(settings.transcriptSources);
  if (settings.workspaceActivity) on.add('vscode');
  return AGENT_LIST.map((a) => ({ source: a.source, label: a.label, location: a.reads, enabled: on.has(a.source) }));
}
