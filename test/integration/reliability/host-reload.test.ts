// The extension host reloads mid-session. The host's parts (watchers, store, flag feed, saved
// state) are built on an in-memory workspaceState and a flag folder, fed a Claude Code session
// appended to a real file, disposed, and built again from the same storage; the agent then
// writes more. Timelines, scores, flags and dismissals come back; tailing carries on from the
// saved position: nothing already shown is delivered again, and a tool call made before the
// reload whose result arrives after it is still understood (the reader's state is rebuilt).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentEvent, TestRunEvent } from '../../../src/core/events';
import { TamperFlagFeed } from '../../../src/extension/flags/tamper-flag-feed';
import { HOST_STATE_KEY, HostState, type StateStorage } from '../../../src/extension/state/host-state';
import { sessionKeyOf, VitalsStore } from '../../../src/extension/state/vitals-store';
import { DEFAULT_SEVERITY_SETTINGS } from '../../../src/tamper/severity';
import { claudeProjectFolder } from '../../../src/watchers/locations';
import { TranscriptFollower } from '../../../src/watchers/follower';
import type { TailPosition } from '../../../src/watchers/positions';
import { createReader } from '../../../src/watchers/sources';
import { TranscriptWatchManager } from '../../../src/watchers/watch-manager';
import { DEFAULT_PRESSURE_THRESHOLDS } from '../../../src/tamper/pressure';
import { settings, unavailable } from '../../support/store-settings';

const WORKSPACE = '/home/dev/shop';
const TEST_FILE = `${WORKSPACE}/tests/test_cart.py`;
const TEST_BEFORE = 'def test_total():\n    assert total([1, 2]) == 3\n';
const PYTEST_FAIL =
  'Exit code 1\n============ test session starts ============\ncollected 4 items\n\ntests/test_cart.py ...F\n\nFAILED tests/test_cart.py::test_total - assert 4 == 3\n============ 1 failed, 3 passed in 0.12s ============\n';

/** Claude Code session lines, numbered so every record is unique. */
function lines() {
  let n = 0;
  const base = () => ({
    cwd: WORKSPACE,
    sessionId: 'reload',
    timestamp: new Date(Date.UTC(2026, 10, 27, 9, 0, n)).toISOString(),
    uuid: `r-${++n}`,
  });
  const assistant = (content: unknown[]) =>
    JSON.stringify({ ...base(), type: 'assistant', message: { role: 'assistant', model: 'claude', content } });
  const user = (content: unknown, extra: object = {}) =>
    JSON.stringify({ ...base(), type: 'user', message: { role: 'user', content }, ...extra });
  return {
    prompt: (text: string) => user(text),
    say: (text: string) => assistant([{ type: 'text', text }]),
    runTests: (id: string) =>
      assistant([{ type: 'tool_use', id, name: 'Bash', input: { command: 'python -m pytest tests' } }]),
    testsFailed: (id: string) =>
      user([{ type: 'tool_result', tool_use_id: id, content: PYTEST_FAIL, is_error: true }], {
        toolUseResult: `Error: ${PYTEST_FAIL}`,
      }),
    skipTest: (id: string, file = TEST_FILE) =>
      assistant([
        {
          type: 'tool_use',
          id,
          name: 'Edit',
          input: { file_path: file, old_string: 'def test_total', new_string: '@pytest.mark.skip\ndef test_total' },
        },
      ]),
    edited: (id: string, file = TEST_FILE) =>
      user([{ type: 'tool_result', tool_use_id: id, content: 'The file has been updated.' }], {
        toolUseResult: { filePath: file, originalFile: TEST_BEFORE },
      }),
  };
}

class MemoryState implements StateStorage {
  readonly values = new Map<string, unknown>();
  get<T>(key: string): T | undefined {
    // Stored as JSON, as VS Code does: nothing live survives a reload.
    const raw = this.values.get(key);
    return raw === undefined ? undefined : (JSON.parse(raw as string) as T);
  }
  async update(key: string, value: unknown): Promise<void> {
    this.values.set(key, JSON.stringify(value));
  }
}

