// Guard hook latency: cold-process wall time of one `node dist/hook.js <agent>` call per tool
// shape (each payload distinct, against a workspace and a transcript with four failing runs),
// p50 and p95, next to a baseline measured in the same run: a Node process that reads stdin and
// prints `{}`. Target: p95 ≤ 2 × baseline p95 + 150 ms. The full CLI (`dist/cli.js hook`) is
// measured too, on fewer calls. Calls are interleaved round by round (baseline, each shape, …)
// so that a busy machine slows every column alike. A long session is measured too: the same Edit
// against a Claude Code transcript grown to --large-mb (default 50) with real-sized records (this
// repository's own source files read back by the agent), ending in the four failing runs: in the
// steady state (the transcript grows by one record pair between calls, and each call reads what it
// gained since the last) and on a first call (no checkpoint: the whole transcript is read).
// Run: npm run build && npx tsx bench/guard-hook.ts [--calls 200] [--cli-calls 30] [--large-mb 50]
//   [--large-calls 30] [--large-first-calls 10] [--out file.json]
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { claudeTranscript, codexTranscript, copilotTranscript, makeWorkspace } from '../test/unit/guard/workspace';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '200' },
    'cli-calls': { type: 'string', default: '30' },
    'large-mb': { type: 'string', default: '50' },
    'large-calls': { type: 'string', default: '30' },
    'large-first-calls': { type: 'string', default: '10' },
    out: { type: 'string' },
  },
});
const CALLS = Number(values.calls);
const CLI_CALLS = Number(values['cli-calls']);
const LARGE_MB = Number(values['large-mb']);
const LARGE_CALLS = Number(values['large-calls']);
const LARGE_FIRST_CALLS = Math.min(LARGE_CALLS, Number(values['large-first-calls']));
const HOOK = join('dist', 'hook.js');
const CLI = join('dist', 'cli.js');
if (!existsSync(HOOK) || !existsSync(CLI))
  throw new Error('run `npm run build` first: dist/hook.js and dist/cli.js are measured');

const workspace = makeWorkspace();
const claude = claudeTranscript(workspace, 4);
const codex = codexTranscript(workspace, 4);
const copilot = copilotTranscript(workspace, 4);
const py = join(workspace, 'tests', 'test_calc.py');

