// OTLP export cost: CPU time of this process analysing a 10,000-turn Claude Code session (the
// recorded story of the transcript fixtures repeated 2,500 times) without export, with export (log
// records, spans and metrics) to a live OTLP/HTTP receiver (a separate process, so its CPU is not
// counted), the same without spans (only the logs and metrics endpoints named), and with export to
// a dead endpoint. Rounds interleave the four arms so a busy machine slows each alike; the ratios
// are medians of the rounds' ratios. Targets: export ≤ 1.10 × analyse; dead endpoint ≤ 1.10 × analyse.
// How the turns are read: by default no model reads them and readings are plugged in (numbers for
// every assistant turn at no cost: harder on the ratio than any real run);
// `--reader none` reads none, as `analyze` without a model (records carry no readings);
// `--reader <model>` reads every turn with that model, as `analyze --model` (the fixture demo
// model is the cheapest there is).
// Run: node --expose-gc --import tsx bench/telemetry-export.ts [--rounds 5] [--reader none|<model>] [--out f.json]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  analyzePath,
  DEFAULT_ANALYZE_PLUGINS,
  exportingPlugins,
  modelAnalyzePlugins,
  type AnalyzePlugins,
} from '../src/cli/analyze';
import { openCalibratedModel, parseModelArgs, resolveModelArgs } from '../src/cli/model-args';
import { liveValidity } from '../src/emotion/live-validity';
import { NO_READER, type LiveValidity } from '../src/contracts/reading';
import { resolveTelemetryConfig } from '../src/telemetry/config';
import { VitalsExporter, type ExportCounts } from '../src/telemetry/exporter';
import { TelemetryFeed } from '../src/telemetry/feed';
import { deadPort } from '../test/unit/telemetry/otlp-receiver';

const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '5' }, reader: { type: 'string' }, out: { type: 'string' } },
});
const ROUNDS = Number(values.rounds);
const REPEATS = 2_500;
const FIXTURE = join(
  __dirname,
  '../test/fixtures/transcripts/claude-code/-home-dev-shop/7d1c9a4e-2b6f-4c1e-9f0a-5e3b8d2c1a90.jsonl',
);

/** The fixture's well-formed records repeated with fresh ids and later timestamps. */
function longSession(): string {
  const records = readFileSync(FIXTURE, 'utf8')
    .split('\n')
    .filter((l) => {
      try {
        return typeof JSON.parse(l) === 'object';
      } catch {
        return false;
      }
    });
  const out: string[] = [];
  for (let r = 0; r < REPEATS; r++) {
    for (const line of records) {
      out.push(
        line
          .replace(/"(u-\d+|msg_\d+|toolu_\d+)"/g, `"$1-${r}"`)
          .replace(
            /"timestamp":"([^"]+)"/,
            (_, ts: string) => `"timestamp":"${new Date(Date.parse(ts) + r * 60_000).toISOString()}"`,
          ),
      );
    }
  }
  return out.join('\n') + '\n';
}

// Without --reader, readings as a reader model would give them: deterministic numbers for every
// assistant turn.
const EMOTIONS = ['desperate', 'calm', 'afraid', 'frustrated', 'confident'];
const PLUGGED_READINGS: AnalyzePlugins = {
  ...DEFAULT_ANALYZE_PLUGINS,
  scoreTurns: async (_session, turns) =>
    turns.map((t, i) =>
      t.role === 'assistant' ? Object.fromEntries(EMOTIONS.map((e, k) => [e, Math.sin(i + k)])) : null,
    ),
};

/** How the turns are read: plugged readings, none, or the reader model named by --reader. */
async function analysis(): Promise<{ plugins: AnalyzePlugins; reader: LiveValidity; release(): Promise<void> }> {
  const without = (plugins: AnalyzePlugins) => ({ plugins, reader: NO_READER, release: async () => undefined });
  if (!values.reader) return without(PLUGGED_READINGS);
  if (values.reader === 'none') return without(DEFAULT_ANALYZE_PLUGINS);
  const args = parseModelArgs({ model: values.reader });
  const opened = await openCalibratedModel(args, await resolveModelArgs(args, process.stderr, true), process.stderr);
  return {
    plugins: modelAnalyzePlugins(opened.model, opened.vectors),
    reader: liveValidity(opened.vectors),
    release: () => opened.model.release(),
  };
}

