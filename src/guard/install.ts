// Installs the guard as a PreToolUse hook in an agent's settings: Claude Code's settings.json
// (project `.claude/settings.json` or user `~/.claude/settings.json`) and Codex's hooks.json
// (project `.codex/hooks.json` or user `~/.codex/hooks.json`). One matcher group is added as the
// last entry and every other byte is left as it was; the old file is kept as a backup; the write
// is atomic; a file that is not valid JSON is refused; installing twice changes nothing.
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../storage/cache-file';
import type { GuardAgent } from './hook';
import { insertMember, JsonTextError, memberOf, removeMember, scanJson, type JsonSpan } from './json-edit';

export type InstallScope = 'project' | 'user';

/** The tools each agent's guard entry matches: the file tools and the shell. */
const MATCHERS: Record<GuardAgent, string> = {
  'claude-code': 'Edit|MultiEdit|Write|NotebookEdit|Bash',
  codex: 'apply_patch|Bash',
};

export function settingsFile(agent: GuardAgent, scope: InstallScope, projectDir: string, home: string = homedir()): string {
  const base = scope === 'project' ? projectDir : home;
  return agent === 'claude-code' ? join(base, '.claude', 'settings.json') : join(base, '.codex', 'hooks.json');
}

export function backupFile(file: string): string {
  return `${file}.agent-vitals.bak`;
}

/** The matcher group the guard adds; `command` runs the hook for this agent. */
export function guardEntry(agent: GuardAgent, command: string): object {
  // Claude Code's timeout is in seconds; a guard that takes longer is let through by the agent.
  const hook = agent === 'claude-code' ? { type: 'command', command, timeout: 10 } : { type: 'command', command };
  return { matcher: MATCHERS[agent], hooks: [hook] };
}

export class SettingsFileError extends Error {}

interface Located {
  text: string;
  root: JsonSpan;
  /** Index in hooks.PreToolUse of the group that runs `command`, or -1. */
  index: number;
  preToolUse: JsonSpan | undefined;
  hooks: JsonSpan | undefined;
}

function locate(file: string, text: string, command: string): Located {
  let root: JsonSpan;
  try {
    root = scanJson(text);
  } catch (err) {
    if (err instanceof JsonTextError) throw new SettingsFileError(`${file} is not valid JSON (${err.message}); it was left as it is`);
    throw err;
  }
  if (root.kind !== 'object') throw new SettingsFileError(`${file} does not hold a JSON object; it was left as it is`);
  const hooks = memberOf(root, 'hooks');
  if (hooks && hooks.kind !== 'object') throw new SettingsFileError(`${file}: "hooks" is not an object; it was left as it is`);
  const preToolUse = hooks && memberOf(hooks, 'PreToolUse');
  if (preToolUse && preToolUse.kind !== 'array') throw new SettingsFileError(`${file}: "hooks.PreToolUse" is not an array; it was left as it is`);
  const index = (preToolUse?.members ?? []).findIndex((m) => {
    const group = JSON.parse(text.slice(m.value.start, m.value.end)) as { hooks?: { command?: unknown }[] };
    return Array.isArray(group?.hooks) && group.hooks.some((h) => h?.command === command);
  });
  return { text, root, index, preToolUse, hooks };
}

function readText(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new SettingsFileError(`cannot read ${file}: ${(err as Error).message}`);
  }
}

/** A planned change: the file's text now and after (null: absent); equal texts mean nothing to do. */
export interface InstallPlan {
  file: string;
  before: string | null;
  after: string | null;
}

export function planInstall(agent: GuardAgent, file: string, command: string): InstallPlan {
  const before = readText(file);
  const text = before === null || before.trim() === '' ? '{}\n' : before;
  const at = locate(file, text, command);
  if (at.index >= 0) return { file, before, after: text };
  const entry = guardEntry(agent, command);
  let after: string;
  if (at.preToolUse) after = insertMember(text, at.preToolUse, null, entry);
  else if (at.hooks) after = insertMember(text, at.hooks, 'PreToolUse', [entry]);
  else after = insertMember(text, at.root, 'hooks', { PreToolUse: [entry] });
  return { file, before, after };
}

/** Removes the guard's group; containers it leaves empty (PreToolUse, then hooks) go with it. */
export function planUninstall(file: string, command: string): InstallPlan {
  const before = readText(file);
  if (before === null) return { file, before, after: null };
  const at = locate(file, before, command);
  if (at.index < 0 || !at.preToolUse || !at.hooks) return { file, before, after: before };
  if (at.preToolUse.members.length > 1) return { file, before, after: removeMember(before, at.preToolUse, at.index) };
  const hooksIndex = at.root.members.findIndex((m) => m.key === 'hooks');
  if (at.hooks.members.length > 1) return { file, before, after: removeMember(before, at.hooks, at.hooks.members.findIndex((m) => m.key === 'PreToolUse')) };
  return { file, before, after: removeMember(before, at.root, hooksIndex) };
}

export function isInstalled(file: string, command: string): boolean {
  const text = readText(file);
  return text !== null && locate(file, text, command).index >= 0;
}

/** Writes a plan: the old file is kept as a backup, the new one replaces it in one step. */
export function applyPlan(plan: InstallPlan): void {
  if (plan.before === plan.after || plan.after === null) return;
  mkdirSync(dirname(plan.file), { recursive: true });
  if (plan.before !== null) copyFileSync(plan.file, backupFile(plan.file));
  writeFileAtomic(plan.file, plan.after);
}

/** The plan as a unified-looking diff of the lines that change, for the user to confirm. */
export function describePlan(plan: InstallPlan): string {
  if (plan.before === plan.after) return `${plan.file}: no change needed`;
  const a = (plan.before ?? '').split('\n');
  const b = (plan.after ?? '').split('\n');
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const lines = [`--- ${plan.before === null ? '/dev/null' : plan.file}`, `+++ ${plan.file}`, `@@ line ${head + 1} @@`];
  for (const l of a.slice(head, a.length - tail)) lines.push(`-${l}`);
  for (const l of b.slice(head, b.length - tail)) lines.push(`+${l}`);
  return lines.join('\n');
}
