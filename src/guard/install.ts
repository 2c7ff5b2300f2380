// Installs the guard as a pre-tool hook in an agent's settings: Claude Code's settings.json
// (project `.claude/settings.json` or user `~/.claude/settings.json`), Codex's hooks.json
// (project `.codex/hooks.json` or user `~/.codex/hooks.json`), Gemini CLI's settings.json
// (`.gemini/settings.json` or `~/.gemini/settings.json`, event BeforeTool) and Copilot agent mode's
// hook file in VS Code (`.github/hooks/agent-vitals-guard.json` or
// `~/.copilot/hooks/agent-vitals-guard.json`), and the same command on the agent's end-of-turn event
// for the audit (Stop; Gemini CLI AfterAgent). One entry is added as the last of each event and
// every other byte is left as it was; the old file is kept as a backup; the write is atomic; a file
// that is not valid JSON is refused; installing twice changes nothing. Cline runs one executable
// per event (`.clinerules/hooks/PreToolUse`, or `~/Documents/Cline/Hooks/PreToolUse`): the guard
// writes that script only where there is none, and never replaces a user's own.
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../storage/cache-file';
import { PRE_TOOL_EVENTS, STOP_EVENTS, type GuardAgent } from './agents';
import { insertMember, JsonTextError, memberOf, removeMember, scanJson, type JsonSpan } from './json-edit';

export type InstallScope = 'project' | 'user';

/** Agents whose hooks live in a JSON settings file. */
type JsonAgent = Exclude<GuardAgent, 'cline'>;

/** The tools each agent's guard entry matches: the file tools and the shell. VS Code ignores matchers (Copilot): none. */
const MATCHERS: Record<Exclude<JsonAgent, 'copilot'>, string> = {
  'claude-code': 'Edit|MultiEdit|Write|NotebookEdit|Bash',
  codex: 'apply_patch|Bash',
  gemini: 'write_file|replace|run_shell_command',
};

/** The settings events the guard is installed on: before tool calls, then at the end of a turn. */
function events(agent: JsonAgent): string[] {
  return [PRE_TOOL_EVENTS[agent], STOP_EVENTS[agent]].filter((e): e is string => e !== null);
}

/** The guard's own file among the hook files VS Code loads from `.github/hooks` and `~/.copilot/hooks`. */
const COPILOT_HOOK_FILE = 'agent-vitals-guard.json';

const SETTINGS_PATHS: Record<JsonAgent, string[]> = {
  'claude-code': ['.claude', 'settings.json'],
  codex: ['.codex', 'hooks.json'],
  gemini: ['.gemini', 'settings.json'],
  copilot: ['.github', 'hooks', COPILOT_HOOK_FILE],
};

export function settingsFile(
  agent: GuardAgent,
  scope: InstallScope,
  projectDir: string,
  home: string = homedir(),
): string {
  if (agent === 'cline')
    return scope === 'project'
      ? join(projectDir, '.clinerules', 'hooks', 'PreToolUse')
      : join(home, 'Documents', 'Cline', 'Hooks', 'PreToolUse');
  if (agent === 'copilot' && scope === 'user') return join(home, '.copilot', 'hooks', COPILOT_HOOK_FILE);
  return join(scope === 'project' ? projectDir : home, ...SETTINGS_PATHS[agent]);
}

/** Cline's PreToolUse hook as the guard writes it: a script that hands the payload to the guard. */
export function clineScript(command: string): string {
  return `#!/bin/sh\n# Agent Vitals guard: installed by \`agent-vitals guard install --agent cline\`; \`guard uninstall\` removes it.\nexec ${command}\n`;
}

function planClineInstall(file: string, command: string): InstallPlan {
  const before = readText(file);
  const script = clineScript(command);
  if (before !== null && before !== script) {
    throw new SettingsFileError(
      `${file} is a PreToolUse hook of your own; the guard does not replace it. To run both, call \`${command}\` from it and print its answer, or move yours aside and install again.`,
    );
  }
  return { file, before, after: script };
}

export function backupFile(file: string): string {
  return `${file}.agent-vitals.bak`;
}

/**
 * The entry the guard adds to `event`; `command` runs the hook for this agent. Stop events take no
 * matcher. VS Code's hook files list commands directly, without matcher groups.
 */
export function guardEntry(agent: JsonAgent, command: string, event: string = PRE_TOOL_EVENTS[agent]): object {
  if (agent === 'copilot') return { type: 'command', command, timeout: 10 };
  const preTool = event === PRE_TOOL_EVENTS[agent];
  // Timeouts: Claude Code counts seconds, Gemini CLI milliseconds; a guard that takes longer is let through.
  const hook =
    agent === 'claude-code'
      ? { type: 'command', command, timeout: 10 }
      : agent === 'gemini'
        ? { type: 'command', command, name: preTool ? 'agent-vitals-guard' : 'agent-vitals-audit', timeout: 10_000 }
        : { type: 'command', command };
  return preTool ? { matcher: MATCHERS[agent], hooks: [hook] } : { hooks: [hook] };
}

export class SettingsFileError extends Error {}

interface Located {
  text: string;
  root: JsonSpan;
  /** Index in hooks.<event> of the group (or VS Code's bare entry) that runs `command`, or -1. */
  index: number;
  event: string;
  groups: JsonSpan | undefined;
  hooks: JsonSpan | undefined;
}

