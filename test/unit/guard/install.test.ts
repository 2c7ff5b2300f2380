import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  applyPlan,
  backupFile,
  installedEvents,
  installState,
  isInstalled,
  planInstall,
  planUninstall,
  settingsFile,
  SettingsFileError,
} from '../../../src/guard/install';
import type { GuardAgent } from '../../../src/guard/hook';

const COMMAND = 'node "/opt/agent-vitals/dist/hook.js" claude-code';

// A settings file as people keep them: other settings, other hooks, a compact array, tabs.
const EXISTING = `{
\t"permissions": { "allow": ["Bash(npm test)"], "deny": [] },
\t"hooks": {
\t\t"PreToolUse": [
\t\t\t{
\t\t\t\t"matcher": "Bash",
\t\t\t\t"hooks": [{ "type": "command", "command": "~/.claude/hooks/lint.sh" }]
\t\t\t}
\t\t],
\t\t"Stop": [{ "hooks": [{ "type": "command", "command": "notify-send done" }] }]
\t},
\t"model": "opus"
}
`;

function project(file: string, text: string | null): string {
  const dir = mkdtempSync(join(tmpdir(), 'av-install-'));
  if (text !== null) {
    mkdirSync(join(dir, file, '..'), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  return dir;
}

function install(agent: GuardAgent, file: string): void {
  applyPlan(planInstall(agent, file, COMMAND));
}

test('install adds one group to PreToolUse and one to Stop, after the existing hooks, and leaves every other byte as it was', () => {
  const dir = project('.claude/settings.json', EXISTING);
  const file = settingsFile('claude-code', 'project', dir);
  install('claude-code', file);
  const after = readFileSync(file, 'utf8');
  const parsed = JSON.parse(after) as {
    hooks: {
      PreToolUse: { matcher: string; hooks: { command: string; timeout?: number }[] }[];
      Stop: Record<string, unknown>[];
    };
    model: string;
  };
  assert.equal(parsed.hooks.PreToolUse.length, 2);
  assert.equal(parsed.hooks.PreToolUse[1]!.matcher, 'Edit|MultiEdit|Write|NotebookEdit|Bash');
  assert.equal(parsed.hooks.PreToolUse[1]!.hooks[0]!.command, COMMAND);
  assert.deepEqual(
    parsed.hooks.Stop[1],
    { hooks: [{ type: 'command', command: COMMAND, timeout: 10 }] },
    'the audit: Stop takes no matcher',
  );
  // The old file is kept byte for byte around the two insertions: the end of PreToolUse's list and of Stop's.
  const preToolEnd = EXISTING.indexOf('\n\t\t]');
  const stopEnd = EXISTING.indexOf(']\n\t},');
  const between = EXISTING.slice(preToolEnd, stopEnd);
  assert.equal(after.slice(0, preToolEnd), EXISTING.slice(0, preToolEnd));
  assert.ok(after.indexOf(between) > preToolEnd, 'the text between the insertions is unchanged');
  assert.ok(after.endsWith(EXISTING.slice(stopEnd)));
  assert.match(after.slice(preToolEnd), /^,\n\t\t\t\{\n\t\t\t\t"matcher"/, 'indented like the file, with its tabs');
  assert.equal(readFileSync(backupFile(file), 'utf8'), EXISTING);
});

test('an install from before the audit gains the Stop group and keeps its PreToolUse group as it was', () => {
  const dir = project('.claude/settings.json', EXISTING);
  const file = settingsFile('claude-code', 'project', dir);
  install('claude-code', file);
  // The file as the guard left it before the audit existed: its PreToolUse group, the old Stop list.
  const full = readFileSync(file, 'utf8');
  const preToolOnly = full.slice(0, full.indexOf('\t\t"Stop"')) + EXISTING.slice(EXISTING.indexOf('\t\t"Stop"'));
  writeFileSync(file, preToolOnly);
  assert.deepEqual(installedEvents('claude-code', file, COMMAND), ['PreToolUse']);
  assert.ok(!isInstalled('claude-code', file, COMMAND));
  assert.deepEqual(installState('claude-code', file, COMMAND), {
    words: 'installed on PreToolUse only',
    partial: true,
  });
  install('claude-code', file);
  assert.deepEqual(installedEvents('claude-code', file, COMMAND), ['PreToolUse', 'Stop']);
  assert.deepEqual(installState('claude-code', file, COMMAND), { words: 'installed', partial: false });
  assert.ok(readFileSync(file, 'utf8').startsWith(preToolOnly.slice(0, preToolOnly.indexOf('"Stop"'))));
});

test('install twice changes nothing; uninstall gives back the original bytes', () => {
  const dir = project('.claude/settings.json', EXISTING);
  const file = settingsFile('claude-code', 'project', dir);
  install('claude-code', file);
  const once = readFileSync(file, 'utf8');
  const again = planInstall('claude-code', file, COMMAND);
  assert.equal(again.before, again.after);
  install('claude-code', file);
  assert.equal(readFileSync(file, 'utf8'), once);
  assert.ok(isInstalled('claude-code', file, COMMAND));
  applyPlan(planUninstall('claude-code', file, COMMAND));
  assert.equal(readFileSync(file, 'utf8'), EXISTING);
  assert.ok(!isInstalled('claude-code', file, COMMAND));
});

test('a file without hooks, an empty object and a missing file each get the entry and lose it again on uninstall', () => {
  for (const original of ['{\n  "model": "opus"\n}\n', '{}', null]) {
    const dir = project('.claude/settings.json', original);
    const file = settingsFile('claude-code', 'project', dir);
    install('claude-code', file);
    assert.ok(isInstalled('claude-code', file, COMMAND), String(original));
    applyPlan(planUninstall('claude-code', file, COMMAND));
    const text = readFileSync(file, 'utf8');
    if (original === null) assert.deepEqual(JSON.parse(text), {});
    else assert.equal(text, original);
  }
});

test('a settings file that is not valid JSON (or whose hooks are not an object) is refused and left as it is', () => {
  for (const bad of [
    '{ "hooks": { "PreToolUse": [ }',
    '// comment\n{}',
    '{"hooks": []}',
    '{"hooks": {"PreToolUse": {}}}',
    '[]',
  ]) {
    const dir = project('.claude/settings.json', bad);
    const file = settingsFile('claude-code', 'project', dir);
    assert.throws(() => planInstall('claude-code', file, COMMAND), SettingsFileError, bad);
    assert.equal(readFileSync(file, 'utf8'), bad);
    assert.ok(!existsSync(backupFile(file)));
  }
});

test('Codex: the entry goes to .codex/hooks.json (project) or ~/.codex/hooks.json (user), matching apply_patch and Bash', () => {
  assert.equal(settingsFile('codex', 'project', '/p', '/home/u'), join('/p', '.codex', 'hooks.json'));
  assert.equal(settingsFile('codex', 'user', '/p', '/home/u'), join('/home/u', '.codex', 'hooks.json'));
  assert.equal(settingsFile('claude-code', 'user', '/p', '/home/u'), join('/home/u', '.claude', 'settings.json'));
  const existing =
    '{\n  "hooks": {\n    "PreToolUse": [\n      {\n        "matcher": "Bash",\n        "hooks": [\n          {\n            "type": "command",\n            "command": "/usr/bin/policy"\n          }\n        ]\n      }\n    ]\n  }\n}\n';
  const dir = project('.codex/hooks.json', existing);
  const file = settingsFile('codex', 'project', dir);
  install('codex', file);
  const groups = (
    JSON.parse(readFileSync(file, 'utf8')) as {
      hooks: { PreToolUse: { matcher: string; hooks: Record<string, unknown>[] }[] };
    }
  ).hooks.PreToolUse;
  assert.deepEqual(groups[1], { matcher: 'apply_patch|Bash', hooks: [{ type: 'command', command: COMMAND }] });
  assert.deepEqual((JSON.parse(readFileSync(file, 'utf8')) as { hooks: { Stop: unknown[] } }).hooks.Stop, [
    { hooks: [{ type: 'command', command: COMMAND }] },
  ]);
  applyPlan(planUninstall('codex', file, COMMAND));
  assert.equal(readFileSync(file, 'utf8'), existing);
});

test('Gemini CLI: a BeforeTool group in .gemini/settings.json, next to the settings already there', () => {
  const existing =
    '{\n  "theme": "GitHub",\n  "hooks": {\n    "AfterTool": [\n      { "matcher": "write_file", "hooks": [{ "type": "command", "command": "prettier --write" }] }\n    ]\n  }\n}\n';
  const dir = project('.gemini/settings.json', existing);
  const file = settingsFile('gemini', 'project', dir);
  assert.equal(file, join(dir, '.gemini', 'settings.json'));
  install('gemini', file);
  const settings = JSON.parse(readFileSync(file, 'utf8')) as { theme: string; hooks: Record<string, unknown[]> };
  assert.deepEqual(settings.hooks.BeforeTool, [
    {
      matcher: 'write_file|replace|run_shell_command',
      hooks: [{ type: 'command', command: COMMAND, name: 'agent-vitals-guard', timeout: 10000 }],
    },
  ]);
  assert.deepEqual(settings.hooks.AfterAgent, [
    { hooks: [{ type: 'command', command: COMMAND, name: 'agent-vitals-audit', timeout: 10000 }] },
  ]);
  assert.equal(settings.hooks.AfterTool!.length, 1);
  assert.ok(isInstalled('gemini', file, COMMAND));
  assert.ok(!isInstalled('claude-code', file, COMMAND), 'a BeforeTool entry is not a PreToolUse one');
  applyPlan(planUninstall('gemini', file, COMMAND));
  assert.equal(readFileSync(file, 'utf8'), existing);
});
