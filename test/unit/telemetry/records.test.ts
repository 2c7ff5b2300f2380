import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TurnEvent } from '../../../src/core/events';
import {
  SessionRecorder,
  workspaceRelative,
  type TelemetrySink,
  type VitalsRecord,
} from '../../../src/telemetry/records';
import { SessionTrace } from '../../../src/telemetry/session-trace';

/** Records into `out`; spans are session-trace.test.ts's subject. */
const into = (out: VitalsRecord[]): TelemetrySink => ({ emit: (r) => out.push(r), span: () => undefined });

const turn: TurnEvent = {
  type: 'turn',
  source: 'codex',
  sessionId: 's1',
  seq: 3,
  ts: '2026-01-01T00:00:00.000Z',
  turnId: 't3',
  role: 'assistant',
  text: 'I will just change the expected value',
  model: 'gpt-5-codex',
};

describe('SessionRecorder', () => {
  it('records every statistic of every emotion read, the model and the reader validity', () => {
    const out: VitalsRecord[] = [];
    const recorder = new SessionRecorder('codex', 's1', new Set(), into(out));
    recorder.turn(
      turn,
      { desperate: { mean: 1.25, p90: 2, max: 3.5 }, calm: { mean: -0.5 } },
      { valid: true, why: 'validated' },
    );
    assert.equal(out.length, 1);
    assert.deepEqual(out[0], {
      eventName: 'agent_vitals.turn',
      ts: turn.ts,
      attributes: {
        'gen_ai.agent.name': 'codex',
        'gen_ai.conversation.id': 's1',
        'gen_ai.response.model': 'gpt-5-codex',
        'agent_vitals.seq': 3,
        'agent_vitals.turn.id': 't3',
        'agent_vitals.turn.role': 'assistant',
        'agent_vitals.reading.desperate.mean': 1.25,
        'agent_vitals.reading.desperate.p90': 2,
        'agent_vitals.reading.desperate.max': 3.5,
        'agent_vitals.reading.calm.mean': -0.5,
        'agent_vitals.reader.valid': true,
        'agent_vitals.pressure.score': 0,
      },
      // The turn's span in the session's trace.
      span: new SessionTrace('codex', 's1', () => undefined).link(3),
    });
  });

  it('records a bare mean as the mean, and with a sink that sends no spans keeps no trace and links no span', () => {
    const out: VitalsRecord[] = [];
    let spans = 0;
    const recorder = new SessionRecorder('codex', 's1', new Set(), {
      emit: (r) => out.push(r),
      span: () => spans++,
      traced: false,
    });
    recorder.event(turn);
    recorder.turn(turn, { desperate: 1.25, calm: Number.NaN }, { valid: false, why: 'demo' });
    recorder.event({ ...turn, seq: 4, turnId: 't4' });
    recorder.end();
    assert.equal(out[0].attributes['agent_vitals.reading.desperate.mean'], 1.25);
    assert.ok(!('agent_vitals.reading.calm.mean' in out[0].attributes), 'a non-finite mean is left out');
    assert.equal(out[0].span, undefined);
    assert.equal(spans, 0);
  });

  it('counts a user turn in metrics only, and logs it only when its text is opted in', () => {
    const user: TurnEvent = { ...turn, turnId: 'u1', role: 'user', text: 'please fix the tests', model: undefined };
    const out: VitalsRecord[] = [];
    new SessionRecorder('codex', 's1', new Set(), into(out)).turn(user, null, {
      valid: true,
      why: 'validated',
    });
    assert.deepEqual(out, [
      {
        eventName: 'agent_vitals.turn',
        ts: turn.ts,
        attributes: {
          'gen_ai.agent.name': 'codex',
          'gen_ai.conversation.id': 's1',
          'agent_vitals.seq': 3,
          'agent_vitals.turn.id': 'u1',
          'agent_vitals.turn.role': 'user',
        },
        metricsOnly: true,
      },
    ]);
    const withText: VitalsRecord[] = [];
    new SessionRecorder('codex', 's1', new Set(['turnText']), into(withText)).turn(user, null, {
      valid: true,
      why: 'validated',
    });
    assert.equal(withText[0].metricsOnly, undefined);
    assert.equal(withText[0].body, 'please fix the tests');
    assert.equal(withText[0].attributes['agent_vitals.pressure.score'], 0);
  });

  it('records a flag status change with the status it moved to', () => {
    const out: VitalsRecord[] = [];
    const recorder = new SessionRecorder('codex', 's1', new Set(['flagReason']), into(out), '/w');
    recorder.flag({
      ts: turn.ts,
      path: '/w/tests/a_test.py',
      kinds: ['skip-added'],
      severity: 'warning',
      desperation: 1.5,
      reason: 'skip added after 2 failing runs',
      status: 'dismissed',
    });
    assert.equal(out[0].attributes['agent_vitals.flag.status'], 'dismissed');
    assert.equal(out[0].attributes['agent_vitals.flag.path'], 'tests/a_test.py');
    assert.equal(out[0].attributes['agent_vitals.flag.desperation'], 1.5);
    assert.equal(out[0].attributes['agent_vitals.flag.reason'], 'skip added after 2 failing runs');
  });

  it('never sends a path outside the workspace beyond its file name', () => {
    assert.equal(workspaceRelative('/w/src/a.ts', '/w'), 'src/a.ts');
    assert.equal(workspaceRelative('/home/me/secret/a.ts', '/w'), 'a.ts');
    assert.equal(workspaceRelative('/home/me/a.ts', undefined), 'a.ts');
    assert.equal(workspaceRelative('src/a.ts', '/w'), 'src/a.ts');
  });
});
