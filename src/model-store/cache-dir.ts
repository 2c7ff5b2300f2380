// Where downloads, rewritten graphs, vectors and the served endpoint's files go when the caller
// names no folder (its own module: the watchers find the served endpoint's files here too).
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env, home = homedir()): string {
  return env.AGENT_VITALS_CACHE ?? join(home, '.cache', 'agent-vitals');
}
