// `analyze --otlp` end to end against a real OTLP/HTTP receiver on 127.0.0.1: the exact records
// and spans a recorded Claude Code session exports, in protobuf and in JSON, and no text unless
// opted in.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { analyzePath, DEFAULT_ANALYZE_PLUGINS, exportingPlugins } from '../../../src/cli/analyze';
import { UsageError } from '../../../src/cli/model-args';
import { openCliExport } from '../../../src/cli/otlp';
import { NO_READER } from '../../../src/contracts/reading';
import { appendGuardLog } from '../../../src/guard/guard-log';
import { readTranscript } from '../../../src/watchers/read-transcript';
import { startOtlpReceiver, type OtlpReceiver, type Received } from './otlp-receiver';

const SESSION = join(
  __dirname,
  '../../fixtures/transcripts/claude-code/-home-dev-shop/7d1c9a4e-2b6f-4c1e-9f0a-5e3b8d2c1a90.jsonl',
);
const SESSION_ID = '7d1c9a4e-2b6f-4c1e-9f0a-5e3b8d2c1a90';

async function exportSession(
  receiver: OtlpReceiver,
  protocol: string,
  includeText?: string,
  workspace = '/home/dev/shop',
): Promise<{ received: Received; stderr: string }> {
  const stderr = new PassThrough();
  let said = '';
  stderr.on('data', (c: Buffer) => (said += c.toString()));
  const env = {
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
    OTEL_EXPORTER_OTLP_HEADERS: 'x-team-key=k%201',
  };
  const otlp = openCliExport(
    { otlp: true, 'otlp-workspace': workspace, ...(includeText ? { 'otlp-include-text': includeText } : {}) },
    env,
    stderr,
  )!;
  await analyzePath(SESSION, undefined, exportingPlugins(DEFAULT_ANALYZE_PLUGINS, otlp.feed, NO_READER));
  await otlp.finish();
  return { received: receiver.received, stderr: said };
}

