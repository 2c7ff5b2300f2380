// Where each agent keeps its sessions on this machine, and which of those files belong to the
// open workspace. Paths follow the agents' own defaults and environment overrides.
import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { statSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join, relative, isAbsolute, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TranscriptSource } from '../core/events';

export interface AgentLocations {
  /** Claude Code keeps projects under ~/.claude, or ~/.config/claude in newer installs. */
  claudeProjectDirs: string[];
  codexSessions: string;
  geminiTmp: string;
  /** VS Code's `User` folder (globalStorage and workspaceStorage live below it). */
  vscodeUser: string;
  /** This workspace's workspaceStorage/<hash> folder when known (the extension knows it). */
  workspaceStorage?: string;
}

export function defaultLocations(env: NodeJS.ProcessEnv = process.env, platform = process.platform): AgentLocations {
  const home = env.HOME ?? env.USERPROFILE ?? homedir();
  const vscodeUser =
    platform === 'win32'
      ? join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Code', 'User')
      : platform === 'darwin'
        ? join(home, 'Library', 'Application Support', 'Code', 'User')
        : join(env.XDG_CONFIG_HOME ?? join(home, '.config'), 'Code', 'User');
  return {
    claudeProjectDirs: env.CLAUDE_CONFIG_DIR
      ? [join(env.CLAUDE_CONFIG_DIR, 'projects')]
      : [join(home, '.claude', 'projects'), join(env.XDG_CONFIG_HOME ?? join(home, '.config'), 'claude', 'projects')],
    codexSessions: join(env.CODEX_HOME ?? join(home, '.codex'), 'sessions'),
    geminiTmp: join(home, '.gemini', 'tmp'),
    vscodeUser,
  };
}

/** Claude Code's project folder name: the cwd with every character outside [A-Za-z0-9] as '-'. */
export function claudeProjectFolder(cwd: string): string {
  return cwd.replace(/[^A-Za-z0-9]/g, '-');
}

export function geminiProjectHash(projectRoot: string): string {
  return createHash('sha256').update(projectRoot).digest('hex');
}

export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * Transcripts that agents write inside the workspace folder itself, so the editor can notice
 * them without running anything (package.json lists each as a `workspaceContains:` activation).
 */
export const IN_WORKSPACE_TRANSCRIPTS: Partial<Record<TranscriptSource, string>> = { aider: '.aider.chat.history.md' };

const CLINE_EXTENSIONS: Record<'cline' | 'roo', string> = {
  cline: 'saoudrizwan.claude-dev',
  roo: 'rooveterinaryinc.roo-cline',
};

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

/** Codex's YYYY/MM/DD folders: only days from `since` on (folders with other names are kept). */
function codexDayFolder(root: string, dir: string, since: Date): boolean {
  const parts = relative(root, dir).split(sep);
  if (!parts.every((p) => /^\d+$/.test(p))) return true;
  const wanted = [String(since.getFullYear()), String(since.getMonth() + 1).padStart(2, '0'), String(since.getDate()).padStart(2, '0')];
  return parts.join('-') >= wanted.slice(0, parts.length).join('-');
}

/**
 * `since`: sessions last written before this are not followed until they change, so old date
 * or task folders need no watch.
 */
export function watchTargets(source: TranscriptSource, workspaceRoot: string, at: AgentLocations, since = new Date(0)): WatchTarget[] {
  switch (source) {
    case 'claude-code': {
      const folder = claudeProjectFolder(workspaceRoot);
      // The encoded folder of the workspace or of a folder inside it (confirmed later by the records' cwd),
      // then <sessionId>/subagents/ for sub-agent files.
      const ours = (top: string) => top === folder || top.startsWith(folder + '-');
      return at.claudeProjectDirs.map((projects) => ({
        source,
        dir: projects,
        accepts: (file: string) => file.endsWith('.jsonl') && ours(relative(projects, file).split(sep)[0] ?? ''),
        matchByCwd: true,
        maxDepth: 3,
        descend: (dir: string, depth: number) => (depth === 1 ? ours(basename(dir)) : depth === 2 || basename(dir) === 'subagents'),
      }));
    }
    case 'codex':
      return [
        {
          source,
          dir: at.codexSessions,
          accepts: (f) => /rollout-.*\.jsonl$/.test(basename(f)),
          matchByCwd: true,
          maxDepth: 3,
          descend: (dir) => codexDayFolder(at.codexSessions, dir, since),
        },
      ];
    case 'gemini': {
      const dir = join(at.geminiTmp, geminiProjectHash(workspaceRoot));
      return [
        {
          source,
          dir,
          accepts: (f) => /^session-.*\.jsonl?$/.test(basename(f)),
          matchByCwd: false,
          maxDepth: 1,
          descend: (d) => basename(d) === 'chats',
        },
      ];
    }
    case 'cline':
    case 'roo': {
      const dir = join(at.vscodeUser, 'globalStorage', CLINE_EXTENSIONS[source], 'tasks');
      return [
        {
          source,
          dir,
          accepts: (f) => basename(f) === 'ui_messages.json',
          matchByCwd: true,
          maxDepth: 1,
          descend: (d) => {
            try {
              return statSync(d).mtimeMs >= since.getTime();
            } catch {
              return false;
            }
          },
        },
      ];
    }
    case 'copilot': {
      if (!at.workspaceStorage) return [];
      return [
        {
          source,
          dir: at.workspaceStorage,
          accepts: (f) =>
            (basename(dirname(f)) === 'transcripts' && f.endsWith('.jsonl')) ||
            (basename(dirname(f)) === 'chatSessions' && /\.jsonl?$/.test(f)),
          matchByCwd: false,
          maxDepth: 2,
          descend: (d, depth) => (depth === 1 ? ['chatSessions', 'GitHub.copilot-chat'].includes(basename(d)) : basename(d) === 'transcripts'),
        },
      ];
    }
    case 'aider':
      return [
        {
          source,
          dir: workspaceRoot,
          accepts: (f) => f === join(workspaceRoot, IN_WORKSPACE_TRANSCRIPTS.aider!),
          matchByCwd: false,
          maxDepth: 0,
          descend: () => false,
        },
      ];
  }
}

/** The workspaceStorage/<hash> folder whose workspace.json names this folder (for use outside VS Code). */
export async function findWorkspaceStorage(vscodeUser: string, workspaceRoot: string): Promise<string | undefined> {
  const root = join(vscodeUser, 'workspaceStorage');
  const wanted = pathToFileURL(workspaceRoot).href.replace(/\/$/, '');
  let entries: string[];
  try {
    entries = await readdir(root);
  } catch {
    return undefined;
  }
  for (const entry of entries) {
    try {
      const info: unknown = JSON.parse(await readFile(join(root, entry, 'workspace.json'), 'utf8'));
      const folder = typeof info === 'object' && info !== null ? (info as { folder?: unknown }).folder : undefined;
      if (typeof folder === 'string' && decodeURIComponent(folder).replace(/\/$/, '') === decodeURIComponent(wanted)) {
        return join(root, entry);
      }
    } catch {
      // a folder without workspace.json (or an unreadable one) is simply not a match
    }
  }
  return undefined;
}
