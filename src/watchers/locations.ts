// The folders agents keep their sessions in on this machine, and how a workspace is named there.
// Paths follow the agents' own defaults and environment overrides; each agent's descriptor
// (src/watchers/agents/) says which of those files belong to the open workspace.
import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { defaultCacheDir } from '../storage/cache-dir';
import { serveFolder } from '../storage/serve-endpoint';

export interface AgentLocations {
  /** Claude Code keeps projects under ~/.claude, or ~/.config/claude in newer installs. */
  claudeProjectDirs: string[];
  codexSessions: string;
  geminiTmp: string;
  /** VS Code's `User` folder (globalStorage and workspaceStorage live below it). */
  vscodeUser: string;
  /** This workspace's workspaceStorage/<hash> folder when known (the extension knows it). */
  workspaceStorage?: string;
  /** Where `agent-vitals serve --http` keeps its endpoint file and own-activations transcripts
   *  (the CLI's default cache); absent: the served local model is not watched. */
  serveFolder?: string;
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
    serveFolder: serveFolder(defaultCacheDir(env, home)),
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
