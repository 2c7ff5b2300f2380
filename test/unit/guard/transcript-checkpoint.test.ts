import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  appendFileSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  checkpointDir,
  MAX_CHECKPOINTS,
  readSessionDigest,
  type SessionRead,
} from '../../../src/guard/transcript-checkpoint';
import type { GuardAgent } from '../../../src/guard/agents';
import { runHook } from '../../../src/guard/hook';
import {
  appendClaudeEdit,
  claudeTranscript,
  codexTranscript,
  geminiTranscript,
  makeWorkspace,
  payload,
} from './workspace';

const FIXTURES = join(__dirname, '../../fixtures');
const AT = '2026-11-25T00:00:00.000Z';

/** Recorded sessions of every agent the guard supports, with the source they are read as. */
function sessions(): { agent: GuardAgent; file: string }[] {
  const workspace = makeWorkspace();
  return [
    { agent: 'claude-code', file: claudeTranscript(workspace, 4) },
    {
      agent: 'claude-code',
      file: join(FIXTURES, 'real-transcripts/claude-code/5c0375b4-57a5-4f26-b12d-d022ee4e51b7.jsonl'),
    },
    {
      agent: 'claude-code',
      file: join(FIXTURES, 'transcripts/claude-code/-home-dev-shop/7d1c9a4e-2b6f-4c1e-9f0a-5e3b8d2c1a90.jsonl'),
    },
    { agent: 'codex', file: codexTranscript(workspace, 4) },
    {
      agent: 'codex',
      file: join(
        FIXTURES,
        'real-transcripts/codex/rollout-2025-11-17T15-30-28-019a93b9-f380-7600-98ff-940e6b99603c.jsonl',
      ),
    },
    {
      agent: 'codex',
      file: join(
        FIXTURES,
        'transcripts/codex/2026/11/21/rollout-2026-11-21T10-00-00-0199a3c2-7e41-7b10-9c55-3f2e1d0b9a77.jsonl',
      ),
    },
    { agent: 'gemini', file: geminiTranscript(workspace, 4) },
    {
      agent: 'gemini',
      file: join(FIXTURES, 'transcripts/gemini/tmp/c0ffee/chats/session-2026-11-23T07-00-g5150.jsonl'),
    },
  ];
}

/** What the guard decides with: the pressure at a moment and the end-of-turn audit. */
function judged(read: SessionRead): unknown {
  return { pressure: read.digest.pressure(AT), audit: read.digest.audit() };
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'av-checkpoint-'));
}