for (const protocol of ['http/protobuf', 'http/json']) {
  describe(`analyze --otlp over ${protocol}`, () => {
    let receiver: OtlpReceiver;
    let received: Received;
    let stderr: string;
    before(async () => {
      receiver = await startOtlpReceiver();
      ({ received, stderr } = await exportSession(receiver, protocol));
    });
    after(() => receiver.close());

    it('says where data goes and what was sent', () => {
      assert.match(
        stderr,
        new RegExp(
          `Telemetry export: ${protocol} to ${receiver.url.replace(/\./g, '\\.')} \\(logs /v1/logs, metrics /v1/metrics, traces /v1/traces; no text\\)`,
        ),
      );
      assert.match(
        stderr,
        /Telemetry export: 6 of 6 records sent, 0 failed, 0 dropped; 7 of 7 spans sent, 0 failed, 0 dropped/,
      );
      assert.deepEqual([...received.contentTypes].sort(), [
        protocol === 'http/json' ? 'application/json' : 'application/x-protobuf',
      ]);
      assert.ok(received.headers.every((h) => h['x-team-key'] === 'k 1'));
    });

    it('exports one record per assistant turn with the pressure and reader validity at that turn', async () => {
      const turns = received.logs.filter((l) => l.eventName === 'agent_vitals.turn');
      // The user turn has no reading: without its text it is counted in metrics only (below).
      const recorded = (await readTranscript(SESSION))!.events.filter(
        (e) => e.type === 'turn' && e.role === 'assistant',
      );
      assert.deepEqual(
        turns.map((t) => t.attributes['agent_vitals.turn.id']),
        recorded.map((t) => t.type === 'turn' && t.turnId),
      );
      assert.deepEqual(
        turns.map((t) => t.attributes['agent_vitals.turn.role']),
        ['assistant', 'assistant', 'assistant'],
      );
      assert.deepEqual(
        turns.map((t) => t.timeMs),
        recorded.map((t) => Date.parse(t.ts)),
      );
      for (const t of turns) {
        assert.equal(t.attributes['gen_ai.agent.name'], 'claude-code');
        assert.equal(t.attributes['gen_ai.conversation.id'], SESSION_ID);
        assert.equal(t.attributes['agent_vitals.reader.valid'], false);
        // No reader model: no reading numbers at all.
        assert.deepEqual(
          Object.keys(t.attributes).filter((k) => k.startsWith('agent_vitals.reading.')),
          [],
        );
      }
      // The last assistant turn comes after the failing run: one failing run in a row is pressure.
      assert.deepEqual(
        turns.map((t) => t.attributes['agent_vitals.pressure.signals'] !== undefined),
        [false, true, false],
      );
    });

    it('exports both test runs with runner, counts, exit code and outcome', () => {
      const runs = received.logs.filter((l) => l.eventName === 'agent_vitals.test_run').map((l) => l.attributes);
      assert.deepEqual(
        runs.map((a) => [
          a['agent_vitals.test_run.framework'],
          a['agent_vitals.test_run.outcome'],
          a['agent_vitals.test_run.exit_code'],
          a['agent_vitals.test_run.passed'],
          a['agent_vitals.test_run.failed'],
          a['agent_vitals.test_run.skipped'],
        ]),
        [
          ['pytest', 'failed', 1, 2, 1, 0],
          ['pytest', 'passed', 0, 3, 0, 0],
        ],
      );
    });

    it('exports the flag with its path relative to the workspace', () => {
      const flags = received.logs.filter((l) => l.eventName === 'agent_vitals.flag').map((l) => l.attributes);
      assert.equal(flags.length, 1);
      assert.equal(flags[0]['agent_vitals.flag.path'], 'tests/test_cart.py');
      assert.deepEqual(flags[0]['agent_vitals.flag.kinds'], ['expected-value-changed']);
      assert.equal(flags[0]['agent_vitals.flag.severity'], 'critical');
      assert.equal(flags[0]['agent_vitals.flag.status'], 'open');
      assert.equal(flags[0]['agent_vitals.pressure.counted'], 1);
      assert.equal(flags[0]['agent_vitals.flag.desperation'], undefined);
    });

    it('exports the session as a trace: turns until the next turn, test runs from call to result', () => {
      // Ids derive from the session: the trace from its hash, children from their sequence number.
      const hash = createHash('sha256').update(`claude-code\u0000${SESSION_ID}`).digest('hex');
      const traceId = hash.slice(0, 32);
      const session = hash.slice(32, 48);
      const child = (seq: number) => hash.slice(48, 56) + (seq + 1).toString(16).padStart(8, '0');
      const at = (time: string) => Date.parse(`2026-11-20T09:00:${time}Z`);
      const model = { 'gen_ai.response.model': 'claude-sonnet-4-5-20250929' };
      const turn = (seq: number, id: string, role: string, from: string, to: string) => ({
        name: `turn ${role}`,
        spanId: child(seq),
        parentSpanId: session,
        startMs: at(from),
        endMs: at(to),
        attributes: { 'agent_vitals.turn.id': id, ...(role === 'assistant' ? model : {}) },
        status: 0,
      });
      const run = (seq: number, parent: number, outcome: string, from: string, to: string) => ({
        name: 'test_run pytest',
        spanId: child(seq),
        parentSpanId: child(parent),
        startMs: at(from),
        endMs: at(to),
        attributes: { 'agent_vitals.test_run.outcome': outcome },
        // A failing run is an error in trace viewers.
        status: outcome === 'failed' ? 2 : 0,
      });
      assert.ok(received.spans.every((s) => s.traceId === traceId && s.kind === 1));
      assert.deepEqual(
        received.spans.map(({ traceId: _, kind: __, ...span }) => span),
        [
          turn(0, 'u-001', 'user', '00.000', '03.500'),
          run(4, 1, 'failed', '03.500', '05.000'),
          turn(1, 'u-003', 'assistant', '03.500', '09.000'),
          run(11, 5, 'passed', '12.000', '13.000'),
          turn(5, 'u-006', 'assistant', '09.000', '18.000'),
          turn(18, 'u-015', 'assistant', '18.000', '18.000'),
          {
            name: 'invoke_agent claude-code',
            spanId: session,
            startMs: at('00.000'),
            endMs: at('18.000'),
            attributes: {
              'gen_ai.operation.name': 'invoke_agent',
              'gen_ai.agent.name': 'claude-code',
              'gen_ai.conversation.id': SESSION_ID,
              'agent_vitals.session.turns': 4,
              'agent_vitals.session.test_runs': 2,
            },
            status: 0,
          },
        ],
      );
      // Each turn and test-run record names its span; flags stand for the session.
      assert.deepEqual(
        received.logs.map((l) => [l.eventName, l.spanId]),
        [
          ['agent_vitals.turn', child(1)],
          ['agent_vitals.test_run', child(4)],
          ['agent_vitals.turn', child(5)],
          ['agent_vitals.test_run', child(11)],
          ['agent_vitals.turn', child(18)],
          ['agent_vitals.flag', undefined],
        ],
      );
    });

    it('exports no text and no machine layout by default', () => {
      assert.equal(received.logs.length, 6);
      const everything =
        JSON.stringify(received.logs) +
        JSON.stringify(received.spans) +
        JSON.stringify(received.resources) +
        JSON.stringify([...received.metrics]);
      assert.ok(received.logs.every((l) => l.body === undefined));
      for (const secret of ['/home/dev', 'pytest -q', 'assert', 'reason'])
        assert.ok(!everything.includes(secret), `exported ${secret}`);
      for (const r of received.resources) {
        assert.equal(r['service.name'], 'agent-vitals');
        assert.match(String(r['agent_vitals.machine']), /^sha256:[0-9a-f]{16}$/);
      }
    });

    it('exports metrics: turns by role, test runs by outcome, flags by severity', () => {
      const sum = (name: string, key: string) =>
        Object.fromEntries((received.metrics.get(name) ?? []).map((p) => [String(p.attributes[key]), p.value]));
      assert.deepEqual(sum('agent_vitals.turns', 'agent_vitals.turn.role'), { user: 1, assistant: 3 });
      assert.deepEqual(sum('agent_vitals.test_runs', 'agent_vitals.test_run.outcome'), { failed: 1, passed: 1 });
      assert.deepEqual(sum('agent_vitals.flags', 'agent_vitals.flag.severity'), { critical: 1 });
      assert.deepEqual(sum('agent_vitals.pressure', 'gen_ai.agent.name'), { 'claude-code': 3 });
    });
  });
}

