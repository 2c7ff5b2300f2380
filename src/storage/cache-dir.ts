// Agent Vitals' own cache folder when the caller names none: downloads, rewritten graphs, vectors,
// the served endpoint's files, the guard hook's code cache and transcript checkpoints.
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env, home = homedir()): string {
  return env.AGENT_VITALS_CACHE ?? join(home, '.cache', 'agent-vitals');
}
