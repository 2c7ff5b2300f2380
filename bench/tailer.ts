// Tailing benchmark: ingest a generated 100 MB Claude Code transcript (throughput, peak RSS),
// then the latency from an appended line to the event stream, and CPU use while agents are idle.
// Run: npx tsx bench/tailer.ts [--mb 100] [--file /tmp/x.jsonl]
// The measurements run in plain Node on an esbuild bundle of this file (as the product ships),
// not under tsx, whose own helper thread would blur the idle and memory numbers.
import { spawnSync } from 'node:child_process';
import { appendFileSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { AgentEvent } from '../src/core/events';
import { claudeProjectFolder } from '../src/watchers/locations';
import { readTranscript } from '../src/watchers/read-transcript';
import { TranscriptWatchManager } from '../src/watchers/watch-manager';

const { values } = parseArgs({
  options: { mb: { type: 'string', default: '100' }, file: { type: 'string' }, ingest: { type: 'string' }, bundled: { type: 'boolean' } },
});

const WORKSPACE = '/home/dev/shop';
const SOURCE_FILE = Array.from({ length: 120 }, (_, i) => `def f${i}(x):\n    return x * ${i}  # keeps the file realistic in size\n`).join('');
const PYTEST_OUT = `${'='.repeat(29)} test session starts ${'='.repeat(30)}\ncollected 40 items\n\ntests/test_a.py ${'.'.repeat(38)}FF [100%]\n\nFAILED tests/test_a.py::test_x - assert 1 == 2\nFAILED tests/test_a.py::test_y - assert 3 == 4\n${'='.repeat(22)} 2 failed, 38 passed in 0.42s ${'='.repeat(22)}\n`;

function records(i: number): object[] {
  const base = { cwd: WORKSPACE, sessionId: 'bench', version: '2.0.31', gitBranch: 'main', isSidechain: false, userType: 'external' };
  const ts = new Date(Date.UTC(2026, 10, 20, 9, 0, 0) + i * 1000).toISOString();
  const id = (k: string) => `${k}-${i}`;
  const text = `Step ${i}: the failing assertion compares the rounded total; I will run the suite again and look at the diff. `.repeat(4);
  return [
    { ...base, type: 'user', uuid: id('u'), parentUuid: null, timestamp: ts, message: { role: 'user', content: `Please keep going (${i}).` } },
    { ...base, type: 'assistant', uuid: id('a'), parentUuid: id('u'), timestamp: ts, message: { id: id('m'), role: 'assistant', model: 'claude-sonnet-4-5', content: [{ type: 'text', text }, { type: 'tool_use', id: id('t1'), name: 'Bash', input: { command: 'python -m pytest tests' } }] } },
    { ...base, type: 'user', uuid: id('r1'), parentUuid: id('a'), timestamp: ts, message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: id('t1'), content: 'Exit code 1\n' + PYTEST_OUT, is_error: true }] }, toolUseResult: 'Error: Exit code 1\n' + PYTEST_OUT },
    { ...base, type: 'assistant', uuid: id('e'), parentUuid: id('r1'), timestamp: ts, message: { id: id('m2'), role: 'assistant', model: 'claude-sonnet-4-5', content: [{ type: 'tool_use', id: id('t2'), name: 'Edit', input: { file_path: `${WORKSPACE}/src/mod${i % 50}.py`, old_string: 'return x * 7', new_string: 'return x * 8' } }] } },
    { ...base, type: 'user', uuid: id('r2'), parentUuid: id('e'), timestamp: ts, message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: id('t2'), content: 'The file has been updated.' }] }, toolUseResult: { filePath: `${WORKSPACE}/src/mod${i % 50}.py`, originalFile: SOURCE_FILE, oldString: 'return x * 7', newString: 'return x * 8' } },
  ];
}

async function generate(file: string, megabytes: number): Promise<void> {
  const out = createWriteStream(file);
  let bytes = 0;
  for (let i = 0; bytes < megabytes * 1e6; i++) {
    const chunk = records(i).map((r) => JSON.stringify(r) + '\n').join('');
    bytes += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(r));
}

/** Runs in a fresh process so its peak RSS belongs to ingestion alone. */
async function ingest(file: string): Promise<void> {
  const counts: Record<string, number> = {};
  const start = process.hrtime.bigint();
  const session = await readTranscript(file, { onEvent: (e: AgentEvent) => void (counts[e.type] = (counts[e.type] ?? 0) + 1) });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const mb = statSync(file).size / 1e6;
  console.log(JSON.stringify({ mb, seconds, mbPerSecond: mb / seconds, peakRssMb: process.resourceUsage().maxRSS / 1024, events: counts, skipped: session?.skippedRecords }));
}

async function latency(
  samples: number,
): Promise<{
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
    locations: { claudeProjectDirs: [projects], codexSessions: join(home, 'c'), geminiTmp: join(home, 'g'), vscodeUser: join(home, 'v') },
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
    const line = JSON.stringify({ type: 'user', uuid: turnId, cwd: WORKSPACE, sessionId: 's', timestamp: new Date().toISOString(), message: { role: 'user', content: `ping ${i}` } }) + '\n';
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
  esbuild.buildSync({ entryPoints: [__filename], bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile: bundle, logLevel: 'error' });
  const args = process.argv.slice(2);
  const child = spawnSync(process.execPath, [bundle, '--bundled', ...args], { stdio: 'inherit' });
  process.exitCode = child.status ?? 1;
}

async function main(): Promise<void> {
  if (values.ingest) return ingest(values.ingest);
  if (!values.bundled) return runBundled();
  const file = values.file ?? join(tmpdir(), `agent-vitals-bench-${values.mb}mb.jsonl`);
  if (!existsSync(file)) {
    console.log(`generating ${values.mb} MB transcript at ${file} …`);
    await generate(file, Number(values.mb));
  }
  const child = spawnSync(process.execPath, [__filename, '--ingest', file], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(child.stderr);
  const result = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as { mb: number; mbPerSecond: number; peakRssMb: number };
  console.log('ingest:', child.stdout.trim());
  console.log(`  ${result.mb.toFixed(1)} MB at ${result.mbPerSecond.toFixed(1)} MB/s (target ≥ 50), peak RSS ${result.peakRssMb.toFixed(0)} MB (target < 200)`);
  const lat = await latency(50);
  console.log('live:', JSON.stringify(lat));
  console.log(`  append → event: median ${lat.medianMs.toFixed(1)} ms, p95 ${lat.p95Ms.toFixed(1)} ms, max ${lat.maxMs.toFixed(1)} ms (target ≤ 250); idle CPU while watching ${lat.idleCpuMsPerMinute.toFixed(1)} ms per minute (first window ${lat.firstIdleCpuMsPerMinute.toFixed(1)}) with 8 sessions followed (${lat.watchedFolders} folder watches; 40 other projects' folders not watched)`);
}

void main();