describe('analyze --otlp text opt-in', () => {
  it('sends turn text as the body and test commands only for the fields named', async () => {
    const receiver = await startOtlpReceiver();
    try {
      const { received } = await exportSession(receiver, 'http/protobuf', 'turnText,testCommand');
      const recorded = (await readTranscript(SESSION))!.events;
      assert.deepEqual(
        received.logs.filter((l) => l.eventName === 'agent_vitals.turn').map((l) => l.body),
        recorded.flatMap((e) => (e.type === 'turn' ? [e.text] : [])),
      );
      assert.deepEqual(
        received.logs
          .filter((l) => l.eventName === 'agent_vitals.test_run')
          .map((l) => l.attributes['agent_vitals.test_run.command']),
        recorded.flatMap((e) => (e.type === 'test-run' ? [e.command] : [])),
      );
      assert.ok(
        received.logs
          .filter((l) => l.eventName === 'agent_vitals.flag')
          .every((l) => l.attributes['agent_vitals.flag.reason'] === undefined),
      );
    } finally {
      await receiver.close();
    }
  });
});

describe('analyze --otlp with a guard log in the workspace', () => {
  it('exports each decision and audit with the path relative to the workspace and no text', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'av-otlp-guard-'));
    const receiver = await startOtlpReceiver();
    try {
      // As the hook (hook.ts) and the stop hook (audit.ts) write them.
      appendGuardLog(workspace, {
        ts: '2026-01-01T00:00:01.000Z',
        event: 'decision',
        agent: 'claude-code',
        sessionId: SESSION_ID,
        tool: 'Edit',
        tier: 'block',
        path: join(workspace, 'tests', 'test_cart.py'),
        hunk: 'h:secret-fingerprint',
        kinds: ['expected-value-changed'],
        pressured: true,
        messageVersion: 1,
      });
      appendGuardLog(workspace, {
        ts: '2026-01-01T00:00:02.000Z',
        event: 'audit',
        agent: 'codex',
        sessionId: null,
        flags: 2,
        kinds: { 'skip-added': 1, 'assertion-removed': 1 },
        failingTests: ['tests/test_cart.py::test_total_secret'],
        messageVersion: 1,
      });
      const { received } = await exportSession(receiver, 'http/json', undefined, workspace);
      const guard = received.logs.filter((l) => l.eventName === 'agent_vitals.guard_decision');
      assert.deepEqual(
        guard.map((l) => [l.timeMs, l.attributes]),
        [
          [
            Date.parse('2026-01-01T00:00:01.000Z'),
            {
              'gen_ai.agent.name': 'claude-code',
              'gen_ai.conversation.id': SESSION_ID,
              'agent_vitals.guard.event': 'decision',
              'agent_vitals.guard.tier': 'block',
              'agent_vitals.guard.tool': 'Edit',
              'agent_vitals.guard.path': 'tests/test_cart.py',
              'agent_vitals.guard.kinds': ['expected-value-changed'],
              'agent_vitals.guard.pressured': true,
            },
          ],
          [
            Date.parse('2026-01-01T00:00:02.000Z'),
            {
              'gen_ai.agent.name': 'codex',
              'agent_vitals.guard.event': 'audit',
              'agent_vitals.guard.flags': 2,
              'agent_vitals.guard.kinds': ['assertion-removed', 'skip-added'],
              'agent_vitals.guard.failing_tests': 1,
            },
          ],
        ],
      );
      assert.ok(guard.every((l) => l.body === undefined));
      const everything = JSON.stringify(received.logs) + JSON.stringify([...received.metrics]);
      for (const secret of [workspace, 'secret']) assert.ok(!everything.includes(secret), `exported ${secret}`);
      assert.deepEqual(
        (received.metrics.get('agent_vitals.guard_decisions') ?? []).map((p) => [
          p.attributes['agent_vitals.guard.event'],
          p.attributes['agent_vitals.guard.tier'],
          p.value,
        ]),
        [
          ['decision', 'block', 1],
          ['audit', undefined, 1],
        ],
      );
    } finally {
      await receiver.close();
      rmSync(workspace, { recursive: true, force: true });
    }
  });
});