const sources = readdirSync('src', { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.ts'))
  .map((f) => readFileSync(join('src', f), 'utf8'));
const largeBase = {
  isSidechain: false,
  userType: 'external',
  cwd: workspace,
  sessionId: 'b7e0c1d2-3f4a-4b5c-8d9e-0f1a2b3c4d5e',
  version: '2.0.31',
};

/** The agent reading source file `i` back: a Read call and its result, as two JSONL records. */
function readRecords(i: number): string {
  const ts = new Date(Date.parse('2026-11-20T07:00:00.000Z') + i * 1000).toISOString();
  const call = {
    ...largeBase,
    type: 'assistant',
    uuid: `la${i}`,
    parentUuid: null,
    timestamp: ts,
    message: {
      id: `msg_l${i}`,
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5',
      content: [
        { type: 'tool_use', id: `toolu_l${i}`, name: 'Read', input: { file_path: join(workspace, `src/file${i}.ts`) } },
      ],
    },
  };
  const result = {
    ...largeBase,
    type: 'user',
    uuid: `lu${i}`,
    parentUuid: `la${i}`,
    timestamp: ts,
    message: {
      role: 'user',
      content: [{ type: 'tool_result', tool_use_id: `toolu_l${i}`, content: sources[i % sources.length] }],
    },
  };
  return `${JSON.stringify(call)}\n${JSON.stringify(result)}\n`;
}

/** A Claude Code transcript of about `mb` MB: the agent reading source files back, one Read per record pair, then the four failing runs. */
function largeClaudeTranscript(mb: number): string {
  const file = join(workspace, 'large-session.jsonl');
  writeFileSync(file, '');
  for (let i = 0; statSync(file).size < mb * 1024 * 1024; i++) appendFileSync(file, readRecords(i));
  appendFileSync(file, readFileSync(claude, 'utf8'));
  return file;
}
const large = LARGE_CALLS > 0 ? largeClaudeTranscript(LARGE_MB) : null;
const steadyCache = mkdtempSync(join(tmpdir(), 'av-bench-steady-'));

type Shape = { name: string; agent: 'claude-code' | 'codex' | 'copilot'; payload: (i: number) => object };
const claudeCall = (tool: string, input: object) => ({
  session_id: 's',
  transcript_path: claude,
  cwd: workspace,
  permission_mode: 'default',
  hook_event_name: 'PreToolUse',
  tool_name: tool,
  tool_input: input,
  tool_use_id: 't',
});
const codexCall = (tool: string, command: string) => ({
  session_id: 's',
  transcript_path: codex,
  cwd: workspace,
  hook_event_name: 'PreToolUse',
  model: 'gpt-5-codex',
  permission_mode: 'default',
  tool_name: tool,
  tool_input: { command },
  tool_use_id: 'c',
});

const copilotCall = (tool: string, input: object) => ({
  timestamp: '2026-11-25T11:05:00.000Z',
  hook_event_name: 'PreToolUse',
  session_id: 's',
  transcript_path: copilot,
  tool_name: tool,
  tool_input: input,
  tool_use_id: 'k',
  cwd: workspace,
});

// Each call rewrites the expected value to a different number, so no two payloads are the same.
const SHAPES: Shape[] = [
  {
    name: 'Edit (Python test)',
    agent: 'claude-code',
    payload: (i) => claudeCall('Edit', { file_path: py, old_string: '== -3', new_string: `== ${i}` }),
  },
  {
    name: 'MultiEdit (Python test)',
    agent: 'claude-code',
    payload: (i) =>
      claudeCall('MultiEdit', {
        file_path: py,
        edits: [
          { old_string: '== 2', new_string: `== ${i}` },
          { old_string: 'def test_add_negative():', new_string: '@pytest.mark.skip\ndef test_add_negative():' },
        ],
      }),
  },
  {
    name: 'Write (Python test)',
    agent: 'claude-code',
    payload: (i) =>
      claudeCall('Write', {
        file_path: py,
        content: `from calc import add\n\n\ndef test_add():\n    assert add(1, 1) == ${i}\n`,
      }),
  },
  {
    name: 'Edit (JS test: loads TypeScript)',
    agent: 'claude-code',
    payload: (i) =>
      claudeCall('Edit', {
        file_path: join(workspace, 'tests', 'sum.test.js'),
        old_string: 'toBe(3)',
        new_string: `toBe(${i})`,
      }),
  },
  {
    name: 'NotebookEdit',
    agent: 'claude-code',
    payload: (i) =>
      claudeCall('NotebookEdit', {
        notebook_path: join(workspace, 'tests', 'test_notebook.ipynb'),
        cell_id: 'c2',
        new_source: `def test_mean():\n    assert mean([1, 2]) == ${i}\n`,
      }),
  },
  {
    name: 'Bash sed -i (test file)',
    agent: 'claude-code',
    payload: (i) => claudeCall('Bash', { command: `sed -i 's/== -3/== ${i}/' tests/test_calc.py` }),
  },
  {
    name: 'Bash (no file change)',
    agent: 'claude-code',
    payload: (i) => claudeCall('Bash', { command: `python -m pytest tests -k case_${i}` }),
  },
  {
    name: 'Codex apply_patch',
    agent: 'codex',
    payload: (i) =>
      codexCall(
        'apply_patch',
        `*** Begin Patch\n*** Update File: tests/test_calc.py\n@@\n-    assert add(-1, -1) == -3\n+    assert add(-1, -1) == ${i}\n*** End Patch\n`,
      ),
  },
  {
    name: 'Copilot replace_string_in_file',
    agent: 'copilot',
    payload: (i) => copilotCall('replace_string_in_file', { filePath: py, oldString: '== -3', newString: `== ${i}` }),
  },
];

function time(args: string[], input: string, env?: NodeJS.ProcessEnv): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { input, encoding: 'utf8', ...(env ? { env } : {}) });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function summary(samples: number[]): { calls: number; p50: number; p95: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { calls: samples.length, p50: Math.round(percentile(sorted, 50)), p95: Math.round(percentile(sorted, 95)) };
}

const BASELINE = ['-e', "process.stdin.resume(); process.stdin.on('end', () => process.stdout.write('{}\\n'))"];
interface Column {
  shape: string;
  args: string[];
  payload: (i: number) => object;
  calls: number;
  samples: number[];
  env?: (i: number) => NodeJS.ProcessEnv;
  /** Runs before call `i`, untimed. */
  before?: (i: number) => void;
}
const jsShape = SHAPES.find((s) => s.name.startsWith('Edit (JS'))!;
const columns: Column[] = [
  { shape: 'baseline: node reads stdin, prints {}', args: BASELINE, payload: () => ({}), calls: CALLS, samples: [] },
  ...SHAPES.map((s) => ({
    shape: `hook.js ${s.name}`,
    args: [HOOK, s.agent],
    payload: s.payload,
    calls: CALLS,
    samples: [],
  })),
  // A cache folder that cannot be created: the TypeScript compiler is compiled from source every call.
  {
    shape: `hook.js ${jsShape.name}, no code cache`,
    args: [HOOK, jsShape.agent],
    payload: jsShape.payload,
    calls: CALLS,
    samples: [],
    env: () => ({ ...process.env, AGENT_VITALS_CACHE: '/dev/null/none' }),
  },
  {
    shape: `cli.js hook ${SHAPES[0]!.name}`,
    args: [CLI, 'hook', 'claude-code'],
    payload: SHAPES[0]!.payload,
    calls: CLI_CALLS,
    samples: [],
  },
  ...(large
    ? [
        // A session going on: between two calls the agent reads one more source file back, and the
        // hook reads only those records (its checkpoint, in a cache folder of its own, follows the file).
        {
          shape: `hook.js ${SHAPES[0]!.name}, ${LARGE_MB} MB transcript growing between calls`,
          args: [HOOK, 'claude-code'],
          payload: (i: number) => ({ ...(SHAPES[0]!.payload(i) as object), transcript_path: large }),
          calls: LARGE_CALLS,
          samples: [],
          env: () => ({ ...process.env, AGENT_VITALS_CACHE: steadyCache }),
          before: (i: number) => appendFileSync(large, readRecords(1_000_000 + i)),
        },
        // The first call on that transcript (the guard installed mid-session): no checkpoint yet, a full read.
        {
          shape: `hook.js ${SHAPES[0]!.name}, ${LARGE_MB} MB transcript, first call`,
          args: [HOOK, 'claude-code'],
          payload: (i: number) => ({ ...(SHAPES[0]!.payload(i) as object), transcript_path: large }),
          calls: LARGE_FIRST_CALLS,
          samples: [],
          env: () => ({ ...process.env, AGENT_VITALS_CACHE: mkdtempSync(join(tmpdir(), 'av-bench-first-')) }),
        },
      ]
    : []),
];
// The growing-transcript column starts from a checkpoint, as a session that has been guarded from its start.
if (large)
  time([HOOK, 'claude-code'], JSON.stringify({ ...(SHAPES[0]!.payload(-1) as object), transcript_path: large }), {
    ...process.env,
    AGENT_VITALS_CACHE: steadyCache,
  });
const rounds = Math.max(...columns.map((c) => c.calls));
for (let i = 0; i < rounds; i++)
  for (const c of columns)
    if (i < c.calls) {
      c.before?.(i);
      c.samples.push(time(c.args, JSON.stringify(c.payload(i)), c.env?.(i)));
    }
const rows = columns.map((c) => ({ shape: c.shape, ...summary(c.samples) }));
const baseline = rows[0]!;
const target = 2 * baseline.p95 + 150;

console.log(`guard hook, cold process per call (target p95 ≤ 2 × ${baseline.p95} + 150 = ${target} ms)`);
console.log('| call | calls | p50 ms | p95 ms | within target |');
console.log('| --- | ---: | ---: | ---: | --- |');
for (const r of rows)
  console.log(
    `| ${r.shape} | ${r.calls} | ${r.p50} | ${r.p95} | ${r.shape.startsWith('baseline') ? '' : r.p95 <= target ? 'yes' : 'no'} |`,
  );
if (values.out)
  writeFileSync(
    values.out,
    `${JSON.stringify({ when: new Date().toISOString(), node: process.version, targetMs: target, rows }, null, 2)}\n`,
  );