/** An OTLP/HTTP sink in its own process: reads each request and answers 200. */
async function startReceiver(): Promise<{ url: string; stop(): void }> {
  const child = spawn(
    process.execPath,
    [
      '-e',
      "const s=require('http').createServer((q,r)=>{q.resume();q.on('end',()=>r.writeHead(200,{'content-type':'application/json'}).end('{}'))});s.listen(0,'127.0.0.1',()=>console.log(s.address().port))",
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise<string>((resolve) =>
    child.stdout.once('data', (d: Buffer) => resolve(d.toString().trim())),
  );
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}

function cpuMs(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
}

type Analysis = Awaited<ReturnType<typeof analysis>>;

async function analyse(
  file: string,
  { plugins, reader }: Analysis,
  endpoint?: string,
  spans = true,
): Promise<{ cpu: number; counts?: ExportCounts }> {
  // No arm pays for the garbage the one before it left (with --expose-gc).
  (globalThis as { gc?: () => void }).gc?.();
  const start = process.cpuUsage();
  if (!endpoint) {
    await analyzePath(file, 'claude-code', plugins);
    return { cpu: cpuMs(start) };
  }
  const config = resolveTelemetryConfig(
    spans
      ? { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' }
      : {
          OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: `${endpoint}/v1/logs`,
          OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `${endpoint}/v1/metrics`,
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
        },
  )!;
  const exporter = new VitalsExporter(config, '/home/dev/shop', {
    maxQueueSize: 4096,
    timeoutMillis: 2_000,
    metricIntervalMillis: 30_000,
  });
  const feed = new TelemetryFeed(exporter, config.includeText, '/home/dev/shop', () => exporter.room());
  await analyzePath(file, 'claude-code', exportingPlugins(plugins, feed, reader));
  const counts = await exporter.shutdown();
  return { cpu: cpuMs(start), counts };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'av-otel-bench-'));
  const file = join(dir, 'long-session.jsonl');
  writeFileSync(file, longSession());
  const receiver = await startReceiver();
  const dead = `http://127.0.0.1:${await deadPort()}`;
  try {
    const turns = (await analyzePath(file, 'claude-code', DEFAULT_ANALYZE_PLUGINS)).sessions[0].turns.length;
    const arms = { analyse: [] as number[], export: [] as number[], noSpans: [] as number[], dead: [] as number[] };
    let live: ExportCounts | undefined;
    let down: ExportCounts | undefined;
    const how = await analysis();
    await analyse(file, how, receiver.url); // warm-up: module loading and JIT
    for (let r = 0; r < ROUNDS; r++) {
      arms.analyse.push((await analyse(file, how)).cpu);
      const e = await analyse(file, how, receiver.url);
      arms.export.push(e.cpu);
      live = e.counts;
      arms.noSpans.push((await analyse(file, how, receiver.url, false)).cpu);
      const d = await analyse(file, how, dead);
      arms.dead.push(d.cpu);
      down = d.counts;
      console.log(
        `round ${r + 1}: analyse ${arms.analyse[r].toFixed(0)} ms, export ${arms.export[r].toFixed(0)} ms, without spans ${arms.noSpans[r].toFixed(0)} ms, dead endpoint ${arms.dead[r].toFixed(0)} ms CPU`,
      );
    }
    await how.release();
    const ratioOf = (xs: number[]) => xs.map((x, i) => x / arms.analyse[i]);
    const ratios = { export: ratioOf(arms.export), noSpans: ratioOf(arms.noSpans), dead: ratioOf(arms.dead) };
    const result = {
      turns,
      reader: values.reader ?? 'none: readings plugged in',
      rounds: ROUNDS,
      cpuMsMedian: {
        analyse: median(arms.analyse),
        export: median(arms.export),
        exportWithoutSpans: median(arms.noSpans),
        deadEndpoint: median(arms.dead),
      },
      // Each round's arms run back to back, so a round's ratio is the fairest one on a shared machine.
      ratio: {
        export: median(ratios.export),
        exportWithoutSpans: median(ratios.noSpans),
        deadEndpoint: median(ratios.dead),
      },
      // On a noisy machine the least disturbed run of each arm is another estimate of its own cost.
      ratioOfMinima: {
        export: Math.min(...arms.export) / Math.min(...arms.analyse),
        exportWithoutSpans: Math.min(...arms.noSpans) / Math.min(...arms.analyse),
        deadEndpoint: Math.min(...arms.dead) / Math.min(...arms.analyse),
      },
      ratioRange: Object.fromEntries(
        Object.entries(ratios).map(([arm, xs]) => [arm, [Math.min(...xs), Math.max(...xs)]]),
      ),
      target: 1.1,
      loadAverage: (await import('node:os')).loadavg(),
      lastCounts: { export: live, deadEndpoint: down },
      node: process.version,
      cpus: (await import('node:os')).cpus().length,
      date: new Date().toISOString(),
    };
    console.log(JSON.stringify(result, null, 2));
    if (values.out) writeFileSync(values.out, JSON.stringify(result, null, 2) + '\n');
  } finally {
    receiver.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
