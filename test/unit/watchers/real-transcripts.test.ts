// Real, public transcripts (test/fixtures/real-transcripts/SOURCES.md) read through the real read
// path. Expectations come from the files themselves by a much simpler reading than the readers':
// runs of "#### " lines, "Applied edit to" notes, runners' own summary lines, tool_use/tool_result
// pairs; flags from a careful read of each flagged edit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { flagRecordedSession } from '../../../src/transcript-pipeline/flags';
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

const CLAUDE = join(ROOT, 'claude-code');
const claudeSessions = readdirSync(CLAUDE).filter((f) => f.endsWith('.jsonl')).sort();

interface ClaudeCounts {
  user: number;
  assistantText: number;
  bash: number;
  edits: number;
}

/** Claude Code: records with text a person (or a Task prompt) typed, replies with text, tool uses. */
function claudeCounts(text: string): ClaudeCounts {
  type Part = { type?: string; text?: string; id?: string; name?: string; tool_use_id?: string; is_error?: boolean };
  const records = text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as { type?: string; isMeta?: boolean; message?: { content?: string | Part[] } });
  const parts = (r: (typeof records)[number]): Part[] => (Array.isArray(r.message?.content) ? r.message.content : []);
  const failed = new Set(records.flatMap(parts).filter((p) => p.type === 'tool_result' && p.is_error === true).map((p) => p.tool_use_id));
  const uses = records.filter((r) => r.type === 'assistant').flatMap(parts).filter((p) => p.type === 'tool_use');
  return {
    user: records.filter((r) => r.type === 'user' && !r.isMeta && (typeof r.message?.content === 'string' || parts(r).some((p) => p.type === 'text'))).length,
    assistantText: records.filter((r) => r.type === 'assistant' && parts(r).some((p) => p.type === 'text' && (p.text ?? '').trim() !== '')).length,
    // BashOutput reads a background command's output: a shell call too.
    bash: uses.filter((p) => p.name === 'Bash' || p.name === 'BashOutput').length,
    edits: uses.filter((p) => ['Write', 'Edit', 'MultiEdit'].includes(p.name ?? '') && !failed.has(p.id)).length,
  };
}

const CODEX_META = 'example-session-metadata.jsonl';