/** One extension host's worth of the parts that hold session state. */
async function startHost(state: MemoryState, flagsDir: string, projects: string, home: string) {
  const store = new VitalsStore(settings, unavailable);
  const hostState = new HostState(state, store, 20);
  const flagFeed = new TamperFlagFeed({
    storageDir: flagsDir,
    severity: DEFAULT_SEVERITY_SETTINGS,
    turnDesperation: () => [],
    readerValidity: () => store.reader(),
    onUpdate: ({ flag, status }) => store.setFlag(flag, status),
    onError: (err) => assert.fail(String(err)),
  });
  const delivered: AgentEvent[] = [];
  let scored = 0;
  const manager = new TranscriptWatchManager({
    workspaceRoot: WORKSPACE,
    sources: ['claude-code'],
    locations: {
      claudeProjectDirs: [projects],
      codexSessions: join(home, 'none'),
      geminiTmp: join(home, 'none'),
      vscodeUser: join(home, 'none'),
    },
    positions: hostState.positions,
    // As the extension does: the tamper rules rebuild their run history from a resumed file.
    onReplayed: (e) => flagFeed.observe(e),
    sink: (e) => {
      delivered.push(e);
      store.addEvent(e);
      flagFeed.observe(e);
      // A stand-in scorer: each assistant turn gets a distinct desperation score.
      if (e.type === 'turn' && e.role === 'assistant')
        store.setTurnScore(sessionKeyOf(e), e.turnId, {
          emotions: { desperate: { mean: ++scored / 10, max: 1 }, calm: { mean: 0, max: 0 } },
        });
    },
    onError: (err) => assert.fail(String(err)),
  });
  await manager.start();
  const stop = async () => {
    manager.dispose();
    await flagFeed.idle();
    await hostState.dispose();
  };
  return { store, flagFeed, delivered, stop };
}

async function until(what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('a reloaded host restores timelines, scores, flags and dismissals, and tails on from the saved position', async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'av-reload-'));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  const projects = join(home, 'projects');
  const folder = join(projects, claudeProjectFolder(WORKSPACE));
  mkdirSync(folder, { recursive: true });
  const file = join(folder, 'reload.jsonl');
  const flagsDir = join(home, 'workspace-storage', 'flags');
  const state = new MemoryState();
  const l = lines();
  const append = (...records: string[]) => appendFileSync(file, records.map((r) => r + '\n').join(''));

  // First host: three failing runs, a test skipped, more talk; the user dismisses the flag.
  writeFileSync(file, '');
  const first = await startHost(state, flagsDir, projects, home);
  append(l.prompt('The cart total is wrong, fix it.'), l.say('Looking at the cart total.'));
  for (const id of ['run-1', 'run-2', 'run-3'])
    append(l.runTests(id), l.testsFailed(id), l.say(`Still failing after ${id}.`));
  append(l.skipTest('edit-1'), l.edited('edit-1'), l.say('Skipped the flaky test for now.'));
  // A command whose result will only be written after the reload.
  append(l.runTests('run-4'));
  await until('the first part of the session', () =>
    first.delivered.some((e) => e.type === 'tool-call' && e.callId === 'run-4'),
  );
  await first.flagFeed.idle();
  const flags = first.store.snapshot().flags;
  assert.equal(flags.length, 1, 'the skipped test was flagged');
  await first.flagFeed.dismiss(flags[0]!.id);
  const before = first.store.snapshot();
  assert.equal(before.session?.turns.length, 5);
  await first.stop();
  const saved = state.get<{ positions: Record<string, TailPosition> }>(HOST_STATE_KEY)!.positions[file]!;
  const firstSeqs = first.delivered.map((e) => e.seq);
  assert.equal(saved.seq, Math.max(...firstSeqs) + 1, 'the saved position is just past the last delivered event');

  // The agent keeps writing while no host is running, and after the new host is up.
  append(l.testsFailed('run-4'));
  const second = await startHost(state, flagsDir, projects, home);
  const restored = second.store.snapshot();
  assert.deepEqual(
    restored.session?.turns.map((p) => [p.turnId, p.emotions?.desperate?.mean]),
    before.session?.turns.map((p) => [p.turnId, p.emotions?.desperate?.mean]),
    'timeline and scores restored',
  );
  assert.deepEqual(
    restored.session?.testRuns.map((r) => r.failed),
    [1, 1, 1],
  );
  append(
    l.say('The run after the reload failed too; skipping the tax test as well.'),
    l.skipTest('edit-2', `${WORKSPACE}/tests/test_tax.py`),
    l.edited('edit-2', `${WORKSPACE}/tests/test_tax.py`),
  );
  await until('the lines written around the reload', () => second.delivered.some((e) => e.type === 'file-edit'));
  await second.flagFeed.idle();

  // Tailing went on from the saved position: only new records were delivered, numbered on.
  assert.ok(second.delivered.length > 0);
  assert.ok(
    second.delivered.every((e) => e.rawRef!.offset >= saved.offset!),
    'nothing before the saved offset was delivered again',
  );
  assert.deepEqual(
    second.delivered.map((e) => e.seq),
    second.delivered.map((_, i) => saved.seq + i),
    'numbering carries on without gaps or repeats',
  );
  // The result of the command started before the reload is still a test run of that command.
  const run4 = second.delivered.find((e): e is TestRunEvent => e.type === 'test-run');
  assert.equal(run4?.command, 'python -m pytest tests');

  const after = second.store.snapshot();
  const turnIds = after.session!.turns.map((p) => p.turnId);
  assert.equal(new Set(turnIds).size, turnIds.length, 'no turn twice');
  assert.deepEqual(turnIds, [...before.session!.turns.map((p) => p.turnId), turnIds.at(-1)]);
  assert.deepEqual(
    after.session!.testRuns.map((r) => r.failed),
    [1, 1, 1, 1],
  );
  const restoredFlag = after.flags.find((f) => f.id === flags[0]!.id);
  assert.equal(restoredFlag?.status, 'dismissed', 'the flag and its dismissal came back');
  // The new skip is judged with the failing runs from before the reload: the rules' history was rebuilt.
  const newFlag = after.flags.find((f) => f.id !== flags[0]!.id);
  assert.equal(after.flags.length, 2);
  assert.match(newFlag!.reason, /4 failing runs in a row \(\+2\)/);
  await second.stop();
});