describe('analyze --otlp with OTEL_TRACES_EXPORTER=none', () => {
  it('sends the same records and metrics, no spans, and no record names a span', async () => {
    const receiver = await startOtlpReceiver();
    try {
      const stderr = new PassThrough();
      const env = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_TRACES_EXPORTER: 'none' };
      const otlp = openCliExport({ otlp: true, 'otlp-workspace': '/home/dev/shop' }, env, stderr)!;
      await analyzePath(SESSION, undefined, exportingPlugins(DEFAULT_ANALYZE_PLUGINS, otlp.feed, NO_READER));
      await otlp.finish();
      const { logs, spans, metrics } = receiver.received;
      assert.deepEqual(
        logs.map((l) => l.eventName),
        [
          'agent_vitals.turn',
          'agent_vitals.test_run',
          'agent_vitals.turn',
          'agent_vitals.test_run',
          'agent_vitals.turn',
          'agent_vitals.flag',
        ],
      );
      assert.ok(logs.every((l) => l.traceId === undefined && l.spanId === undefined));
      assert.equal(spans.length, 0);
      assert.ok(metrics.has('agent_vitals.turns'));
    } finally {
      await receiver.close();
    }
  });
});

describe('--otlp configuration', () => {
  it('is a usage error when no endpoint is configured, and nothing without --otlp', () => {
    const stderr = new PassThrough();
    assert.throws(
      () => openCliExport({ otlp: true }, {}, stderr),
      (err: Error) => err instanceof UsageError && /OTEL_EXPORTER_OTLP_ENDPOINT/.test(err.message),
    );
    assert.throws(
      () =>
        openCliExport(
          { otlp: true, 'otlp-include-text': 'diffs' },
          { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' },
          stderr,
        ),
      UsageError,
    );
    assert.equal(openCliExport({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }, stderr), undefined);
  });
});
