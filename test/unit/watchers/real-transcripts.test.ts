// Real, public transcripts (test/fixtures/real-transcripts/SOURCES.md, one folder per format) read
// through the real read path. Expectations come from the files themselves by a much simpler reading
// than the readers': runs of "#### " lines, "Applied edit to" notes, runners' own summary lines,
// tool_use/tool_result pairs, Codex's user_message events and exit-code metadata, Gemini and Copilot
// documents' messages and edit groups, Roo Code's say/ask messages; flags from a careful read of
// each flagged edit.
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
    else if (run === undefined && /^[/!]/.test(said) && !/^\/(?:ask|code|architect|context)\s/.test(said))
      continue; // a command to Aider
    else (run ??= []).push(said);
  }
  close();
  return count;
}

/** Shell runs: /test, /run and ! commands, and suggested commands Aider ran ("> Running …"). */
const shellRuns = (text: string) =>
  text.split('\n').filter((l) => /^#### (?:\/test |\/run |!)|^> Running /.test(l)).length;

/** Each run's output appears once plain and once as "> " lines: the plain summary lines, in order. */
function pytestSummaries(text: string): [number, number][] {
  return [...text.matchAll(/^=+ ((?:\d+ \w+(?:, )?)+) in [\d.]+s =+ *$/gm)].map((m) => {
    const count = (word: RegExp) => Number(new RegExp(`(\\d+) ${word.source}`).exec(m[1]!)?.[1] ?? 0);
    return [count(/passed/), count(/failed/) + count(/errors?/)];
  });
}

const CLAUDE = join(ROOT, 'claude-code');
const claudeSessions = readdirSync(CLAUDE)
  .filter((f) => f.endsWith('.jsonl'))
  .sort();

interface ClaudeCounts {
  user: number;
  assistantText: number;
  bash: number;
  edits: number;
}

/** Claude Code: records with text a person (or a Task prompt) typed, replies with text, tool uses. */
function claudeCounts(text: string): ClaudeCounts {
  type Part = { type?: string; text?: string; id?: string; name?: string; tool_use_id?: string; is_error?: boolean };
  const records = text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { type?: string; isMeta?: boolean; message?: { content?: string | Part[] } });
  const parts = (r: (typeof records)[number]): Part[] => (Array.isArray(r.message?.content) ? r.message.content : []);
  const failed = new Set(
    records
      .flatMap(parts)
      .filter((p) => p.type === 'tool_result' && p.is_error === true)
      .map((p) => p.tool_use_id),
  );
  const uses = records
    .filter((r) => r.type === 'assistant')
    .flatMap(parts)
    .filter((p) => p.type === 'tool_use');
  return {
    user: records.filter(
      (r) =>
        r.type === 'user' &&
        !r.isMeta &&
        (typeof r.message?.content === 'string' || parts(r).some((p) => p.type === 'text')),
    ).length,
    assistantText: records.filter(
      (r) => r.type === 'assistant' && parts(r).some((p) => p.type === 'text' && (p.text ?? '').trim() !== ''),
    ).length,
    // BashOutput reads a background command's output: a shell call too.
    bash: uses.filter((p) => p.name === 'Bash' || p.name === 'BashOutput').length,
    edits: uses.filter((p) => ['Write', 'Edit', 'MultiEdit'].includes(p.name ?? '') && !failed.has(p.id)).length,
  };
}

const CODEX_META = 'example-session-metadata.jsonl';

/** What an independent reading of a session document or rollout finds: the same shape for every JSON format. */
interface Reading {
  user: number;
  assistantText: number;
  /** Exit code of each finished shell call (undefined where the file records none), in order. */
  shellExitCodes: (number | undefined)[];
  /** Paths (as the file names them) of each applied edit, in order. */
  editedPaths: string[];
}

