// Regression (found by the protocol fuzz suite): a sidebar message whose action or command was an
// object made the host's validator throw, or pass when the object's toString said a valid name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isSidebarViewMessage } from '../../../src/contracts/sidebar-protocol';

test('objects posing as action or command names are refused without throwing', () => {
  assert.equal(isSidebarViewMessage({ type: 'flag-action', flagId: 'f', action: { toString: 1 } }), false);
  assert.equal(isSidebarViewMessage({ type: 'flag-action', flagId: 'f', action: { toString: () => 'revert' } }), false);
  assert.equal(isSidebarViewMessage({ type: 'command', command: { toString: () => 'agentVitals.openLog' } }), false);
  assert.equal(isSidebarViewMessage({ type: 'flag-action', flagId: 'f', action: 'revert' }), true);
});
