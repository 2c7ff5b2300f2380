// Tailing benchmark: ingest a generated 100 MB Claude Code transcript (throughput, peak RSS),
// then the latency from an appended line to the event stream, and CPU use while agents are idle.
// Run: npx tsx bench/tailer.ts [--mb 100] [--file /tmp/x.jsonl]
//
// Real-file mode: npx tsx bench/tailer.ts --real [--real-dir test/fixtures/real-transcripts]
// ingests the largest real transcript of the corpus through its reader, against a baseline in the
// same run that only reads the same bytes and parses them as JSON (the whole document, or each
// line of a JSONL file; a Markdown history is only split into lines). The default run ends with it.
//
// Huge-file mode: npx tsx bench/tailer.ts --huge [--mb 1024] [--max-rss-mb 300]
// writes a transcript of --mb MB (1 GB by default) with malformed lines mixed in (cut-short JSON,
// plain text, invalid UTF-8, arrays, unknown record types), ingests it through the real tailer and
// Claude Code adapter in a fresh process, checks that every malformed line was skipped and counted
// and that peak RSS stayed under --max-rss-mb, deletes the file, and exits non-zero on a miss.
// The measurements run in plain Node on an esbuild bundle of this file (as the product ships),
// not under tsx, whose own helper thread would blur the idle and memory numbers.
import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { AgentEvent } from '../src/core/events';
import { claudeProjectFolder } from '../src/watchers/locations';
import { readTranscript } from '../src/watchers/read-transcript';
import { TranscriptWatchManager } from '../src/watchers/watch-manager';

const { values } = parseArgs({
  options: {
    mb: { type: 'string' },
    file: { type: 'string' },
    ingest: { type: 'string' },
    bundled: { type: 'boolean' },
    huge: { type: 'boolean' },
    'max-rss-mb': { type: 'string', default: '300' },
    'malformed-every': { type: 'string', default: '250' },
    real: { type: 'boolean' },
    'real-dir': { type: 'string', default: 'test/fixtures/real-transcripts' },
  },
});

const WORKSPACE = '/home/dev/shop';
const SOURCE_FILE = Array.from(
  { length: 120 },
  (_, i) => `def f${i}(x):\n    return x * ${i}  # keeps the file realistic in size\n`,
).join('');
const PYTEST_OUT = `${'='.repeat(29)} test session starts ${'='.repeat(30)}\ncollected 40 items\n\ntests/test_a.py ${'.'.repeat(38)}FF [100%]\n\nFAILED tests/test_a.py::test_x - assert 1 == 2\nFAILED tests/test_a.py::test_y - assert 3 == 4\n${'='.repeat(22)} 2 failed, 38 passed in 0.42s ${'='.repeat(22)}\n`;

function records(i: number): object[] {
  const base = {
    cwd: WORKSPACE,
    sessionId: 'bench',
    version: '2.0.31',
    gitBranch: 'main',
    isSidechain: false,
    userType: 'external',
  };
  const ts = new Date(Date.UTC(2026, 10, 20, 9, 0, 0) + i * 1000).toISOString();
  const id = (k: string) => `${k}-${i}`;
  const text =
    `Step ${i}: the failing assertion compares the rounded total; I will run the suite again and look at the diff. `.repeat(
      4,
    );
  return [
    {
      ...base,
      type: 'user',
      uuid: id('u'),
      parentUuid: null,
      timestamp: ts,
      message: { role: 'user', content: `Please keep going (${i}).` },
    },
    {
      ...base,
      type: 'assistant',
      uuid: id('a'),
      parentUuid: id('u'),
      timestamp: ts,
      message: {
        id: id('m'),
        role: 'assistant',
        model: 'claude-sonnet-4-5',
        content: [
          { type: 'text', text },
          { type: 'tool_use', id: id('t1'), name: 'Bash', input: { command: 'python -m pytest tests' } },
        ],
      },
    },
    {
      ...base,
      type: 'user',
      uuid: id('r1'),
      parentUuid: id('a'),
      timestamp: ts,
      message: {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: id('t1'), content: 'Exit code 1\n' + PYTEST_OUT, is_error: true },
        ],
      },
      toolUseResult: 'Error: Exit code 1\n' + PYTEST_OUT,
    },
    {
      ...base,
      type: 'assistant',
      uuid: id('e'),
      parentUuid: id('r1'),
      timestamp: ts,
      message: {
        id: id('m2'),
        role: 'assistant',
        model: 'claude-sonnet-4-5',
        content: [
          {
            type: 'tool_use',
            id: id('t2'),
            name: 'Edit',
            input: {
              file_path: `${WORKSPACE}/src/mod${i % 50}.py`,
              old_string: 'return x * 7',
              new_string: 'return x * 8',
            },
          },
        ],
      },
    },
    {
      ...base,
      type: 'user',
      uuid: id('r2'),
      parentUuid: id('e'),
      timestamp: ts,
      message: {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: id('t2'), content: 'The file has been updated.' }],
      },
      toolUseResult: {
        filePath: `${WORKSPACE}/src/mod${i % 50}.py`,
        originalFile: SOURCE_FILE,
        oldString: 'return x * 7',
        newString: 'return x * 8',
      },
    },
  ];
}

