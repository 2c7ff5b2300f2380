import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { AGENT_SOURCES, type AgentSource } from '../../../src/core/events';
import { AGENT_LIST, AGENTS, detectSource, TRANSCRIPT_SOURCES } from '../../../src/watchers/agents/registry';

type Property = { type?: string; default?: unknown; markdownDescription?: string };
const manifest = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, Property> }[] };
};
const properties: Record<string, Property> = Object.assign(
  {},
  ...manifest.contributes.configuration.map((c) => c.properties),
);
/** The watcher settings that are not one agent's switch. */
const GENERAL_WATCHER_SETTINGS = ['agentVitals.watchers.recentHours', 'agentVitals.watchers.onStartup'];

test('every agent source has exactly one descriptor, under its own source id', () => {
  assert.deepEqual(
    AGENT_LIST.map((a) => a.source),
    [...AGENT_SOURCES],
  );
  for (const [source, agent] of Object.entries(AGENTS)) assert.equal(agent.source, source);
  assert.deepEqual(
    TRANSCRIPT_SOURCES,
    AGENT_SOURCES.filter((s) => s !== 'vscode'),
  );
  assert.equal(new Set(AGENT_LIST.map((a) => a.label)).size, AGENT_LIST.length, 'labels tell agents apart');
  assert.equal(new Set(AGENT_LIST.map((a) => a.settingKey)).size, AGENT_LIST.length, 'one setting per agent');
});

test("every agent's setting is contributed in package.json, on by default, described from the descriptor", () => {
  for (const a of AGENT_LIST) {
    const p = properties[`agentVitals.${a.settingKey}`];
    assert.ok(p, `package.json has no agentVitals.${a.settingKey}`);
    assert.equal(p.type, 'boolean', a.settingKey);
    assert.equal(p.default, true, a.settingKey);
    assert.equal(p.markdownDescription, `Watch **${a.label}**: ${a.reads}. Nothing leaves this machine.`, a.settingKey);
  }
});

test('every agent switch in package.json belongs to an agent', () => {
  const keys = new Set(AGENT_LIST.map((a) => `agentVitals.${a.settingKey}`));
  const switches = Object.keys(properties).filter(
    (k) => k.startsWith('agentVitals.watchers.') && !GENERAL_WATCHER_SETTINGS.includes(k),
  );
  assert.deepEqual(
    switches.filter((k) => !keys.has(k)),
    [],
  );
});

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

test('detection names the agent of every recorded transcript, by the folder it was recorded in', () => {
  const root = join(__dirname, '../../fixtures/transcripts');
  let checked = 0;
  for (const source of TRANSCRIPT_SOURCES) {
    for (const file of files(join(root, source))) {
      const head = readFileSync(file, 'utf8').slice(0, 64 * 1024);
      assert.equal(detectSource(file, head), source as AgentSource, relative(root, file));
      checked++;
    }
  }
  assert.ok(checked >= TRANSCRIPT_SOURCES.length, `${checked} transcripts`);
  assert.equal(detectSource('/tmp/notes.md', '# Notes\nnothing here'), undefined);
});
