import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { guardRecord } from '../../../src/telemetry/guard-export';

const decision = {
  ts: '2026-01-01T00:00:00.000Z',
  event: 'decision',
  agent: 'gemini',
  sessionId: null,
  tool: 'replace',
  tier: 'ask',
  path: '/home/me/other/test_a.py',
  hunk: null,
  kinds: ['skip-added'],
  pressured: false,
};

describe('guardRecord', () => {
  it('sends a path outside the workspace as its file name only', () => {
    const record = guardRecord(JSON.stringify(decision), '/w');
    assert.equal(record?.attributes['agent_vitals.guard.path'], 'test_a.py');
    assert.equal(record?.attributes['gen_ai.conversation.id'], undefined);
  });

  it('skips torn lines, other events and audits with unknown kinds', () => {
    assert.equal(guardRecord(JSON.stringify(decision).slice(0, 40), '/w'), null);
    assert.equal(guardRecord(JSON.stringify({ ...decision, event: 'note' }), '/w'), null);
    const audit = { ts: decision.ts, event: 'audit', agent: 'codex', sessionId: 's', flags: 1, failingTests: [] };
    assert.equal(guardRecord(JSON.stringify({ ...audit, kinds: { 'not-a-kind': 1 } }), '/w'), null);
    assert.equal(
      guardRecord(JSON.stringify({ ...audit, kinds: { 'skip-added': 1 } }), '/w')?.attributes[
        'agent_vitals.guard.flags'
      ],
      1,
    );
  });
});