function locate(file: string, text: string, command: string, event: string): Located {
  let root: JsonSpan;
  try {
    root = scanJson(text);
  } catch (err) {
    if (err instanceof JsonTextError)
      throw new SettingsFileError(`${file} is not valid JSON (${err.message}); it was left as it is`);
    throw err;
  }
  if (root.kind !== 'object') throw new SettingsFileError(`${file} does not hold a JSON object; it was left as it is`);
  const hooks = memberOf(root, 'hooks');
  if (hooks && hooks.kind !== 'object')
    throw new SettingsFileError(`${file}: "hooks" is not an object; it was left as it is`);
  const groups = hooks && memberOf(hooks, event);
  if (groups && groups.kind !== 'array')
    throw new SettingsFileError(`${file}: "hooks.${event}" is not an array; it was left as it is`);
  const index = (groups?.members ?? []).findIndex((m) => {
    const group = JSON.parse(text.slice(m.value.start, m.value.end)) as {
      command?: unknown;
      hooks?: { command?: unknown }[];
    } | null;
    return (
      group?.command === command || (Array.isArray(group?.hooks) && group.hooks.some((h) => h?.command === command))
    );
  });
  return { text, root, index, event, groups, hooks };
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

/** `text` with the guard's group on `event`, added if it is not there yet. */
function withEntry(agent: JsonAgent, file: string, text: string, command: string, event: string): string {
  const at = locate(file, text, command, event);
  if (at.index >= 0) return text;
  const entry = guardEntry(agent, command, event);
  if (at.groups) return insertMember(text, at.groups, null, entry);
  if (at.hooks) return insertMember(text, at.hooks, event, [entry]);
  return insertMember(text, at.root, 'hooks', { [event]: [entry] });
}

/** `text` without the guard's group on `event`; containers it leaves empty (the event's list, then hooks) go with it. */
function withoutEntry(file: string, text: string, command: string, event: string): string {
  const at = locate(file, text, command, event);
  if (at.index < 0 || !at.groups || !at.hooks) return text;
  if (at.groups.members.length > 1) return removeMember(text, at.groups, at.index);
  if (at.hooks.members.length > 1)
    return removeMember(
      text,
      at.hooks,
      at.hooks.members.findIndex((m) => m.key === at.event),
    );
  return removeMember(
    text,
    at.root,
    at.root.members.findIndex((m) => m.key === 'hooks'),
  );
}

/** The text an install into a missing or empty settings file starts from. */
const EMPTY_SETTINGS = '{}\n';

export function planInstall(agent: GuardAgent, file: string, command: string): InstallPlan {
  if (agent === 'cline') return planClineInstall(file, command);
  const before = readText(file);
  const text = before === null || before.trim() === '' ? EMPTY_SETTINGS : before;
  return { file, before, after: events(agent).reduce((t, event) => withEntry(agent, file, t, command, event), text) };
}

export function planUninstall(agent: GuardAgent, file: string, command: string): InstallPlan {
  const before = readText(file);
  if (before === null) return { file, before, after: null };
  // Cline: only the guard's own script is removed; anything else there is the user's.
  if (agent === 'cline') return { file, before, after: before === clineScript(command) ? null : before };
  const after = events(agent).reduce((t, event) => withoutEntry(file, t, command, event), before);
  // Copilot's hook file is the guard's own: left as the empty object an install began from, it goes.
  return { file, before, after: agent === 'copilot' && after === EMPTY_SETTINGS ? null : after };
}

/** The guard's events that run `command` in the file (an install from before the audit has only the first). */
export function installedEvents(agent: GuardAgent, file: string, command: string): string[] {
  const text = readText(file);
  if (agent === 'cline') return text === clineScript(command) ? [PRE_TOOL_EVENTS.cline] : [];
  return text === null ? [] : events(agent).filter((event) => locate(file, text, command, event).index >= 0);
}

export function isInstalled(agent: GuardAgent, file: string, command: string): boolean {
  return installedEvents(agent, file, command).length === expectedEvents(agent);
}

const expectedEvents = (agent: GuardAgent): number => (agent === 'cline' ? 1 : events(agent).length);

/** What status reports say, from one read of the settings file: all, some or none of the guard's events. */
export function installState(agent: GuardAgent, file: string, command: string): { words: string; partial: boolean } {
  const found = installedEvents(agent, file, command);
  if (found.length === expectedEvents(agent)) return { words: 'installed', partial: false };
  return found.length > 0
    ? { words: `installed on ${found.join(', ')} only`, partial: true }
    : { words: 'not installed', partial: false };
}

/** Writes a plan: the old file is kept as a backup, the new one replaces it in one step (or, planned as null, is removed). */
export function applyPlan(plan: InstallPlan): void {
  if (plan.before === plan.after) return;
  if (plan.before !== null) copyFileSync(plan.file, backupFile(plan.file));
  if (plan.after === null) {
    rmSync(plan.file, { force: true });
    return;
  }
  mkdirSync(dirname(plan.file), { recursive: true });
  writeFileAtomic(plan.file, plan.after);
  // A script the agent runs (Cline's hook) must stay executable.
  if (plan.after.startsWith('#!')) chmodSync(plan.file, 0o755);
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
