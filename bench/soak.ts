// `npm run soak`: Agent Vitals under a long, busy day, compressed in time, on the fixture model.
// Stops by itself: every phase has a time budget and the whole run a hard deadline.
//
//   node --expose-gc --import tsx bench/soak.ts [--sessions 24] [--hours 8] [--day-seconds 120]
//                              [--ingest-mb 256] [--score-seconds 20] [--deadline-s 600]
//
// Phases (figures printed and written to bench/results/soak.json):
//   1. ingest: a generated Claude Code transcript of --ingest-mb streamed start to end (MB/s,
//      RSS growth: memory must not scale with the file).
//   2. scoring: turns scored per second by the real sidecar through the scoring queue.
//   3. day: --sessions transcripts followed at once while agents append --hours of activity
//      (one turn per session per simulated minute, written over --day-seconds), scored through
//      the queue (coalescing whatever the model cannot keep up with); host heap and sidecar RSS
//      at start and end.
//   4. crash recovery: the sidecar SIGKILLed mid-score; time until it is back with the model
//      loaded, and until the interrupted turn's score is delivered.
import { appendFileSync, closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { AgentEvent } from '../src/core/events';
import { SidecarError } from '../src/contracts/rpc-errors';
import { Methods, type ModelInfo } from '../src/contracts/rpc-methods';
import { ConversationScorer } from '../src/scoring-queue/conversation-scorer';
import { SidecarClient } from '../src/sidecar-client/sidecar-client';
import { TurnQueue, type ScoringUnit } from '../src/scoring-queue/turn-queue';
import { readTranscript } from '../src/watchers/read-transcript';
import { TranscriptWatchManager } from '../src/watchers/watch-manager';
import { assistantLine } from '../test/integration/reliability/claude-lines';

const { values: args } = parseArgs({
  options: {
    sessions: { type: 'string', default: '24' },
    hours: { type: 'string', default: '8' },
    'ingest-mb': { type: 'string', default: '256' },
    'score-seconds': { type: 'string', default: '20' },
    'day-seconds': { type: 'string', default: '120' },
    'deadline-s': { type: 'string', default: '600' },
    out: { type: 'string', default: 'bench/results' },
  },
});
const SESSIONS = Number(args.sessions);
const HOURS = Number(args.hours);
const INGEST_MB = Number(args['ingest-mb']);
const SCORE_SECONDS = Number(args['score-seconds']);
const DAY_SECONDS = Number(args['day-seconds']);
const WORKSPACE = '/home/dev/shop';
const MODEL = { model: 'fixture:tiny-qwen2', layers: [1], threads: 1, offline: true };

const deadline = setTimeout(
  () => {
    console.error(`soak: deadline of ${args['deadline-s']} s reached; stopping`);
    process.exit(2);
  },
  Number(args['deadline-s']) * 1000,
);
deadline.unref();

const work = mkdtempSync(join(tmpdir(), 'av-soak-'));
const mb = (bytes: number) => bytes / 2 ** 20;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const gc = () => (globalThis as { gc?: () => void }).gc?.();
const turnText = (i: number) =>
  `Turn ${i}: the integration test still fails after the refactor; checking the fixture again.`;

/** The one scoring queue over a sidecar conversation per session (as the extension scores). */
function newQueue(client: SidecarClient, model: ModelInfo, onDelivered: (unit: ScoringUnit) => void) {
  const scorer = new ConversationScorer<number>({
    sidecar: client,
    returns: 'none',
    // A turn's score here is its token count: the soak measures throughput, not readings.
    read: (result, index) => {
      const span = result.spans.find((s) => s.messageIndex === index);
      return span ? span.end - span.start : null;
    },
    model: async () => ({ contextLimit: model.contextLimit, scoresKey: model.model }),
  });
  return new TurnQueue<number>({
    score: (key, units) => scorer.score(key, units),
    isRetryable: (err) =>
      err instanceof SidecarError &&
      ['sidecar-crashed', 'conversation-not-found', 'no-model-loaded'].includes(err.kind),
    retryDelayMs: () => 100,
    maxRequestChars: () => scorer.requestChars(),
    // The fixture model's context is 512 tokens (~1000 characters of this text with the chat template).
    maxUnitChars: 700,
    deliver: (unit) => onDelivered(unit),
    fail: (unit, err) => console.error(`soak: ${unit.turnIds.length} turn(s) failed: ${String(err)}`),
  });
}

async function ingest(): Promise<Record<string, number>> {
  const file = join(work, 'large.jsonl');
  const fd = openSync(file, 'w');
  let written = 0;
  let records = 0;
  while (written < INGEST_MB * 2 ** 20) {
    const lines: string[] = [];
    for (let i = 0; i < 2000; i++, records++) lines.push(assistantLine(records, turnText(records)));
    const chunk = lines.join('\n') + '\n';
    writeSync(fd, chunk);
    written += Buffer.byteLength(chunk);
  }
  closeSync(fd);
  gc();
  const before = process.memoryUsage().rss;
  let peak = before;
  let turns = 0;
  const started = performance.now();
  await readTranscript(file, {
    source: 'claude-code',
    onEvent: () => ++turns % 10_000 === 0 && (peak = Math.max(peak, process.memoryUsage().rss)),
  });
  const seconds = (performance.now() - started) / 1000;
  rmSync(file);
  return { fileMb: mb(written), records, seconds, mbPerSecond: mb(written) / seconds, rssGrowthMb: mb(peak - before) };
}

async function scoringRate(client: SidecarClient, model: ModelInfo): Promise<Record<string, number>> {
  let delivered = 0;
  const queue = newQueue(client, model, (u) => (delivered += u.turnIds.length));
  const started = performance.now();
  let i = 0;
  // Keep a few turns waiting so the queue never runs dry, without building a backlog.
  while (performance.now() - started < SCORE_SECONDS * 1000) {
    while (queue.stats().waitingTurns < 4)
      queue.push({ sessionKey: `s${i % 4}`, turnId: `r${i}`, text: turnText(i++) });
    await sleep(5);
  }
  const seconds = (performance.now() - started) / 1000;
  queue.close();
  return { turnsScored: delivered, seconds, turnsPerSecond: delivered / seconds };
}

async function day(client: SidecarClient, model: ModelInfo): Promise<Record<string, number>> {
  const projects = join(work, 'claude', 'projects');
  const folder = join(projects, WORKSPACE.replace(/\//g, '-'));
  mkdirSync(folder, { recursive: true });
  const files = Array.from({ length: SESSIONS }, (_, s) => join(folder, `session-${s}.jsonl`));
  for (const f of files) writeFileSync(f, '');
  let delivered = 0;
  let eventsSeen = 0;
  const queue = newQueue(client, model, (u) => (delivered += u.turnIds.length));
  const manager = new TranscriptWatchManager({
    workspaceRoot: WORKSPACE,
    sources: ['claude-code'],
    locations: {
      claudeProjectDirs: [projects],
      codexSessions: join(work, 'none'),
      geminiTmp: join(work, 'none'),
      vscodeUser: join(work, 'none'),
    },
    sink: (e: AgentEvent) => {
      eventsSeen++;
      if (e.type === 'turn' && e.role === 'assistant')
        queue.push({ sessionKey: e.sessionId, turnId: e.turnId, text: e.text });
    },
  });
  await manager.start();
  gc();
  const heapStart = process.memoryUsage().heapUsed;
  const sidecarStart = (await client.request(Methods.status)).rssBytes;
  const minutes = HOURS * 60;
  const started = performance.now();
  // One turn per session per simulated minute, written in batches of ten minutes.
  for (let minute = 0; minute < minutes; minute += 10) {
    for (const [s, f] of files.entries()) {
      const lines: string[] = [];
      for (let m = minute; m < Math.min(minute + 10, minutes); m++)
        lines.push(assistantLine(m, `${turnText(m)} (session ${s})`, `session-${s}`));
      appendFileSync(f, lines.join('\n') + '\n');
    }
    // Paced so the whole day is written over DAY_SECONDS.
    const due = started + ((minute + 10) / minutes) * DAY_SECONDS * 1000;
    await sleep(Math.max(5, due - performance.now()));
  }
  const written = SESSIONS * minutes;
  const writeSeconds = (performance.now() - started) / 1000;
  while (eventsSeen < written && performance.now() - started < 120_000) await sleep(100);
  const backlogAtEnd = queue.stats().waitingTurns;
  await Promise.race([queue.idle(), sleep(180_000)]);
  const drainSeconds = (performance.now() - started) / 1000 - writeSeconds;
  const stats = queue.stats();
  manager.dispose();
  queue.close();
  gc();
  return {
    sessions: SESSIONS,
    simulatedHours: HOURS,
    turnsWritten: written,
    turnsRead: eventsSeen,
    turnsScored: delivered,
    coalescedTurns: stats.coalescedTurns,
    backlogWhenWritingStopped: backlogAtEnd,
    writeSeconds,
    drainSeconds,
    hostHeapStartMb: mb(heapStart),
    hostHeapEndMb: mb(process.memoryUsage().heapUsed),
    hostRssEndMb: mb(process.memoryUsage().rss),
    sidecarRssStartMb: mb(sidecarStart),
    sidecarRssEndMb: mb((await client.request(Methods.status)).rssBytes),
  };
}

async function crashRecovery(client: SidecarClient, model: ModelInfo): Promise<Record<string, number>> {
  const deliveredAt = new Map<string, number>();
  const queue = newQueue(client, model, (u) => u.turnIds.forEach((id) => deliveredAt.set(id, performance.now())));
  const restarted = new Promise<number>((resolve) => client.once('restarted', () => resolve(performance.now())));
  queue.push({ sessionKey: 'crash', turnId: 'c0', text: turnText(0) });
  await queue.idle();
  const { pid } = await client.request(Methods.status);
  queue.push({ sessionKey: 'crash', turnId: 'c1', text: turnText(1) });
  await new Promise((r) => setImmediate(r)); // the request is on the wire, its answer is not
  const killedAt = performance.now();
  process.kill(pid, 'SIGKILL');
  const back = await restarted;
  await queue.idle();
  queue.close();
  return {
    restartWithModelMs: back - killedAt,
    interruptedTurnScoredMs: (deliveredAt.get('c1') ?? Number.NaN) - killedAt,
  };
}

async function main(): Promise<void> {
  const client = new SidecarClient({
    sidecarPath: 'dist/sidecar.js',
    crashPolicy: { initialDelayMs: 100 },
    onRestarted: async (c) => void (await c.request(Methods.loadModel, MODEL)),
  });
  const results: Record<string, unknown> = { cpus: cpus().length, loadAverage: loadavg()[0], node: process.version };
  try {
    const model = await client.request(Methods.loadModel, MODEL);
    results.ingest = await ingest();
    console.log('ingest', results.ingest);
    results.scoring = await scoringRate(client, model);
    console.log('scoring', results.scoring);
    results.day = await day(client, model);
    console.log('day', results.day);
    results.crashRecovery = await crashRecovery(client, model);
    console.log('crash recovery', results.crashRecovery);
  } finally {
    await client.stop();
    rmSync(work, { recursive: true, force: true });
  }
  mkdirSync(args.out!, { recursive: true });
  writeFileSync(join(args.out!, 'soak.json'), JSON.stringify(results, null, 2));
  console.log(`soak: done; figures in ${join(args.out!, 'soak.json')}`);
  clearTimeout(deadline);
}

void main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
