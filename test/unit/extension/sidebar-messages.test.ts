import '../../support/vscode-stub';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isSidebarViewMessage, type FlagAction } from '../../../src/contracts/sidebar-protocol';
import type { SteeringSetting } from '../../../src/contracts/steering';
import { sidebarMessageRouter } from '../../../src/extension/sidebar-messages';
import { VitalsStore } from '../../../src/extension/state/vitals-store';
import { turn } from './events';
import { settings, unavailable } from '../../support/store-settings';

function router(cancelled: boolean) {
  const store = new VitalsStore(settings, unavailable);
  store.addEvent(turn(1, 'first', 'old'));
  store.addEvent(turn(2, 'second', 'old'));
  store.addEvent(turn(3, 'newest', 'new'));
  const performed: [string, FlagAction][] = [];
  const logged: string[] = [];
  const steered: SteeringSetting[] = [];
  const route = sidebarMessageRouter({
    store,
    actions: { perform: async (id, action) => void performed.push([id, action]) },
    host: { cancelCalibration: () => cancelled },
    log: { info: (m: string) => void logged.push(m), error: (m: string) => void logged.push(m), show: () => {} },
    steer: async (setting) => void steered.push(setting),
  });
  return { store, route, performed, logged, steered };
}

test('sidebar messages follow a session, select its turn and pick the heat map emotion in the store', () => {
  const { store, route } = router(false);
  assert.equal(store.snapshot().session!.summary.sessionId, 'new');
  route({ type: 'follow', sessionKey: 'claude-code:old' });
  assert.equal(store.snapshot().session!.summary.sessionId, 'old');
  route({ type: 'select-turn', turnId: 't1' });
  assert.equal(store.snapshot().selectedTurn?.turnId, 't1');
  route({ type: 'heat-emotion', emotion: 'calm' });
  assert.equal(store.snapshot().heatEmotion, 'calm');
});

test('a flag action goes to the flag actions; cancelling with no calibration running is only logged', () => {
  const { route, performed, logged } = router(false);
  route({ type: 'flag-action', flagId: 'f1', action: 'legitimate' });
  assert.deepEqual(performed, [['f1', 'legitimate']]);
  route({ type: 'cancel-calibration' });
  assert.deepEqual(logged, ['cancel: no calibration is running']);
  const running = router(true);
  running.route({ type: 'cancel-calibration' });
  assert.deepEqual(running.logged, []);
});

test('the steering control sets the served model steering; the protocol refuses unknown emotions and α outside (0, 0.2]', () => {
  const { route, steered } = router(false);
  route({ type: 'steering', steering: { emotion: 'calm', alpha: 0.1 } });
  assert.deepEqual(steered, [{ emotion: 'calm', alpha: 0.1 }]);
  const message = (emotion: unknown, alpha: unknown) => ({ type: 'steering', steering: { emotion, alpha } });
  assert.equal(isSidebarViewMessage(message('calm', 0.2)), true);
  assert.equal(isSidebarViewMessage(message('off', 0.05)), true);
  for (const [emotion, alpha] of [
    ['calm', 0.21],
    ['calm', 0],
    ['calm', -0.1],
    ['calm', Number.NaN],
    ['calm', '0.1'],
    ['joy', 0.1],
    ['__proto__', 0.1],
  ])
    assert.equal(isSidebarViewMessage(message(emotion, alpha)), false, `${String(emotion)} ${String(alpha)}`);
  assert.equal(isSidebarViewMessage({ type: 'steering', steering: null }), false);
});