/** Lines an adapter must skip and count, one of each kind in turn; the last is not valid UTF-8. */
const MALFORMED: readonly Buffer[] = [
  Buffer.from('{"type":"assistant","uuid":"cut-short","message":{"role":"assist\n'),
  Buffer.from('Traceback (most recent call last): not a JSON record\n'),
  Buffer.from('[1, 2, 3]\n'),
  Buffer.from(JSON.stringify({ type: 'mystery-record', sessionId: 'bench', uuid: 'x' }) + '\n'),
  Buffer.concat([Buffer.from('{"type":"user","text":"'), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from('"\n')]),
];

interface Generated {
  bytes: number;
  /** Well-formed records written. */
  records: number;
  malformed: number;
}

/** Writes records until the file holds `megabytes` MB, a malformed line after every `malformedEvery` records (0: none). */
async function generate(file: string, megabytes: number, malformedEvery = 0): Promise<Generated> {
  const out = createWriteStream(file);
  const written: Generated = { bytes: 0, records: 0, malformed: 0 };
  const write = async (chunk: Buffer | string): Promise<void> => {
    written.bytes += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  };
  for (let i = 0; written.bytes < megabytes * 1e6; i++) {
    const lines = records(i).map((r) => JSON.stringify(r) + '\n');
    for (const line of lines) {
      await write(line);
      if (malformedEvery > 0 && ++written.records % malformedEvery === 0)
        await write(MALFORMED[written.malformed++ % MALFORMED.length]!);
    }
    if (malformedEvery === 0) written.records += lines.length;
  }
  await new Promise<void>((r) => out.end(r));
  return written;
}

