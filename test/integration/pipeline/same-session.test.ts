// One recorded session, three ways in: live watching (the score source over a sidecar, the flag
// feed), `analyze` and the Replay experiment must give it the same per-turn readings and the same
// flags, because they are one pipeline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import type { AgentEvent, TurnEvent } from '../../../src/core/events';
import { assembleSessionReport, modelAnalyzePlugins } from '../../../src/cli/analyze';
import { TamperFlagFeed } from '../../../src/extension/flags/tamper-flag-feed';
import { SidecarScoreSource } from '../../../src/extension/integration/sidecar-score-source';
import type { SidecarHost } from '../../../src/extension/sidecar-host';
import type { TurnScore } from '../../../src/contracts/reading';
import { sessionKeyOf } from '../../../src/extension/state/vitals-store';
import { runReplay } from '../../../src/experiments/replay';
import { Methods } from '../../../src/contracts/rpc-methods';
import { serveSidecar } from '../../../src/sidecar/server';
import { DEFAULT_SEVERITY_SETTINGS } from '../../../src/tamper/severity';
import { readTranscript } from '../../../src/watchers/read-transcript';
import { DEMO_MODEL, openDemoExperimentModel } from '../experiments/demo-model';

const SESSION = 'test/fixtures/transcripts/claude-code/-home-dev-shop/7d1c9a4e-2b6f-4c1e-9f0a-5e3b8d2c1a90.jsonl';

/** Per assistant turn id, its mean z per emotion. */
type Readings = Map<string, Record<string, number>>;
interface FlagView {
  ts: string;
  path: string;
  kinds: string[];
  severity: string;
  desperation: number | null;
}

const flagView = (f: FlagView): FlagView => ({
  ts: f.ts,
  path: f.path,
  kinds: [...f.kinds],
  severity: f.severity,
  desperation: f.desperation,
});

async function recorded() {
  const session = await readTranscript(SESSION);
  assert.ok(session, 'the fixture is a transcript');
  return session;
}

/** Live watching: events arrive one by one; each is scored (over a real sidecar) and flagged before the next. */
async function live(events: readonly AgentEvent[]): Promise<{ readings: Readings; flags: FlagView[] }> {
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  const { server } = serveSidecar(toServer, toClient);
  const client = createMessageConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
  client.listen();
  const info = await client.sendRequest(Methods.loadModel, {
    model: DEMO_MODEL,
    cacheDir: mkdtempSync(join(tmpdir(), 'av-live-')),
    offline: true,
  });
  assert.ok(info.vectors, 'the demo model ships its vectors');
  const host = {
    client: { pid: 1, request: (type: never, params: never) => client.sendRequest(type, params) },
    status: { kind: 'ready', modelId: DEMO_MODEL, layer: info.vectors.layer, demo: true, live: info.vectors.live },
    ensureModel: async () => info,
    onReloaded: () => ({ dispose() {} }),
    onStatus: () => ({ dispose() {} }),
    restart: async () => {},
  };
  const log = { error: (m: string) => assert.fail(m), warn() {}, info() {} };
  const source = new SidecarScoreSource(host as unknown as SidecarHost, log as never);
  const scores = new Map<string, TurnScore>();
  source.onScore((_key, turnId, score) => scores.set(turnId, score));
  const seqOf = new Map(events.flatMap((e) => (e.type === 'turn' ? [[e.turnId, e.seq] as const] : [])));
  const flags = new Map<string, FlagView>();
  const feed = new TamperFlagFeed({
    storageDir: mkdtempSync(join(tmpdir(), 'av-live-flags-')),
    severity: DEFAULT_SEVERITY_SETTINGS,
    turnDesperation: () =>
      [...scores].map(([turnId, s]) => ({ seq: seqOf.get(turnId)!, z: s.emotions.desperate!.mean })),
    readerValidity: () => info.vectors!.live,
    onUpdate: ({ flag }) => flags.set(flag.id, flagView(flag)),
    onError: (err) => assert.fail(String(err)),
  });
  try {
    for (const event of events) {
      feed.observe(event);
      source.score(sessionKeyOf(event), event);
      await source.idle();
      await feed.idle();
    }
  } finally {
    source.dispose();
    await server.dispose();
    client.dispose();
  }
  const readings: Readings = new Map(
    [...scores].map(([turnId, s]) => [
      turnId,
      Object.fromEntries(Object.entries(s.emotions).map(([e, v]) => [e, v.mean])),
    ]),
  );
  return { readings, flags: [...flags.values()] };
}

test('the same recorded session gives identical per-turn readings and identical flags through live, analyze and Replay', async () => {
  const session = await recorded();
  const events = [...session.events].sort((a, b) => a.seq - b.seq);
  const turns = events.filter((e): e is TurnEvent => e.type === 'turn');
  const assistant = turns.filter((t) => t.role === 'assistant');
  assert.ok(assistant.length >= 3, 'the session has assistant turns to read');

  const opened = await openDemoExperimentModel();
  try {
    const { model } = opened;
    const vectors = model.vectors;
    // analyze
    const report = await assembleSessionReport(session, modelAnalyzePlugins(model, vectors));
    const analyzed: Readings = new Map(
      report.turns.flatMap((t) => (t.emotions ? [[t.turnId, t.emotions] as const] : [])),
    );
    const analyzeFlags = report.flags.map(flagView);
    // Replay
    const replay = await runReplay(model, { file: SESSION, delayMs: 0 });
    const turnOfSeq = new Map(turns.map((t) => [t.seq, t.turnId]));
    const replayed: Readings = new Map(
      replay.timeline.flatMap((e) =>
        e.kind === 'turn' && e.summary
          ? [
              [
                turnOfSeq.get(e.seq)!,
                Object.fromEntries(Object.entries(e.summary).map(([k, v]) => [k, v.mean])),
              ] as const,
            ]
          : [],
      ),
    );
    const replayFlags = replay.timeline.flatMap((e) => (e.kind === 'flag' ? [flagView(e)] : []));
    // live
    const watched = await live(events);

    assert.deepEqual(
      [...analyzed.keys()],
      assistant.map((t) => t.turnId),
      'analyze reads every assistant turn',
    );
    assert.deepEqual(replayed, analyzed, 'Replay reads the session as analyze does');
    assert.deepEqual(watched.readings, analyzed, 'live watching reads the session as analyze does');
    assert.ok(analyzeFlags.length > 0, 'the session raises flags');
    assert.ok(
      analyzeFlags.every((f) => Number.isFinite(f.desperation)),
      'each flag carries the reading before its edit',
    );
    assert.deepEqual(replayFlags, analyzeFlags, 'Replay flags the session as analyze does');
    assert.deepEqual(watched.flags, analyzeFlags, 'live watching flags the session as analyze does');
  } finally {
    await opened.release();
  }
});
