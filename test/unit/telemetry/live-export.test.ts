import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TurnEvent } from '../../../src/core/events';
import type { Flag } from '../../../src/core/flags';
import { TelemetryFeed } from '../../../src/telemetry/feed';
import { LiveExport } from '../../../src/telemetry/live-export';
import type { VitalsRecord } from '../../../src/telemetry/records';
import type { VitalsSpan } from '../../../src/telemetry/session-trace';

const VALID = { valid: true, why: 'validated' };
const turn = (seq: number, role: TurnEvent['role']): TurnEvent => ({
  type: 'turn',
  source: 'claude-code',
  sessionId: 's',
  seq,
  ts: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
  turnId: `t${seq}`,
  role,
  text: 'secret',
});

function setup(start = Date.UTC(2026, 0, 1)) {
  const out: VitalsRecord[] = [];
  const spans: VitalsSpan[] = [];
  let clock = start;
  const live = new LiveExport(
    new TelemetryFeed({ emit: (r) => out.push(r), span: (s) => spans.push(s) }, new Set()),
    () => VALID,
    60_000,
    () => clock,
  );
  return { out, spans, live, advance: (ms: number) => (clock += ms) };
}

describe('LiveExport', () => {
  it('sends a turn span when the next turn starts, and the last turn and session spans when export stops', () => {
    const { spans, live } = setup();
    live.event(turn(1, 'user'));
    live.event(turn(2, 'assistant'));
    assert.deepEqual(
      spans.map((s) => [s.name, s.startMs, s.endMs]),
      [['turn user', Date.UTC(2026, 0, 1, 0, 0, 1), Date.UTC(2026, 0, 1, 0, 0, 2)]],
    );
    live.end();
    assert.deepEqual(
      spans.map((s) => s.name),
      ['turn user', 'turn assistant', 'invoke_agent claude-code'],
    );
    assert.deepEqual(spans[2].attributes, {
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': 'claude-code',
      'gen_ai.conversation.id': 's',
      'agent_vitals.session.turns': 2,
      'agent_vitals.session.test_runs': 0,
    });
    assert.ok(spans.every((s) => !JSON.stringify(s).includes('secret')));
  });

  it('ends a session that went idle, so its session span goes out; one that resumes goes on under a session span of its own', () => {
    const { spans, live, advance } = setup();
    live.event(turn(1, 'user'));
    live.event(turn(2, 'assistant'));
    advance(9 * 60_000);
    live.sweep();
    assert.deepEqual(
      spans.map((s) => s.name),
      ['turn user'],
      'not idle for 10 minutes yet',
    );
    advance(60_000);
    live.sweep();
    assert.deepEqual(
      spans.map((s) => s.name),
      ['turn user', 'turn assistant', 'invoke_agent claude-code'],
    );
    const first = spans[2];
    live.event(turn(3, 'user'));
    live.event(turn(4, 'assistant'));
    live.end();
    const second = spans.at(-1)!;
    assert.equal(second.name, 'invoke_agent claude-code');
    assert.equal(second.traceId, first.traceId, 'the same session is the same trace');
    assert.notEqual(second.spanId, first.spanId);
    assert.equal(second.attributes['agent_vitals.session.turns'], 2);
    assert.deepEqual(
      spans.filter((s) => s.name.startsWith('turn')).map((s) => s.parentSpanId),
      [first.spanId, first.spanId, second.spanId, second.spanId],
    );
  });

  it('sends an assistant turn with its reading once it arrives, others at once', () => {
    const { out, live } = setup();
    live.event(turn(1, 'user'));
    live.event(turn(2, 'assistant'));
    assert.deepEqual(
      out.map((r) => r.attributes['agent_vitals.turn.id']),
      ['t1'],
    );
    live.reading('claude-code:s', 't2', { desperate: { mean: 2, max: 3 } });
    live.reading('claude-code:s', 't2', { desperate: { mean: 9, max: 9 } });
    assert.deepEqual(
      out.map((r) => r.attributes['agent_vitals.turn.id']),
      ['t1', 't2'],
    );
    assert.equal(out[1].attributes['agent_vitals.reading.desperate.max'], 3);
  });

  it('sends a turn unread when no reading comes in time', () => {
    const { out, live, advance } = setup();
    live.event(turn(2, 'assistant'));
    advance(59_000);
    live.sweep();
    assert.equal(out.length, 0);
    advance(1_000);
    live.sweep();
    assert.equal(out.length, 1);
    assert.deepEqual(
      Object.keys(out[0].attributes).filter((k) => k.startsWith('agent_vitals.reading.')),
      [],
    );
  });

  it('sends a flag when raised and on each status change, not stored ones again at start', () => {
    const start = Date.UTC(2026, 0, 1, 1);
    const { out, live } = setup(start);
    const flag = (id: string, ts: number): Flag => ({
      id,
      source: 'claude-code',
      sessionId: 's',
      ts: new Date(ts).toISOString(),
      path: '/w/t.py',
      kinds: ['skip-added'],
      severity: 'warning',
      desperation: null,
      reason: 'r',
      editSeq: 1,
    });
    const old = flag('old', start - 3_600_000);
    live.flag(old, 'open');
    live.flag(flag('new', start + 1_000), 'open');
    live.flag(flag('new', start + 1_000), 'open');
    live.flag(flag('new', start + 1_000), 'dismissed');
    live.flag(old, 'legitimate');
    assert.deepEqual(
      out.map((r) => r.attributes['agent_vitals.flag.status']),
      ['open', 'dismissed', 'legitimate'],
    );
  });
});