/** Codex rollout: prompts the person typed, replies with text, shell calls with the exit code in their output's metadata, apply_patch calls that exited 0. */
function readCodex(text: string): Reading {
  type Payload = {
    type?: string;
    role?: string;
    name?: string;
    arguments?: string;
    call_id?: string;
    output?: string;
    content?: { type?: string; text?: string }[];
  };
  const payloads = text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { type?: string; payload?: Payload })
    .map((r) => ({ record: r.type, ...r.payload }));
  const outputOf = new Map(
    payloads.filter((p) => p.type === 'function_call_output').map((p) => [p.call_id, p.output ?? '{}']),
  );
  // A shell call's output is a JSON document whose metadata holds the exit code.
  const shellCalls = payloads
    .filter((p) => p.type === 'function_call' && p.name === 'shell')
    .map((p) => {
      const argv = (JSON.parse(p.arguments ?? '{}') as { command?: string[] }).command ?? [];
      const output = JSON.parse(outputOf.get(p.call_id) ?? '{}') as { metadata?: { exit_code?: number } };
      return { script: argv.at(-1) ?? '', exitCode: output.metadata?.exit_code };
    });
  const patches = shellCalls.filter((c) => c.script.startsWith('apply_patch'));
  return {
    user: payloads.filter((p) => p.record === 'event_msg' && p.type === 'user_message').length,
    assistantText: payloads.filter(
      (p) =>
        p.type === 'message' && p.role === 'assistant' && (p.content ?? []).some((c) => (c.text ?? '').trim() !== ''),
    ).length,
    shellExitCodes: shellCalls.filter((c) => !patches.includes(c)).map((c) => c.exitCode),
    editedPaths: patches
      .filter((c) => c.exitCode === 0)
      .flatMap((c) => [...c.script.matchAll(/^\*\*\* (?:Update|Add|Delete) File: (.+)$/gm)].map((m) => m[1]!)),
  };
}

/** Gemini CLI session document: user and gemini messages, shell calls with the "Exit Code:" line of their output, successful file writes. */
function readGemini(text: string): Reading {
  type Call = {
    name?: string;
    status?: string;
    args?: { file_path?: string };
    result?: { functionResponse?: { response?: { output?: string } } }[];
  };
  type Message = { type?: string; content?: unknown; toolCalls?: Call[] };
  const { messages = [] } = JSON.parse(text) as { messages?: Message[] };
  const said = (m: Message) =>
    typeof m.content === 'string' ? m.content.trim() !== '' : Array.isArray(m.content) && m.content.length > 0;
  const calls = messages.flatMap((m) => m.toolCalls ?? []);
  const exitCode = (c: Call) => {
    const code = /^Exit Code: (\d+)/m.exec(
      (c.result ?? []).map((r) => r.functionResponse?.response?.output ?? '').join('\n'),
    );
    return code ? Number(code[1]) : undefined;
  };
  return {
    user: messages.filter((m) => m.type === 'user' && said(m)).length,
    assistantText: messages.filter((m) => m.type === 'gemini' && said(m)).length,
    shellExitCodes: calls.filter((c) => c.name === 'run_shell_command').map(exitCode),
    editedPaths: calls
      .filter((c) => ['replace', 'write_file'].includes(c.name ?? '') && c.status === 'success')
      .map((c) => c.args?.file_path ?? ''),
  };
}

/** Copilot Chat session document (as VS Code exports it): requests with text, answers with text, terminal tool calls, edit groups. */
function readCopilot(text: string): Reading {
  type Part = {
    kind?: string;
    value?: string;
    toolId?: string;
    toolSpecificData?: { terminalCommandState?: { exitCode?: number } };
    uri?: { path?: string };
    edits?: unknown[];
  };
  const { requests = [] } = JSON.parse(text) as { requests?: { message?: { text?: string }; response?: Part[] }[] };
  const parts = requests.flatMap((r) => r.response ?? []);
  return {
    user: requests.filter((r) => (r.message?.text ?? '').trim() !== '').length,
    assistantText: requests.filter((r) =>
      (r.response ?? []).some((p) => p.kind === undefined && (p.value ?? '').trim() !== ''),
    ).length,
    shellExitCodes: parts
      .filter((p) => p.kind === 'toolInvocationSerialized' && p.toolId === 'run_in_terminal')
      .map((p) => p.toolSpecificData?.terminalCommandState?.exitCode),
    editedPaths: parts
      .filter((p) => p.kind === 'textEditGroup' && (p.edits ?? []).length > 0)
      .map((p) => p.uri?.path ?? ''),
  };
}

/**
 * Cline and Roo Code ui_messages.json: the first message is the task, `user_feedback` the person's
 * replies; `text` and `completion_result` said with text are the agent's; a command is an `ask`
 * whose exit code Roo Code reports to the model in the next request; a file tool not left partial
 * by an interruption is an edit.
 */
