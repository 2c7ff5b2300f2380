import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, constants, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { analyzePath, AnalyzeInputError, DEFAULT_ANALYZE_PLUGINS } from '../../../src/cli/analyze';
import { runAgentVitalsInProcess, type CliRun } from '../../support/cli';

const TRANSCRIPTS = join(__dirname, '../../fixtures/transcripts');

const run = (args: string[]): Promise<CliRun> => runAgentVitalsInProcess(['analyze', ...args]);

test('analyze: every shipped transcript format is found and reported with the contract fields', async () => {
  // Without plugins nothing is scored or flagged (the served model's own readings are recorded, not scored).
  const report = await analyzePath(TRANSCRIPTS, undefined);
  const sources = new Set(report.sessions.map((s) => s.source));
  assert.deepEqual([...sources].sort(), [
    'aider',
    'claude-code',
    'cline',
    'codex',
    'copilot',
    'gemini',
    'local-model',
    'roo',
  ]);
  assert.equal(report.sessions.length, 13);
  for (const s of report.sessions) {
    assert.deepEqual(
      Object.keys(s).sort(),
      ['fileEdits', 'file', 'flags', 'sessionId', 'skippedRecords', 'source', 'testRuns', 'turns'].sort(),
    );
    assert.ok(s.turns.length > 0, s.file);
    for (const t of s.turns) assert.deepEqual(Object.keys(t), ['turnId', 'role', 'ts', 'text', 'emotions']);
    assert.deepEqual(s.flags, []);
  }
  const claude = report.sessions.find((s) => s.sessionId === '7d1c9a4e-2b6f-4c1e-9f0a-5e3b8d2c1a90')!;
  assert.deepEqual(claude.testRuns[0], {
    ts: '2026-11-20T09:00:05.000Z',
    command: 'python -m pytest tests',
    framework: 'pytest',
    exitCode: 1,
    passed: 2,
    failed: 1,
    skipped: 0,
    failingIds: ['tests/test_cart.py::test_total_discount'],
  });
  assert.deepEqual(claude.fileEdits[0], {
    ts: '2026-11-20T09:00:10.000Z',
    path: '/home/dev/shop/tests/test_cart.py',
    op: 'update',
    isTestPath: true,
  });
});

test("analyze: the served model's turns report their own readings, and no reader model scores them", async () => {
  const file = join(TRANSCRIPTS, 'local-model/2026-12-03T16-11-55-087Z.jsonl');
  const scoreTurns = async (): Promise<never> => {
    throw new Error('a reader model was asked to score own-activations turns');
  };
  const report = await analyzePath(file, undefined, { scoreTurns });
  const turns = report.sessions[0]!.turns;
  const records = readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; reading?: { emotions: string[]; z: number[][] } })
    .filter((r) => r.type === 'turn');
  const replies = turns.filter((t) => t.role === 'assistant');
  assert.equal(replies.length, records.length);
  records.forEach((r, i) => {
    const desperate = r.reading!.emotions.indexOf('desperate');
    const mean = r.reading!.z.reduce((sum, row) => sum + row[desperate]!, 0) / r.reading!.z.length;
    assert.ok(Math.abs(replies[i]!.emotions!.desperate! - mean) < 1e-12);
  });
  assert.ok(turns.filter((t) => t.role === 'user').every((t) => t.emotions === null));
});

test('analyze: the tamper rules fill flags from the same events (expected value rewritten after a failing run)', async () => {
  const report = await analyzePath(join(TRANSCRIPTS, 'claude-code'), undefined, DEFAULT_ANALYZE_PLUGINS);
  const main = report.sessions.find((s) => s.sessionId === '7d1c9a4e-2b6f-4c1e-9f0a-5e3b8d2c1a90')!;
  assert.equal(main.flags.length, 1);
  const [flag] = main.flags;
  assert.deepEqual(Object.keys(flag!).sort(), ['desperation', 'kinds', 'path', 'pressure', 'reason', 'severity', 'ts']);
  assert.deepEqual(Object.keys(flag!.pressure).sort(), [
    'behaviour',
    'desperationUsed',
    'desperationZ',
    'failingStreak',
    'why',
  ]);
  assert.equal(flag!.path, '/home/dev/shop/tests/test_cart.py');
  assert.deepEqual(flag!.kinds, ['expected-value-changed']);
  assert.equal(flag!.desperation, null);
});

test('analyze --json prints the report with flags; --source restricts detection', async () => {
  const codex = join(TRANSCRIPTS, 'codex');
  const json = await run([codex, '--json']);
  assert.equal(json.code, 0);
  const report = JSON.parse(json.out) as { sessions: { source: string; testRuns: unknown[] }[] };
  assert.equal(report.sessions[0]!.source, 'codex');
  assert.equal(report.sessions[0]!.testRuns.length, 3);
  assert.ok((report.sessions[0] as unknown as { flags: unknown[] }).flags.length > 0);

  const text = await run([codex]);
  assert.equal(text.code, 0);
  assert.match(text.out, /^codex session 0199a3c2/m);
  assert.match(text.out, /test run .* pytest: 2 passed, 1 failed, 0 skipped exit 1/);

  // Forcing a source reads only what that reader understands; nothing sensible → exit 2.
  const forced = await run([join(TRANSCRIPTS, 'aider'), '--source', 'gemini', '--json']);
  assert.equal(forced.code, 2);
  assert.match(forced.err, /no gemini transcript found/);
});

test('analyze: unreadable input exits 2 with a one-line reason', async () => {
  const missing = await run(['/no/such/path']);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /^agent-vitals analyze: cannot read \/no\/such\/path: ENOENT\n$/);
  const dir = mkdtempSync(join(tmpdir(), 'av-an-'));
  try {
    writeFileSync(join(dir, 'notes.md'), '# just notes\n');
    const none = await run([dir]);
    assert.equal(none.code, 2);
    assert.equal(none.err.split('\n').length, 2);
    assert.equal((await run([dir, '--source', 'nope'])).code, 2);
    assert.equal((await run([])).code, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  await assert.rejects(analyzePath('/no/such', undefined), AnalyzeInputError);
});

test('analyze: a FIFO is refused at once with a clear reason instead of blocking forever', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'av-fifo-'));
  const fifo = join(dir, 'session.jsonl');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        // Unblock a reader stuck opening the FIFO, so the test process can end.
        closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
        reject(new Error('analyze blocked on the FIFO'));
      }, 3_000);
    });
    await assert.rejects(
      Promise.race([analyzePath(fifo, undefined), timeout]),
      (err: Error) => err instanceof AnalyzeInputError && /is not a regular file or a folder/.test(err.message),
    );
  } finally {
    clearTimeout(timer);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('analyze --json streams the same report JSON.stringify(report, null, 2) gives', async () => {
  const json = await run([TRANSCRIPTS, '--json']);
  assert.equal(json.code, 0);
  assert.equal(
    json.out,
    JSON.stringify(await analyzePath(TRANSCRIPTS, undefined, DEFAULT_ANALYZE_PLUGINS), null, 2) + '\n',
  );
});