/** A seeded generator, so a failing split can be reproduced. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

test('pressure and audit after reading a transcript in appended pieces equal a full read, for every agent', async () => {
  const next = random(16);
  for (const { agent, file } of sessions()) {
    const text = readFileSync(file);
    const full = judged(await readSessionDigest(file, agent, tempDir()));
    for (let trial = 0; trial < 6; trial++) {
      const cache = tempDir();
      const copy = join(tempDir(), file.split('/').pop()!);
      // Two to four pieces, cut anywhere, also inside a record.
      const cuts = Array.from({ length: 1 + Math.floor(next() * 3) }, () => Math.floor(next() * text.length)).sort(
        (a, b) => a - b,
      );
      writeFileSync(copy, '');
      let from = 0;
      const reads: SessionRead['read'][] = [];
      for (const cut of [...cuts, text.length]) {
        appendFileSync(copy, text.subarray(from, cut));
        from = cut;
        reads.push((await readSessionDigest(copy, agent, cache)).read);
      }
      const last = await readSessionDigest(copy, agent, cache);
      assert.deepEqual(judged(last), full, `${agent} ${file} cut at ${cuts.join(', ')}`);
      assert.ok(
        reads.slice(1).some((r) => r === 'appended'),
        `${file}: later reads resume (${reads.join(', ')})`,
      );
    }
  }
});

test('a failing run appended after a checkpoint raises the failing streak', async () => {
  const workspace = makeWorkspace();
  const cache = tempDir();
  const two = readFileSync(claudeTranscript(workspace, 2), 'utf8');
  const three = readFileSync(claudeTranscript(workspace, 3), 'utf8');
  const file = join(workspace, 'growing.jsonl');
  writeFileSync(file, two);
  assert.equal((await readSessionDigest(file, 'claude-code', cache)).digest.pressure(AT).facts.failingStreak, 2);
  appendFileSync(file, three.slice(two.length));
  const after = await readSessionDigest(file, 'claude-code', cache);
  assert.equal(after.read, 'appended');
  assert.equal(after.digest.pressure(AT).facts.failingStreak, 3);
});

test('a truncated, replaced or rewritten transcript is read again from the start', async () => {
  const workspace = makeWorkspace();
  const cache = tempDir();
  const four = readFileSync(claudeTranscript(workspace, 4), 'utf8');
  const one = readFileSync(claudeTranscript(workspace, 1), 'utf8');
  const file = join(workspace, 'session.jsonl');
  writeFileSync(file, four);
  assert.equal((await readSessionDigest(file, 'claude-code', cache)).read, 'full');
  assert.equal((await readSessionDigest(file, 'claude-code', cache)).read, 'unchanged');

  truncateSync(file, one.length);
  const truncated = await readSessionDigest(file, 'claude-code', cache);
  assert.equal(truncated.read, 'full');
  assert.equal(truncated.digest.pressure(AT).facts.failingStreak, 1);

  // Replaced by another file (a new inode) at least as long as the checkpoint's offset.
  const other = join(workspace, 'other.jsonl');
  writeFileSync(other, four.replace('Make the tests pass.', 'Make the tests PASS.'));
  assert.notEqual(statSync(other).ino, statSync(file).ino);
  renameSync(other, file);
  const replaced = await readSessionDigest(file, 'claude-code', cache);
  assert.equal(replaced.read, 'full');
  assert.equal(replaced.digest.pressure(AT).facts.failingStreak, 4);

  // Rewritten in place: same inode and a longer file, but the bytes before the offset changed.
  writeFileSync(file, '\n'.repeat(four.length + 10));
  const rewritten = await readSessionDigest(file, 'claude-code', cache);
  assert.equal(rewritten.read, 'full');
  assert.equal(rewritten.digest.pressure(AT).facts.failingStreak, 0);
});

function checkpointFiles(cache: string): string[] {
  return readdirSync(checkpointDir(cache)).map((f) => join(checkpointDir(cache), f));
}

test('a corrupt or hostile checkpoint is refused and the transcript read in full', async () => {
  const workspace = makeWorkspace();
  const file = claudeTranscript(workspace, 4);
  const cache = tempDir();
  const expected = judged(await readSessionDigest(file, 'claude-code', cache));
  const [checkpoint] = checkpointFiles(cache);
  const good = JSON.parse(readFileSync(checkpoint!, 'utf8')) as Record<string, unknown>;
  const hostile: [string, string][] = [
    ['not JSON', '{"version": 1, "offset": '],
    ['an array', '[]'],
    ['a huge offset', JSON.stringify({ ...good, offset: 1e300 })],
    ['a negative offset', JSON.stringify({ ...good, offset: -5 })],
    ['an offset as text', JSON.stringify({ ...good, offset: String(good.offset) })],
    ['another transcript', JSON.stringify({ ...good, transcript: '/elsewhere.jsonl' })],
    ['a prototype key', JSON.stringify(good).replace('{', '{"__proto__": {"polluted": true},')],
    ['a reader state of the wrong type', JSON.stringify({ ...good, reader: 'pending' })],
    ['a digest of the wrong type', JSON.stringify({ ...good, digest: { pressure: [1, 2, 3] } })],
    ['a streak beyond any count', JSON.stringify(good).replace(/"streak":\d+/, '"streak":1e308')],
    ['a prototype key in a map', JSON.stringify(good).replace(/"failingRuns":\[/, '"failingRuns":[["__proto__",9],')],
    ['a file over the size limit', `${JSON.stringify(good)}${' '.repeat(3 * 1024 * 1024)}`],
  ];
  for (const [what, text] of hostile) {
    writeFileSync(checkpoint!, text);
    const read = await readSessionDigest(file, 'claude-code', cache);
    assert.equal(read.read, 'full', what);
    assert.deepEqual(judged(read), expected, what);
    assert.equal(({} as Record<string, unknown>).polluted, undefined, what);
  }
});

test('a checkpoint stays small however long the session runs', async () => {
  const workspace = makeWorkspace();
  const cache = tempDir();
  const file = join(workspace, 'long.jsonl');
  const one = readFileSync(claudeTranscript(workspace, 1), 'utf8');
  const run = one
    .split('\n')
    .filter((l) => l)
    .slice(1); // one Bash call and its failing result
  writeFileSync(file, one);
  await readSessionDigest(file, 'claude-code', cache);
  const sizes: number[] = [];
  for (let i = 0; i < 300; i++) {
    // The same failing run again, with fresh record ids, and an edit of a test file now and then.
    appendFileSync(file, run.map((l) => l.replaceAll('toolu_0', `toolu_${i}x`)).join('\n') + '\n');
    if (i % 10 === 0)
      appendClaudeEdit(file, workspace, i, {
        file_path: join(workspace, 'tests', `test_${i}.py`),
        old_string: 'a',
        new_string: 'b',
      });
    await readSessionDigest(file, 'claude-code', cache);
    sizes.push(statSync(checkpointFiles(cache)[0]!).size);
  }
  assert.equal((await readSessionDigest(file, 'claude-code', cache)).digest.pressure(AT).facts.failingStreak, 301);
  assert.ok(statSync(file).size > 50 * sizes[299]!, `transcript ${statSync(file).size} B, checkpoint ${sizes[299]} B`);
  assert.ok(sizes[299]! < 2 * sizes[49]!, `checkpoint grew from ${sizes[49]} B to ${sizes[299]} B`);
});

test('the checkpoint folder keeps at most MAX_CHECKPOINTS files, the most recently used', async () => {
  const workspace = makeWorkspace();
  const cache = tempDir();
  const text = readFileSync(claudeTranscript(workspace, 1));
  const files = Array.from({ length: MAX_CHECKPOINTS + 8 }, (_, i) => join(workspace, `session-${i}.jsonl`));
  for (const file of files) {
    writeFileSync(file, text);
    await readSessionDigest(file, 'claude-code', cache);
  }
  assert.equal(checkpointFiles(cache).length, MAX_CHECKPOINTS);
  // The latest transcript still resumes from its checkpoint.
  assert.equal((await readSessionDigest(files[files.length - 1]!, 'claude-code', cache)).read, 'unchanged');
});

test('the hook decides the same on a transcript it has read before as on one it reads in full', async () => {
  const cacheDir = tempDir();
  const workspace = makeWorkspace();
  const file = claudeTranscript(workspace, 1);
  const now = new Date('2026-11-20T09:14:05.000Z');
  const ask = async () =>
    (await runHook('claude-code', payload('claude-edit-skip.json', workspace, file), { now, cacheDir })).output;
  const calm = await ask();
  writeFileSync(file, readFileSync(claudeTranscript(workspace, 4)));
  const incremental = await ask();
  rmSync(cacheDir, { recursive: true });
  const full = await ask();
  assert.deepEqual(incremental, full);
  assert.notDeepEqual(calm, full);
});

test('a Cline task history, rewritten whole, is read again only when it changed', async () => {
  const { clineTask } = await import('./workspace');
  const workspace = makeWorkspace();
  const cache = tempDir();
  const file = clineTask(tempDir(), 'task-1', workspace, 2);
  const first = await readSessionDigest(file, 'cline', cache);
  assert.equal(first.read, 'full');
  assert.equal(first.digest.pressure(AT).facts.failingStreak, 2);
  assert.equal((await readSessionDigest(file, 'cline', cache)).read, 'unchanged');
  const longer = clineTask(tempDir(), 'task-1', workspace, 3);
  writeFileSync(file, readFileSync(longer));
  const again = await readSessionDigest(file, 'cline', cache);
  assert.equal(again.read, 'full');
  assert.equal(again.digest.pressure(AT).facts.failingStreak, 3);
});
