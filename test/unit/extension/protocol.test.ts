import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isSidebarViewMessage } from '../../../src/contracts/sidebar-protocol';

test('well-formed webview messages are accepted', () => {
  for (const m of [
    { type: 'ready' },
    { type: 'follow', sessionKey: null },
    { type: 'follow', sessionKey: 'claude-code:s' },
    { type: 'select-turn', turnId: 't1' },
    { type: 'heat-emotion', emotion: 'calm' },
    { type: 'flag-action', flagId: 'f', action: 'revert' },
    { type: 'command', command: 'agentVitals.openLog' },
    { type: 'cancel-calibration' },
  ]) {
    assert.ok(isSidebarViewMessage(m), JSON.stringify(m));
  }
});

test('malformed messages and commands outside the allow-list are refused', () => {
  for (const m of [
    null,
    'ready',
    {},
    { type: 'follow' },
    { type: 'select-turn', turnId: 3 },
    { type: 'flag-action', flagId: 'f', action: 'delete' },
    { type: 'command', command: 'workbench.action.terminal.sendSequence' },
    { type: 'unknown' },
  ]) {
    assert.equal(isSidebarViewMessage(m), false, JSON.stringify(m));
  }
});
