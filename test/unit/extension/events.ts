// Small builders for the event model, shared by this folder's tests.
import type { TestRunEvent, TurnEvent } from '../../../src/core/events';
import type { Flag } from '../../../src/core/flags';

const envelope = (seq: number, sessionId = 's1') => ({
  source: 'claude-code' as const,
  sessionId,
  seq,
  ts: new Date(Date.UTC(2026, 10, 24, 14, 0, seq)).toISOString(),
});

export function turn(seq: number, text: string, sessionId = 's1'): TurnEvent {
  return { ...envelope(seq, sessionId), type: 'turn', turnId: `t${seq}`, role: 'assistant', text };
}

export function testRun(seq: number, passed: number, failed: number, sessionId = 's1'): TestRunEvent {
  return {
    ...envelope(seq, sessionId),
    type: 'test-run',
    command: 'npm test',
    framework: 'node:test',
    passed,
    failed,
    skipped: 0,
    failingIds: [],
    origin: 'agent',
  };
}

export function flag(id: string, severity: Flag['severity'], editSeq: number): Flag {
  return {
    id,
    source: 'claude-code',
    sessionId: 's1',
    ts: envelope(editSeq).ts,
    path: '/w/test/a.test.js',
    kinds: ['skip-added'],
    severity,
    desperation: 2.2,
    reason: 'test skipped after 3 failing runs',
    editSeq,
  };
}

export function scored(desperate: number, calm: number) {
  return { emotions: { desperate: { mean: desperate, max: desperate + 0.5 }, calm: { mean: calm, max: calm + 0.5 } } };
}
