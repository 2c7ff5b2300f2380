// Real, public Aider histories (test/fixtures/real-transcripts/SOURCES.md) read through the real
// read path. Expectations come from the files themselves by a much simpler reading than the
// reader's: runs of "#### " lines, "Applied edit to" notes, the runners' own summary lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { edits, readFixture, runs, tools, turns } from './fixtures';

const ROOT = join(__dirname, '../../fixtures/real-transcripts');
const AIDER = join(ROOT, 'aider');
const HISTORY = '.aider.chat.history.md';
const folders = readdirSync(AIDER).sort();
const read = (folder: string) => readFixture(join('../real-transcripts/aider', folder, HISTORY));
const textOf = (folder: string) => readFileSync(join(AIDER, folder, HISTORY), 'utf8');

/** Messages to the model: runs of "#### " lines, less Aider commands and logged yes/no answers. */
function userMessages(text: string): number {
  let count = 0;
  let run: string[] | undefined;
  const close = () => {
    if (!run) return;
    if (run.join('').trim() !== '') count++;
    run = undefined;
  };
  for (const line of text.split('\n')) {
    const said = line.startsWith('#### ') || line.trimEnd() === '####' ? line.slice(5).trim() : undefined;
    if (line.trim() === '') continue; // blank lines separate nothing inside a message
    if (said === undefined || /\(Y\)es\/\(N\)o/.test(said)) close();
    else if (run === undefined && /^[/!]/.test(said) && !/^\/(?:ask|code|architect|context)\s/.test(said)) continue; // a command to Aider
    else (run ??= []).push(said);
  }
  close();
  return count;
}

/** Shell runs: /test, /run and ! commands, and suggested commands Aider ran ("> Running …"). */
const shellRuns = (text: string) => text.split('\n').filter((l) => /^#### (?:\/test |\/run |!)|^> Running /.test(l)).length;

/** Each run's output appears once plain and once as "> " lines: the plain summary lines, in order. */
function pytestSummaries(text: string): [number, number][] {
  return [...text.matchAll(/^=+ ((?:\d+ \w+(?:, )?)+) in [\d.]+s =+ *$/gm)].map((m) => {
    const count = (word: RegExp) => Number(new RegExp(`(\\d+) ${word.source}`).exec(m[1]!)?.[1] ?? 0);
    return [count(/passed/), count(/failed/) + count(/errors?/)];
  });
}

const appliedPaths = (text: string) => new Set([...text.matchAll(/^> Applied edit to (.+?) *$/gm)].map((m) => m[1]!.replace(/\\/g, '/').replace(/^\.\//, '')));

test('real Aider corpus: at least 30 public histories, each with its origin recorded', () => {
  assert.ok(folders.length >= 30, `${folders.length} histories`);
  const sources = readFileSync(join(ROOT, 'SOURCES.md'), 'utf8');
  for (const folder of folders) assert.match(sources, new RegExp(`^\\| ${folder} \\|`, 'm'), folder);
});

for (const folder of folders) {
  test(`real Aider history ${folder}: turns, runs and applied edits match the file`, async () => {
    const text = textOf(folder);
    const s = await read(folder);
    assert.equal(s.source, 'aider');
    assert.equal(s.skippedRecords, 0);
    assert.equal(turns(s.events).filter((t) => t.role === 'user').length, userMessages(text), 'user messages');
    assert.equal(tools(s.events).filter((t) => t.kind === 'shell').length, shellRuns(text), 'shell runs');
    const pytest = runs(s.events).filter((r) => r.framework === 'pytest').map((r) => [r.passed, r.failed]);
    assert.deepEqual(pytest, pytestSummaries(text), 'pytest counts');
    const applied = appliedPaths(text);
    const edited = new Set(edits(s.events).map((e) => relative(join(AIDER, folder), e.path)));
    for (const path of edited) assert.ok(applied.has(path), `${path} was edited but Aider applied no edit to it`);
    // Aider's own whole-file parser took file names from prose lines in this weak model's reply
    // ("-> Swift binary …"): Aider wrote files the reply never proposed as such.
    if (folder !== 'mozgoslav-s2') assert.deepEqual([...edited].sort(), [...applied].sort(), 'edited files');
  });
}

test('real Aider: /test output is kept whole, so a failing run has its counts (aider-ai-s11)', async () => {
  const s = await read('aider-ai-s11');
  assert.deepEqual(runs(s.events).map((r) => [r.framework, r.passed, r.failed, r.failingIds]), [
    ['pytest', 6, 1, ['tests/basic/test_repomap.py::TestRepoMapAllLanguages::test_get_repo_map_subtree_only']],
    ['pytest', 6, 1, ['tests/basic/test_repomap.py::TestRepoMapAllLanguages::test_get_repo_map_subtree_only']],
  ]);
});

test('real Aider: unittest summaries and an approved suggested command with its exit status', async () => {
  const main = await read('aider-ai-s1085');
  assert.deepEqual(runs(main.events).map((r) => [r.framework, r.exitCode, r.passed, r.failed]), [
    ['unittest', undefined, 0, 0], // "> Running python -m unittest …": Aider kept no output
    ['unittest', undefined, 37, 0], // "Ran 37 tests … OK"
  ]);
  const failing = await read('aider-ai-s1108');
  assert.deepEqual(runs(failing.events).map((r) => [r.exitCode, r.passed, r.failed]), [[1, 0, 0], [undefined, 1, 0]]);
});

test('real Aider: a 184-line pasted message is one user turn, and Aider output is no assistant turn', async () => {
  const s = await read('aider-ai-s473');
  const user = turns(s.events).filter((t) => t.role === 'user');
  assert.equal(user.length, 1);
  assert.ok(user[0]!.text.split('\n').length > 150);
  for (const t of turns(s.events)) assert.doesNotMatch(t.text, /^=+ test session starts/m);
});

test('real Aider: whole-file edit format read as edits, test files marked (opencoder-s32)', async () => {
  const s = await read('opencoder-s32');
  assert.deepEqual(edits(s.events).map((e) => [relative(join(AIDER, 'opencoder-s32'), e.path), e.op, e.isTestPath, e.after]), [
    ['test_file.py', 'create', true, 'print("Hello from Aider!")\n'],
  ]);
});

test('real Aider: SEARCH/REPLACE blocks that failed to match are not edits (monochromatic-s15)', async () => {
  const text = textOf('monochromatic-s15');
  assert.match(text, /SearchReplaceNoExactMatch/);
  const s = await read('monochromatic-s15');
  const proposedBlocks = text.split('\n').filter((l) => /^>{5,9} REPLACE/.test(l.trim())).length;
  assert.ok(edits(s.events).length < proposedBlocks, `${edits(s.events).length} edits of ${proposedBlocks} proposed blocks`);
});