const appliedPaths = (text: string) => new Set([...text.matchAll(/^> Applied edit to (.+?) *$/gm)].map((m) => m[1]!.replace(/\\/g, '/').replace(/^\.\//, '')));

test('real corpus: every file has its origin recorded, at least 30 files', () => {
  const sources = readFileSync(join(ROOT, 'SOURCES.md'), 'utf8');
  const names = [...folders, ...claudeSessions, CODEX_META];
  assert.ok(names.length >= 30, `${names.length} files`);
  for (const name of names) assert.match(sources, new RegExp(`^\\| ${name.replace(/\./g, '\\.')} \\|`, 'm'), name);
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
    assert.deepEqual([...edited].sort(), [...applied].sort(), 'edited files');
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
    ['unittest', undefined, null, 0], // "> Running python -m unittest …": Aider kept no output, so how many passed is unknown
    ['unittest', undefined, 37, 0], // "Ran 37 tests … OK"
  ]);
  const failing = await read('aider-ai-s1108');
  assert.deepEqual(runs(failing.events).map((r) => [r.exitCode, r.passed, r.failed]), [[1, null, 0], [undefined, 1, 0]]);
});

test('real Aider: a 184-line pasted message is one user turn, and Aider output is no assistant turn', async () => {
  const s = await read('aider-ai-s473');
  const user = turns(s.events).filter((t) => t.role === 'user');
  assert.equal(user.length, 1);
  assert.ok(user[0]!.text.split('\n').length > 150);
  for (const t of turns(s.events)) assert.doesNotMatch(t.text, /^=+ test session starts/m);
});

test('real Aider: "/ask question" and the question Aider then logs are one message, said once (aider-ai-s348)', async () => {
  const s = await read('aider-ai-s348');
  assert.equal(turns(s.events).filter((t) => t.role === 'user')[1]!.text, 'can httpx and playwright provide the actual mime type?');
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

for (const name of claudeSessions) {
  test(`real Claude Code session ${name.slice(0, 8)}: turns, shell calls and edits match the file`, async () => {
    const s = await readFixture(join('../real-transcripts/claude-code', name));
    const expected = claudeCounts(readFileSync(join(CLAUDE, name), 'utf8'));
    assert.equal(s.source, 'claude-code');
    assert.equal(s.skippedRecords, 0);
    assert.equal(turns(s.events).filter((t) => t.role === 'user').length, expected.user);
    assert.equal(turns(s.events).filter((t) => t.role === 'assistant').length, expected.assistantText);
    assert.equal(tools(s.events).filter((t) => t.kind === 'shell' && t.status !== 'started').length, expected.bash);
    assert.equal(edits(s.events).length, expected.edits);
  });
}

test('real Claude Code: edits to a test file the agent wrote are marked as test edits', async () => {
  const s = await readFixture('../real-transcripts/claude-code/fe5e1c67-53e7-4862-81ae-d0e013e3270b.jsonl');
  const tests = edits(s.events).filter((e) => e.isTestPath).map((e) => [e.op, e.path.split('/').slice(-3).join('/')]);
  assert.deepEqual(tests, [['create', 'src/hooks/useTodos.test.ts'], ['update', 'src/hooks/useTodos.test.ts']]);
});

/** Flags at warning and above, as [file of the flagged edit, kinds]. */
async function warnings(path: string): Promise<[string, string[]][]> {
  const s = await readFixture(path);
  return flagRecordedSession(s.events)
    .filter((f) => f.severity !== 'info')
    .map((f) => [f.path.split('/').slice(-2).join('/'), f.kinds]);
}

test('real flags: an expected string rewritten to the text the failing run printed (aider-ai-s1052)', async () => {
  const flags = await warnings(join('../real-transcripts/aider/aider-ai-s1052', HISTORY));
  assert.deepEqual(flags.map(([path]) => path), ['basic/test_editblock.py']);
  assert.ok(flags[0]![1].includes('expected-value-changed'));
  // Both /run outputs kept their "1 failed, 17 passed": the edit came after two failing runs.
  const s = await read('aider-ai-s1052');
  assert.match(flagRecordedSession(s.events)[0]!.reason, /2 failing runs in a row/);
});

test('real flags: a mock call check loosened after two failing runs (aider-ai-s918)', async () => {
  const flags = await warnings(join('../real-transcripts/aider/aider-ai-s918', HISTORY));
  assert.deepEqual(flags.map(([path]) => path), ['basic/test_main.py']);
  assert.ok(flags[0]![1].includes('assertion-weakened'));
});

test('real flags: an assertRaises block removed and assertFalse flipped, as the user asked (aider-ai-s1108)', async () => {
  // Structurally a removed assertion and a changed expectation; that the user asked for it is in
  // the prompt, which the classifier does not read, so the flag stands and its reason must show
  // that no run was failing.
  const flags = await warnings(join('../real-transcripts/aider/aider-ai-s1108', HISTORY));
  assert.deepEqual(flags, [['basic/test_main.py', ['expected-value-changed', 'assertion-removed']]]);
  const s = await read('aider-ai-s1108');
  assert.match(flagRecordedSession(s.events)[0]!.reason, /tests were not failing/);
});

/** Histories whose flagged edits a careful read judges otherwise, or leaves open (s423, s424). */
const JUDGED_APART = new Set(['aider-ai-s1052', 'aider-ai-s918', 'aider-ai-s1108', 'aider-ai-s294', 'aider-ai-s423', 'aider-ai-s424']);

test('real flags: no warning on the other real sessions', async () => {
  for (const folder of folders.filter((f) => !JUDGED_APART.has(f))) {
    assert.deepEqual(await warnings(join('../real-transcripts/aider', folder, HISTORY)), [], folder);
  }
  for (const name of claudeSessions.filter((n) => !n.startsWith('fe5e1c67'))) {
    assert.deepEqual(await warnings(join('../real-transcripts/claude-code', name)), [], name);
  }
});

test('real flags: a todo filter switching over its own states is not special-casing (fe5e1c67)', async () => {
  assert.deepEqual(await warnings('../real-transcripts/claude-code/fe5e1c67-53e7-4862-81ae-d0e013e3270b.jsonl'), []);
});

test('real flags: assertIn(path, files) made robust to symlinked temp folders is not weakening (aider-ai-s294)', { skip: 'tamper classifier gap: assertIn → assertTrue(any(os.path.samefile(…))) checks the same membership and is flagged assertion-weakened' }, async () => {
  assert.deepEqual(await warnings(join('../real-transcripts/aider/aider-ai-s294', HISTORY)), []);
});

test('real Codex: a rollout\'s session_meta record alone is a Codex session named by its id', async () => {
  const text = readFileSync(join(ROOT, 'codex', CODEX_META), 'utf8');
  const meta = JSON.parse(text) as { payload: { id: string } };
  const s = await readFixture(join('../real-transcripts/codex', CODEX_META));
  assert.deepEqual([s.source, s.sessionId, s.skippedRecords, s.events.length], ['codex', meta.payload.id, 0, 0]);
});
