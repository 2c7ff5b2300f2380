// The watcher settings, declared once: which adapters run and which globs mark test files.
// package.json's `contributes.configuration` lists the same keys (a unit test keeps them equal).
import type { AgentSource } from '../core/events';
import { DEFAULT_TEST_GLOBS } from '../testpaths/matcher';
import { TRANSCRIPT_SOURCES } from './sources';
import type { TranscriptSource } from '../core/events';

export interface WatcherAdapterInfo {
  source: AgentSource;
  /** Setting key below `agentVitals.`. */
  key: string;
  label: string;
  reads: string;
}

export const WATCHER_ADAPTERS: readonly WatcherAdapterInfo[] = [
  { source: 'claude-code', key: 'watchers.claudeCode', label: 'Claude Code', reads: 'session JSONL under `~/.claude/projects` (sub-agents included), matched to this folder by each record\'s `cwd`' },
  { source: 'codex', key: 'watchers.codex', label: 'Codex CLI / IDE', reads: 'rollout JSONL under `~/.codex/sessions` (or `$CODEX_HOME`), matched by the session\'s `cwd`' },
  { source: 'copilot', key: 'watchers.copilot', label: 'GitHub Copilot agent mode', reads: 'transcripts and chat sessions in this workspace\'s VS Code storage' },
  { source: 'cline', key: 'watchers.cline', label: 'Cline', reads: 'task folders in Cline\'s global storage, matched by the task\'s working directory' },
  { source: 'roo', key: 'watchers.roo', label: 'Roo Code', reads: 'task folders in Roo Code\'s global storage, matched by the task\'s working directory' },
  { source: 'gemini', key: 'watchers.gemini', label: 'Gemini CLI', reads: 'session files under `~/.gemini/tmp/<project hash>`' },
  { source: 'aider', key: 'watchers.aider', label: 'Aider', reads: '`.aider.chat.history.md` in the workspace folder' },
  { source: 'vscode', key: 'watchers.vscode', label: 'VS Code terminals, tasks and edits', reads: 'terminal commands (with shell integration), task exits, editor and disk edits in the workspace' },
];

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
  const enabled = (source: AgentSource): boolean => {
    const info = WATCHER_ADAPTERS.find((a) => a.source === source)!;
    return get(info.key) !== false;
  };
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