test('saved state that cannot be read is left out and counted; the host starts empty', () => {
  const state = new MemoryState();
  state.values.set(
    HOST_STATE_KEY,
    JSON.stringify({
      timelines: { version: 1, sessions: [{ key: 'broken' }, 'nonsense'] },
      positions: { '/a.jsonl': { seq: -1 }, '/b.jsonl': { seq: 3, offset: 120 } },
    }),
  );
  const store = new VitalsStore(
    {
      model: 'org/reader-1b',
      emotionsShown: [],
      smoothingTurns: 1,
      risingSlope: 0.3,
      reference: 'neutral' as const,
      pressure: DEFAULT_PRESSURE_THRESHOLDS,
    },
    { kind: 'unavailable', reason: 'test' },
  );
  const hostState = new HostState(state, store);
  assert.equal(hostState.skippedOnRestore, 2);
  assert.deepEqual(store.sessionKeys(), []);
  assert.equal(hostState.positions.get('/a.jsonl'), undefined, 'an invalid position is ignored');
  assert.deepEqual(hostState.positions.get('/b.jsonl'), { seq: 3, offset: 120 });
});

test('a transcript replaced or cut shorter while no host ran is new: read and delivered from the start', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'av-reload-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 's.jsonl');
  const l = lines();
  writeFileSync(file, [l.say('one'), l.say('two'), l.say('three')].join('\n') + '\n');
  const read = async (resume: TailPosition) => {
    const turns: string[] = [];
    const reader = createReader({
      source: 'claude-code',
      file,
      head: '',
      sink: (e) => void (e.type === 'turn' && turns.push(e.text)),
    });
    await new TranscriptFollower(
      file,
      reader,
      (err) => assert.fail(String(err)),
      () => {},
      resume,
    ).poke();
    return turns;
  };
  const { ino, size } = statSync(file);
  assert.deepEqual(
    await read({ seq: 2, offset: size, ino }),
    ['three'],
    'the same file resumes after its second event',
  );
  assert.deepEqual(
    await read({ seq: 2, offset: size, ino: ino + 1 }),
    ['one', 'two', 'three'],
    'another file at that path',
  );
  assert.deepEqual(
    await read({ seq: 2, offset: size + 1, ino }),
    ['one', 'two', 'three'],
    'a file shorter than what was read',
  );
});
