// The stub comes first so the provider's `import 'vscode'` resolves to it.
import { StubUri, StubWebviewView } from '../../support/vscode-stub';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SidebarViewMessage } from '../../../src/contracts/sidebar-protocol';
import { SidebarViewProvider } from '../../../src/extension/sidebar-view';
import { VitalsStore } from '../../../src/extension/state/vitals-store';
import { turn } from './events';
import { DEFAULT_PRESSURE_THRESHOLDS } from '../../../src/tamper/pressure';

function setup() {
  const store = new VitalsStore(
    {
      model: 'org/reader-1b',
      emotionsShown: [],
      smoothingTurns: 3,
      risingSlope: 0.3,
      reference: 'neutral' as const,
      pressure: DEFAULT_PRESSURE_THRESHOLDS,
    },
    { kind: 'unavailable', reason: 'test' },
  );
  const received: SidebarViewMessage[] = [];
  const warnings: string[] = [];
  const log = { warn: (m: string) => warnings.push(m) };
  const provider = new SidebarViewProvider(new StubUri('/ext') as never, store, (m) => received.push(m), log as never);
  const view = new StubWebviewView();
  provider.resolveWebviewView(view as never);
  return { store, provider, view, received, warnings };
}

test('nothing is posted before the webview says ready; then the full state, then every change', () => {
  const { store, view } = setup();
  store.addEvent(turn(1, 'before ready'));
  assert.equal(view.posted.length, 0);
  view.incoming.fire({ type: 'ready' });
  assert.equal(view.posted.length, 1);
  const first = view.posted[0] as { type: string; state: { session: { turns: unknown[] } } };
  assert.equal(first.type, 'state');
  assert.equal(first.state.session.turns.length, 1, 'the turn that arrived before ready is in the first state');
  store.addEvent(turn(2, 'after ready'));
  assert.equal(view.posted.length, 2);
});

test('the HTML loads the bundle by nonce from the extension folder', () => {
  const { view } = setup();
  assert.match(view.webview.html, /<script nonce="[^"]+" src="stub-webview:\/ext\/dist\/webview\.js">/);
  assert.match(view.webview.html, /style-src stub-csp/);
});

test('a rebuilt view waits for its own ready before receiving state', () => {
  const { store, provider, view } = setup();
  view.incoming.fire({ type: 'ready' });
  view.disposed.fire();
  const reopened = new StubWebviewView();
  provider.resolveWebviewView(reopened as never);
  store.addEvent(turn(1, 'while reopening'));
  assert.equal(reopened.posted.length, 0);
  reopened.incoming.fire({ type: 'ready' });
  assert.equal(reopened.posted.length, 1);
});

test('valid messages are passed on; malformed ones are logged and dropped', () => {
  const { view, received, warnings } = setup();
  view.incoming.fire({ type: 'select-turn', turnId: 't1' });
  view.incoming.fire({ type: 'command', command: 'workbench.action.terminal.new' });
  view.incoming.fire(42);
  assert.deepEqual(received, [{ type: 'select-turn', turnId: 't1' }]);
  assert.equal(warnings.length, 2);
});