/** Runs in a fresh process so its peak RSS belongs to ingestion alone. */
async function ingest(file: string): Promise<void> {
  const counts: Record<string, number> = {};
  const start = process.hrtime.bigint();
  const session = await readTranscript(file, {
    onEvent: (e: AgentEvent) => void (counts[e.type] = (counts[e.type] ?? 0) + 1),
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const mb = statSync(file).size / 1e6;
  console.log(
    JSON.stringify({
      mb,
      seconds,
      mbPerSecond: mb / seconds,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
      events: counts,
      skipped: session?.skippedRecords,
    }),
  );
}

interface IngestResult {
  mb: number;
  seconds: number;
  mbPerSecond: number;
  peakRssMb: number;
  events: Record<string, number>;
  skipped: number;
}

function ingestInFreshProcess(file: string): IngestResult {
  const child = spawnSync(process.execPath, [__filename, '--ingest', file], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(child.stderr);
  return JSON.parse(child.stdout.trim().split('\n').at(-1)!) as IngestResult;
}

/** The measured huge-file run: generate, ingest, check, delete. Returns whether every check held. */
async function huge(megabytes: number): Promise<boolean> {
  const dir = mkdtempSync(join(tmpdir(), 'av-huge-'));
  const file = join(dir, 'huge.jsonl');
  try {
    const writeStart = performance.now();
    const written = await generate(file, megabytes, Number(values['malformed-every']));
    const writeSeconds = (performance.now() - writeStart) / 1000;
    console.log(
      `wrote ${(written.bytes / 1e6).toFixed(0)} MB (${written.records} records, ${written.malformed} malformed lines) in ${writeSeconds.toFixed(1)} s`,
    );
    const wallStart = performance.now();
    const result = ingestInFreshProcess(file);
    const wallSeconds = (performance.now() - wallStart) / 1000;
    const maxRss = Number(values['max-rss-mb']);
    // Records that are not events by design (ignored record types) are neither events nor skips,
    // so the skip count must equal exactly the malformed lines written.
    const checks = [
      {
        ok: result.skipped === written.malformed,
        what: `skipped and counted ${result.skipped} of ${written.malformed} malformed lines`,
      },
      { ok: result.peakRssMb < maxRss, what: `peak RSS ${result.peakRssMb.toFixed(0)} MB (limit ${maxRss} MB)` },
    ];
    console.log(
      'huge:',
      JSON.stringify({ ...result, writtenRecords: written.records, malformedWritten: written.malformed, wallSeconds }),
    );
    console.log(
      `  ${result.mb.toFixed(0)} MB ingested in ${result.seconds.toFixed(1)} s (${wallSeconds.toFixed(1)} s wall with process start) at ${result.mbPerSecond.toFixed(1)} MB/s`,
    );
    for (const c of checks) console.log(`  ${c.ok ? 'ok  ' : 'MISS'} ${c.what}`);
    return checks.every((c) => c.ok);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    console.log(`  deleted ${file}`);
  }
}

/** The largest file under `dir`, searched recursively. */
function largestFile(dir: string): string {
  let best = { file: '', size: -1 };
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath, entry.name);
    const size = statSync(file).size;
    if (size > best.size) best = { file, size };
  }
  return best.file;
}

/** The least a reader must do with the bytes: read them and parse them as JSON. */
function baselineParse(file: string): number {
  const text = readFileSync(file, 'utf8');
  if (file.endsWith('.md')) return text.split('\n').length;
  if (file.endsWith('.json')) return Object.keys(JSON.parse(text) as object).length;
  let records = 0;
  for (const line of text.split('\n')) if (line.trim() !== '') records += JSON.parse(line) ? 1 : 0;
  return records;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function seconds(run: () => unknown): Promise<number> {
  const start = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/**
 * Ingest throughput on the largest real transcript, as a ratio to the JSON-parse baseline. The two
 * alternate round by round, so both see the same load on a shared machine; the ratio is the median
 * of the rounds' ratios.
 */
async function realFile(dir: string, rounds = 100): Promise<void> {
  const file = largestFile(dir);
  const mb = statSync(file).size / 1e6;
  let events = 0;
  let source = '';
  const ingestOnce = async () => {
    events = 0;
    const session = await readTranscript(file, { onEvent: () => void events++ });
    source = session?.source ?? 'unrecognised';
  };
  await ingestOnce(); // warm-up: module loading and JIT are not ingestion
  baselineParse(file);
  const reader: number[] = [];
  const baseline: number[] = [];
  for (let i = 0; i < rounds; i++) {
    reader.push(await seconds(ingestOnce));
    baseline.push(await seconds(() => baselineParse(file)));
  }
  const ratio = median(reader.map((r, i) => r / baseline[i]!));
  const result = {
    file: file.slice(file.indexOf(dir)),
    source,
    mb,
    events,
    rounds,
    readerMbPerSecond: mb / median(reader),
    baselineMbPerSecond: mb / median(baseline),
    ratio,
  };
  console.log('real:', JSON.stringify(result));
  console.log(
    `  largest real transcript ${result.file} (${source}, ${mb.toFixed(2)} MB, ${events} events): ${result.readerMbPerSecond.toFixed(1)} MB/s through its reader vs ${result.baselineMbPerSecond.toFixed(1)} MB/s to read and JSON-parse the same bytes; the reader takes ${ratio.toFixed(2)}× the baseline's time (median of ${rounds} alternating rounds)`,
  );
}

async function latency(samples: number): Promise<{
  medianMs: number;
  p95Ms: number;
  maxMs: number;
  idleCpuMsPerMinute: number;
  firstIdleCpuMsPerMinute: number;
  watchedFolders: number;
}> {
  const home = mkdtempSync(join(tmpdir(), 'av-bench-'));
  const projects = join(home, 'projects');
  const folder = join(projects, claudeProjectFolder(WORKSPACE));
  mkdirSync(folder, { recursive: true });
  // Several followed sessions, as when a few agents run side by side, among other projects' sessions.
  for (let s = 0; s < 8; s++) writeFileSync(join(folder, `s${s}.jsonl`), JSON.stringify(records(0)[0]) + '\n');
  for (let p = 0; p < 40; p++) {
    const other = join(projects, claudeProjectFolder(`/home/dev/other${p}`));
    mkdirSync(other, { recursive: true });
    for (let s = 0; s < 5; s++) writeFileSync(join(other, `o${s}.jsonl`), JSON.stringify(records(s)[0]) + '\n');
  }
  // Idle cost while watching, measured after a settling pause so the one-off garbage collection
  // after setup is not counted.
  const idleCpu = async (): Promise<number> => {
    await new Promise((r) => setTimeout(r, 5_000));
    const start = process.cpuUsage();
    await new Promise((r) => setTimeout(r, 20_000));
    const used = process.cpuUsage(start);
    return ((used.user + used.system) / 1000) * 3;
  };
  const arrived = new Map<string, bigint>();
  const manager = new TranscriptWatchManager({
    workspaceRoot: WORKSPACE,
    sources: ['claude-code'],
    locations: {
      claudeProjectDirs: [projects],
      codexSessions: join(home, 'c'),
      geminiTmp: join(home, 'g'),
      vscodeUser: join(home, 'v'),
    },
    sink: (e) => {
      if (e.type === 'turn') arrived.set(e.turnId, process.hrtime.bigint());
    },
  });
  await manager.start();
  await new Promise((r) => setTimeout(r, 200));

  // The first window still sees the runtime settling after setup; the second is steady state.
  const firstIdleCpuMsPerMinute = await idleCpu();
  const idleCpuMsPerMinute = await idleCpu();
  const watchedFolders = manager.watchedFolders.length;

  const delays: number[] = [];
  for (let i = 0; i < samples; i++) {
    const turnId = `lat-${i}`;
    const line =
      JSON.stringify({
        type: 'user',
        uuid: turnId,
        cwd: WORKSPACE,
        sessionId: 's',
        timestamp: new Date().toISOString(),
        message: { role: 'user', content: `ping ${i}` },
      }) + '\n';
    const sent = process.hrtime.bigint();
    appendFileSync(join(folder, `s${i % 8}.jsonl`), line);
    while (!arrived.has(turnId)) {
      await new Promise((r) => setTimeout(r, 1));
      if (Number(process.hrtime.bigint() - sent) / 1e6 > 5000) throw new Error(`line ${i} never arrived`);
    }
    delays.push(Number(arrived.get(turnId)! - sent) / 1e6);
    await new Promise((r) => setTimeout(r, 20));
  }
  manager.dispose();
  rmSync(home, { recursive: true, force: true });
  delays.sort((a, b) => a - b);
  return {
    medianMs: delays[Math.floor(delays.length / 2)]!,
    p95Ms: delays[Math.floor(delays.length * 0.95)]!,
    maxMs: delays.at(-1)!,
    idleCpuMsPerMinute,
    firstIdleCpuMsPerMinute,
    watchedFolders,
  };
}

function runBundled(): void {
  const bundle = join(tmpdir(), 'agent-vitals-bench-tailer.cjs');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require('esbuild') as typeof import('esbuild');
  esbuild.buildSync({
    entryPoints: [__filename],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile: bundle,
    logLevel: 'error',
  });
  const args = process.argv.slice(2);
  const child = spawnSync(process.execPath, [bundle, '--bundled', ...args], { stdio: 'inherit' });
  process.exitCode = child.status ?? 1;
}

async function main(): Promise<void> {
  if (values.ingest) return ingest(values.ingest);
  if (!values.bundled) return runBundled();
  if (values.huge) {
    if (!(await huge(Number(values.mb ?? 1024)))) process.exitCode = 1;
    return;
  }
  if (values.real) return realFile(values['real-dir']);
  const mb = values.mb ?? '100';
  const file = values.file ?? join(tmpdir(), `agent-vitals-bench-${mb}mb.jsonl`);
  if (!existsSync(file)) {
    console.log(`generating ${mb} MB transcript at ${file} …`);
    await generate(file, Number(mb));
  }
  const result = ingestInFreshProcess(file);
  console.log('ingest:', JSON.stringify(result));
  console.log(
    `  ${result.mb.toFixed(1)} MB at ${result.mbPerSecond.toFixed(1)} MB/s (target ≥ 50), peak RSS ${result.peakRssMb.toFixed(0)} MB (target < 200)`,
  );
  const lat = await latency(50);
  console.log('live:', JSON.stringify(lat));
  console.log(
    `  append → event: median ${lat.medianMs.toFixed(1)} ms, p95 ${lat.p95Ms.toFixed(1)} ms, max ${lat.maxMs.toFixed(1)} ms (target ≤ 250); idle CPU while watching ${lat.idleCpuMsPerMinute.toFixed(1)} ms per minute (first window ${lat.firstIdleCpuMsPerMinute.toFixed(1)}) with 8 sessions followed (${lat.watchedFolders} folder watches; 40 other projects' folders not watched)`,
  );
  await realFile(values['real-dir']);
}

void main();