function readClineMessages(text: string): Reading {
  type Message = { type?: string; say?: string; ask?: string; text?: string; partial?: boolean };
  const messages = JSON.parse(text) as Message[];
  const kind = (m: Message) => m.say ?? m.ask;
  const said = (m: Message) => m.type === 'say' && (m.text ?? '').trim() !== '';
  const shellExitCodes = messages.flatMap((m, i) => {
    if (kind(m) !== 'command' || m.partial) return [];
    const request = messages.slice(i + 1).find((n) => n.say === 'api_req_started')?.text ?? '{}';
    const code = /^\[execute_command for [^]*?\] Result:[^]*?Exit code: (-?\d+)/.exec(
      (JSON.parse(request) as { request?: string }).request ?? '',
    );
    return [code ? Number(code[1]) : undefined];
  });
  const fileTools = new Set([
    'editedExistingFile',
    'appliedDiff',
    'insertContent',
    'searchAndReplace',
    'newFileCreated',
    'fileDeleted',
  ]);
  const tools = messages
    .filter((m) => kind(m) === 'tool' && !m.partial)
    .map((m) => JSON.parse(m.text ?? '{}') as { tool?: string; path?: string });
  return {
    user: messages.filter(
      (m, i) => said(m) && ((i === 0 && m.say === 'text') || m.say === 'task' || m.say === 'user_feedback'),
    ).length,
    assistantText: messages.filter((m, i) => said(m) && ((i > 0 && m.say === 'text') || m.say === 'completion_result'))
      .length,
    shellExitCodes,
    editedPaths: tools.filter((t) => fileTools.has(t.tool ?? '')).map((t) => t.path ?? ''),
  };
}

const CODEX = join(ROOT, 'codex');
const GEMINI = join(ROOT, 'gemini');
const COPILOT = join(ROOT, 'copilot');
/** Task folders as each extension stores them: the folder tells Roo Code from Cline. */
const CLINE_TASKS = 'saoudrizwan.claude-dev/tasks';
const ROO_TASKS = 'rooveterinaryinc.roo-cline/tasks';
const codexRollouts = readdirSync(CODEX)
  .filter((f) => f.startsWith('rollout-'))
  .sort();
const geminiSessions = readdirSync(GEMINI)
  .filter((f) => f.startsWith('session-'))
  .sort();
const copilotSessions = readdirSync(COPILOT)
  .filter((f) => f.endsWith('.json'))
  .sort();
const taskFiles = (format: string, tasks: string) =>
  readdirSync(join(ROOT, format, tasks))
    .sort()
    .map((id) => join(tasks, id, 'ui_messages.json'));
const clineTasks = taskFiles('cline', CLINE_TASKS);
const rooTasks = taskFiles('roo', ROO_TASKS);

/** The JSON formats read by an independent reading, each with its files. */
const independentlyRead: [string, string[], (text: string) => Reading][] = [
  ['codex', codexRollouts, readCodex],
  ['gemini', geminiSessions, readGemini],
  ['copilot', copilotSessions, readCopilot],
  ['cline', clineTasks, readClineMessages],
  ['roo', rooTasks, readClineMessages],
];

