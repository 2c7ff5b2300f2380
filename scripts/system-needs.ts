// What `npm start` needs from the system (the `start` rows of .ci/debian-packages), checked before
// anything slow runs so that a missing package is named up front, with the command that installs
// it. As root on a machine with apt-get the check installs them itself, after saying so.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface SystemNeed {
  /** Debian package name. */
  pkg: string;
  /** Who needs it: `start` (npm start) or `tests`. */
  who: string;
  /** How to tell it is there: a command on PATH, or a file. */
  probe: { kind: 'command' | 'file'; target: string };
}

export const PACKAGE_LIST = '.ci/debian-packages';
export const INSTALL_SCRIPT = '.ci/install-system-packages';

export function parseSystemNeeds(text: string): SystemNeed[] {
  const needs: SystemNeed[] = [];
  for (const [n, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const [pkg, who, kind, target, ...rest] = line.split(/\s+/);
    if ((kind !== 'command' && kind !== 'file') || !target || rest.length) {
      throw new Error(`${PACKAGE_LIST}:${n + 1}: expected 'package who command|file target', got '${line}'`);
    }
    needs.push({ pkg, who, probe: { kind, target } });
  }
  return needs;
}

function onPath(command: string, path: string): boolean {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      // not in this folder
    }
  }
  return false;
}

export function isPresent(need: SystemNeed, path: string): boolean {
  return need.probe.kind === 'command' ? onPath(need.probe.target, path) : existsSync(need.probe.target);
}

function absence(need: SystemNeed): string {
  return need.probe.kind === 'command' ? `no \`${need.probe.target}\` on PATH` : `no ${need.probe.target}`;
}

/** The message for packages that are missing and that this process will not install itself. */
export function missingMessage(missing: SystemNeed[], who: string): string {
  return [
    `npm start needs system packages that are missing: ${missing.map((m) => `${m.pkg} (${absence(m)})`).join(', ')}.`,
    'Install them, then run npm start again:',
    `  sudo bash ${INSTALL_SCRIPT} ${who}      # Debian/Ubuntu: installs only what is missing`,
    `Elsewhere, install your system's equivalents of: ${missing.map((m) => m.pkg).join(' ')}.`,
  ].join('\n');
}

export interface CheckEnvironment {
  repoRoot: string;
  /** The PATH searched for commands (and given to the installer). */
  path: string;
  /** Whether this process may install packages itself (root). */
  isRoot: boolean;
  log: (line: string) => void;
}

/**
 * Returns when every package `who` needs is present — after installing the missing ones with
 * apt-get when running as root where apt-get exists — and throws with the install command
 * otherwise.
 */
export function ensureSystemNeeds(who: string, env: CheckEnvironment): void {
  const needs = parseSystemNeeds(readFileSync(join(env.repoRoot, PACKAGE_LIST), 'utf8')).filter((n) => n.who === who);
  const missing = needs.filter((n) => !isPresent(n, env.path));
  if (missing.length === 0) return;
  if (!env.isRoot || !onPath('apt-get', env.path)) throw new Error(missingMessage(missing, who));
  env.log(
    `npm start needs ${missing.map((m) => m.pkg).join(' ')}: running as root, so installing them now with apt-get (bash ${INSTALL_SCRIPT} ${who}).`,
  );
  const run = spawnSync('bash', [join(env.repoRoot, INSTALL_SCRIPT), who], {
    stdio: 'inherit',
    env: { ...process.env, PATH: env.path },
  });
  const still = needs.filter((n) => !isPresent(n, env.path));
  if (run.status !== 0 || still.length) {
    const outcome =
      run.status !== 0
        ? `the install failed with exit status ${run.status}; apt-get's output is above`
        : 'the install finished, but they are still missing';
    throw new Error(`${missingMessage(still.length ? still : missing, who)}\n(${outcome}.)`);
  }
}