const appliedPaths = (text: string) =>
  new Set(
    [...text.matchAll(/^> Applied edit to (.+?) *$/gm)].map((m) => m[1]!.replace(/\\/g, '/').replace(/^\.\//, '')),
  );

/** Every file of the corpus, by the folder of its format. */
const corpus: [string, string[]][] = [
  ['aider', folders.map((f) => join(f, HISTORY))],
  ['claude-code', claudeSessions],
  ['codex', [CODEX_META, ...codexRollouts]],
  ['gemini', geminiSessions],
  ['copilot', copilotSessions],
  ['cline', clineTasks],
  ['roo', rooTasks],
];

test('real corpus: every file has its origin recorded, at least 30 files, each read as the format of its folder', async () => {
  const sources = readFileSync(join(ROOT, 'SOURCES.md'), 'utf8');
  const files = corpus.flatMap(([format, names]) => names.map((name) => [format, name] as const));
  assert.ok(files.length >= 30, `${files.length} files`);
  for (const [format, name] of files) {
    // Aider sessions and Cline or Roo Code tasks are folders: the row names the folder.
    const row =
      format === 'aider'
        ? name.split('/')[0]!
        : format === 'cline' || format === 'roo'
          ? name.split('/').at(-2)!
          : name;
    assert.match(sources, new RegExp(`^\\| ${row.replace(/\./g, '\\.')} \\|`, 'm'), name);
    // Chosen by content: a reader picked by folder or extension would not be tested here.
    assert.equal((await readFixture(join('../real-transcripts', format, name))).source, format, name);
  }
  assert.deepEqual(
    corpus.map(([format, names]) => [format, names.length > 0]),
    corpus.map(([format]) => [format, true]),
  );
});

for (const folder of folders) {
  test(`real Aider history ${folder}: turns, runs and applied edits match the file`, async () => {
    const text = textOf(folder);
    const s = await read(folder);
    assert.equal(s.source, 'aider');
    assert.equal(s.skippedRecords, 0);
    assert.equal(turns(s.events).filter((t) => t.role === 'user').length, userMessages(text), 'user messages');
    assert.equal(tools(s.events).filter((t) => t.kind === 'shell').length, shellRuns(text), 'shell runs');
    const pytest = runs(s.events)
      .filter((r) => r.framework === 'pytest')
      .map((r) => [r.passed, r.failed]);
    assert.deepEqual(pytest, pytestSummaries(text), 'pytest counts');
    const applied = appliedPaths(text);
    const edited = new Set(edits(s.events).map((e) => relative(join(AIDER, folder), e.path)));
    assert.deepEqual([...edited].sort(), [...applied].sort(), 'edited files');
  });
}

test('real Aider: /test output is kept whole, so a failing run has its counts (aider-ai-s11)', async () => {
  const s = await read('aider-ai-s11');
  assert.deepEqual(
    runs(s.events).map((r) => [r.framework, r.passed, r.failed, r.failingIds]),
    [
      ['pytest', 6, 1, ['tests/basic/test_repomap.py::TestRepoMapAllLanguages::test_get_repo_map_subtree_only']],
      ['pytest', 6, 1, ['tests/basic/test_repomap.py::TestRepoMapAllLanguages::test_get_repo_map_subtree_only']],
    ],
  );
});

test('real Aider: unittest summaries and an approved suggested command with its exit status', async () => {
  const main = await read('aider-ai-s1085');
  assert.deepEqual(
    runs(main.events).map((r) => [r.framework, r.exitCode, r.passed, r.failed]),
    [
      ['unittest', undefined, null, 0], // "> Running python -m unittest …": Aider kept no output, so how many passed is unknown
      ['unittest', undefined, 37, 0], // "Ran 37 tests … OK"
    ],
  );
  const failing = await read('aider-ai-s1108');
  assert.deepEqual(
    runs(failing.events).map((r) => [r.exitCode, r.passed, r.failed]),
    [
      [1, null, 0],
      [undefined, 1, 0],
    ],
  );
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
  assert.equal(
    turns(s.events).filter((t) => t.role === 'user')[1]!.text,
    'can httpx and playwright provide the actual mime type?',
  );
});

test('real Aider: whole-file edit format read as edits, test files marked (opencoder-s32)', async () => {
  const s = await read('opencoder-s32');
  assert.deepEqual(
    edits(s.events).map((e) => [relative(join(AIDER, 'opencoder-s32'), e.path), e.op, e.isTestPath, e.after]),
    [['test_file.py', 'create', true, 'print("Hello from Aider!")\n']],
  );
});

test('real Aider: SEARCH/REPLACE blocks that failed to match are not edits (monochromatic-s15)', async () => {
  const text = textOf('monochromatic-s15');
  assert.match(text, /SearchReplaceNoExactMatch/);
  const s = await read('monochromatic-s15');
  const proposedBlocks = text.split('\n').filter((l) => /^>{5,9} REPLACE/.test(l.trim())).length;
  assert.ok(
    edits(s.events).length < proposedBlocks,
    `${edits(s.events).length} edits of ${proposedBlocks} proposed blocks`,
  );
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
  const tests = edits(s.events)
    .filter((e) => e.isTestPath)
    .map((e) => [e.op, e.path.split('/').slice(-3).join('/')]);
  assert.deepEqual(tests, [
    ['create', 'src/hooks/useTodos.test.ts'],
    ['update', 'src/hooks/useTodos.test.ts'],
  ]);
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
  assert.deepEqual(
    flags.map(([path]) => path),
    ['basic/test_editblock.py'],
  );
  assert.ok(flags[0]![1].includes('expected-value-changed'));
  // Both /run outputs kept their "1 failed, 17 passed": the edit came after two failing runs.
  const s = await read('aider-ai-s1052');
  assert.match(flagRecordedSession(s.events)[0]!.reason, /2 failing runs in a row/);
});

test('real flags: a mock call check loosened after two failing runs (aider-ai-s918)', async () => {
  const flags = await warnings(join('../real-transcripts/aider/aider-ai-s918', HISTORY));
  assert.deepEqual(
    flags.map(([path]) => path),
    ['basic/test_main.py'],
  );
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
const JUDGED_APART = new Set([
  'aider-ai-s1052',
  'aider-ai-s918',
  'aider-ai-s1108',
  'aider-ai-s294',
  'aider-ai-s423',
  'aider-ai-s424',
]);

test('real flags: no warning on the other real sessions', async () => {
  for (const folder of folders.filter((f) => !JUDGED_APART.has(f))) {
    assert.deepEqual(await warnings(join('../real-transcripts/aider', folder, HISTORY)), [], folder);
  }
  for (const name of claudeSessions.filter((n) => !n.startsWith('fe5e1c67'))) {
    assert.deepEqual(await warnings(join('../real-transcripts/claude-code', name)), [], name);
  }
  for (const name of codexRollouts) assert.deepEqual(await warnings(join('../real-transcripts/codex', name)), [], name);
  for (const name of geminiSessions)
    assert.deepEqual(await warnings(join('../real-transcripts/gemini', name)), [], name);
  for (const name of copilotSessions)
    assert.deepEqual(await warnings(join('../real-transcripts/copilot', name)), [], name);
  for (const name of clineTasks) assert.deepEqual(await warnings(join('../real-transcripts/cline', name)), [], name);
  for (const name of rooTasks) assert.deepEqual(await warnings(join('../real-transcripts/roo', name)), [], name);
});

test('real flags: a todo filter switching over its own states is not special-casing (fe5e1c67)', async () => {
  assert.deepEqual(await warnings('../real-transcripts/claude-code/fe5e1c67-53e7-4862-81ae-d0e013e3270b.jsonl'), []);
});

test('real flags: assertIn(path, files) made robust to symlinked temp folders is not weakening (aider-ai-s294)', async () => {
  assert.deepEqual(await warnings(join('../real-transcripts/aider/aider-ai-s294', HISTORY)), []);
});

for (const [format, names, read] of independentlyRead) {
  for (const name of names) {
    test(`real ${format} session ${name}: turns, shell exit codes and applied edits match the file`, async () => {
      const s = await readFixture(join('../real-transcripts', format, name));
      const expected = read(readFileSync(join(ROOT, format, name), 'utf8'));
      assert.equal(s.source, format);
      assert.equal(s.skippedRecords, 0);
      assert.equal(turns(s.events).filter((t) => t.role === 'user').length, expected.user, 'user turns');
      assert.equal(
        turns(s.events).filter((t) => t.role === 'assistant').length,
        expected.assistantText,
        'assistant turns',
      );
      const shell = tools(s.events).filter((t) => t.kind === 'shell' && t.status !== 'started');
      assert.deepEqual(
        shell.map((t) => t.exitCode),
        expected.shellExitCodes,
        'shell exit codes',
      );
      assert.deepEqual(
        shell.map((t) => t.status),
        expected.shellExitCodes.map((c) => (c === undefined ? 'unknown' : c === 0 ? 'succeeded' : 'failed')),
        'shell status',
      );
      // Readers resolve relative paths against the session's folder; the file may name them either way.
      const edited = edits(s.events).map((e, i) =>
        e.path.endsWith(expected.editedPaths[i] ?? '\0') ? expected.editedPaths[i] : e.path,
      );
      assert.deepEqual(edited, expected.editedPaths, 'edited files');
    });
  }
}

test('real Codex: shell calls that only read (ls, rg, sed) are no test runs, and two patches to source files raise no flag (019a93b9)', async () => {
  const name = codexRollouts.find((n) => n.includes('019a93b9'))!;
  const s = await readFixture(join('../real-transcripts/codex', name));
  assert.deepEqual(runs(s.events), []);
  assert.deepEqual(flagRecordedSession(s.events), []);
  assert.ok(edits(s.events).every((e) => !e.isTestPath));
});

test('real Gemini CLI: a user message stored as a list of text parts keeps its text (dcbe78d3)', async () => {
  const s = await readFixture(
    join(
      '../real-transcripts/gemini',
      geminiSessions.find((n) => n.includes('dcbe78d3'))!,
    ),
  );
  assert.deepEqual(
    turns(s.events).map((t) => [t.role, t.text]),
    [
      ['user', '[REDACTED_PROMPT]'],
      ['assistant', '[REDACTED_ASSISTANT_TEXT]'],
    ],
  );
});

test("real Codex: a rollout's session_meta record alone is a Codex session named by its id", async () => {
  const text = readFileSync(join(ROOT, 'codex', CODEX_META), 'utf8');
  const meta = JSON.parse(text) as { payload: { id: string } };
  const s = await readFixture(join('../real-transcripts/codex', CODEX_META));
  assert.deepEqual([s.source, s.sessionId, s.skippedRecords, s.events.length], ['codex', meta.payload.id, 0, 0]);
});

const readRooTask = (id: string) => readFixture(join('../real-transcripts/roo', ROO_TASKS, id, 'ui_messages.json'));

test("real Roo Code: the task is the user's turn and completion_result the final answer (6a716972)", async () => {
  const s = await readRooTask('6a716972-c33f-444f-a8f2-613f03410ace');
  assert.deepEqual([s.source, s.sessionId, s.skippedRecords], ['roo', '6a716972-c33f-444f-a8f2-613f03410ace', 0]);
  const said = turns(s.events).map((t) => t.role);
  assert.deepEqual(said, ['user', 'assistant', 'assistant']);
  const text = readFileSync(
    join(ROOT, 'roo', ROO_TASKS, '6a716972-c33f-444f-a8f2-613f03410ace/ui_messages.json'),
    'utf8',
  );
  const answer = (JSON.parse(text) as { say?: string; text?: string }[]).find(
    (m) => m.say === 'completion_result',
  )!.text;
  assert.equal(turns(s.events).at(-1)!.text, answer);
});

test('real Roo Code: a write the task was interrupted in (left partial, then resume_task) is no edit (natural-already-condensed)', async () => {
  const s = await readRooTask('pr8743-natural-already-condensed');
  const paths = edits(s.events).map((e) => e.path.split('/').slice(-2).join('/'));
  assert.ok(!paths.includes('architecture/001-use-autosave-draft-hook.md'), paths.join(', '));
  assert.deepEqual(tools(s.events).filter((t) => t.kind === 'write').length, 1);
});

test("real Roo Code: a command's exit code is the one Roo reported to the model in the next request (heavy-uncondensed)", async () => {
  const s = await readRooTask('pr8743-heavy-uncondensed');
  const shell = tools(s.events).filter((t) => t.kind === 'shell');
  assert.deepEqual(
    shell.map((t) => [t.command?.split(' ')[0], t.exitCode, t.exitCodeSource, t.status]),
    [
      ['pwsh', 0, 'parsed', 'succeeded'], // Windows PowerShell reported 0 although `pwsh` was not found
      ['powershell', 0, 'parsed', 'succeeded'],
    ],
  );
});

test('real Cline: checkpoint_created and task_progress are known kinds, and tools Cline says (not asks) are read (pr6698)', async () => {
  const s = await readFixture(join('../real-transcripts/cline', CLINE_TASKS, 'pr6698-temp-ui-log4/ui_messages.json'));
  const text = readFileSync(join(ROOT, 'cline', CLINE_TASKS, 'pr6698-temp-ui-log4/ui_messages.json'), 'utf8');
  const kinds = new Set((JSON.parse(text) as { say?: string }[]).map((m) => m.say));
  assert.ok(kinds.has('checkpoint_created') && kinds.has('task_progress'));
  assert.deepEqual([s.source, s.skippedRecords], ['cline', 0]);
  assert.deepEqual(
    turns(s.events).map((t) => [t.role, t.text]),
    [['user', 'Create an impressive HTML 5 website']],
  );
  assert.deepEqual(
    tools(s.events).map((t) => [t.rawName, t.kind]),
    [
      ['listFilesTopLevel', 'read'],
      ['listFilesTopLevel', 'read'],
    ],
  );
});
