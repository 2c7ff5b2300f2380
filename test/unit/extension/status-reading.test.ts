import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statusReading } from '../../../src/extension/state/status-reading';
import { escapeMarkdown } from '../../../src/extension/markdown-text';
import { VitalsStore } from '../../../src/extension/state/vitals-store';
import { flag, scored, testRun, turn } from './events';
import { liveValidity } from '../../../src/emotion/live-validity';
import type { ScoringStatus } from '../../../src/contracts/sidebar-protocol';
import { DEFAULT_PRESSURE_THRESHOLDS } from '../../../src/tamper/pressure';

const NOW = Date.UTC(2026, 10, 24, 14, 1, 0);
const make = (scoring: ScoringStatus = { kind: 'unavailable', reason: 'no sidecar here' }) =>
  new VitalsStore(
    {
      model: 'org/reader-1b',
      emotionsShown: [],
      smoothingTurns: 1,
      risingSlope: 0.3,
      reference: 'neutral' as const,
      pressure: DEFAULT_PRESSURE_THRESHOLDS,
    },
    scoring,
    () => NOW,
  );
const t = { desperationWarning: 1.5, pressureWarning: 4 };
const validated: ScoringStatus = {
  kind: 'ready',
  modelId: 'org/reader-1b',
  layer: 12,
  demo: false,
  live: { valid: true, why: 'validated on agent text (agent-turns-auroc 0.91)' },
};
const demo: ScoringStatus = {
  kind: 'ready',
  modelId: 'fixture:emotion-tiny',
  layer: 3,
  demo: true,
  live: liveValidity({ header: { model: { id: 'fixture:emotion-tiny' } } } as Parameters<typeof liveValidity>[0]),
};

test('without a session the item says so and keeps the default background', () => {
  const r = statusReading(make().snapshot(), t);
  assert.equal(r.text, '$(pulse) no agent');
  assert.equal(r.background, 'none');
});

test('unscored sessions say unscored and explain why in the tooltip', () => {
  const store = make(validated);
  store.setScoring({ kind: 'failed', reason: 'no sidecar here' });
  store.addEvent(turn(1, 'Running | the tests'));
  store.addEvent(testRun(2, 1, 2));
  const r = statusReading(store.snapshot(), t);
  assert.equal(
    r.text,
    '$(pulse) pressure 1 rising',
    'without a reader the item shows behavioural pressure, rising while runs fail',
  );
  assert.match(r.tooltip, /no sidecar here/);
  assert.match(r.tooltip, /Behavioural pressure 1: 1 failing run in a row \(\+1\)/);
  assert.match(r.tooltip, /Running \\\| the tests/, 'table cells are escaped');
  assert.match(r.tooltip, /1 passed, 2 failed/);
});

test('calm while desperation stays under the threshold', () => {
  const store = make(validated);
  store.addEvent(turn(1, 'a'));
  store.setTurnScore('claude-code:s1', 't1', scored(0.4, 1.2));
  assert.equal(statusReading(store.snapshot(), t).text, '$(pulse) calm');
});

test('rising desperation during failing runs turns the item to warning with the value and arrow', () => {
  const store = make(validated);
  [0.3, 1.0, 1.5, 2.1].forEach((d, i) => {
    store.addEvent(turn(i + 1, `turn ${i}`));
    store.setTurnScore('claude-code:s1', `t${i + 1}`, scored(d, 0));
  });
  store.addEvent(testRun(9, 2, 1));
  const r = statusReading(store.snapshot(), t);
  assert.equal(r.text, '$(warning) desperation 2.1σ rising');
  assert.equal(r.background, 'warning');
});

test('the same desperation with passing tests shows the value but no warning', () => {
  const store = make(validated);
  store.addEvent(turn(1, 'a'));
  store.addEvent(testRun(2, 3, 0));
  store.setTurnScore('claude-code:s1', 't1', scored(2.1, 0));
  const r = statusReading(store.snapshot(), t);
  assert.equal(r.background, 'none');
  assert.match(r.text, /desperation 2\.1σ/);
});

test('open flags: warning background for a warning flag, error for a critical one; resolved flags do not count', () => {
  const store = make();
  store.addEvent(turn(1, 'a'));
  store.setFlag(flag('f1', 'warning', 2));
  assert.equal(statusReading(store.snapshot(), t).background, 'warning');
  assert.match(statusReading(store.snapshot(), t).text, /1 flag$/);
  store.setFlag(flag('f2', 'critical', 3));
  assert.equal(statusReading(store.snapshot(), t).background, 'error');
  assert.equal(
    statusReading(store.snapshot(), t).text,
    '$(error) 2 flags',
    'a calm reading never stands beside the error colour',
  );
  store.setFlag(flag('f2', 'critical', 3), 'dismissed');
  store.setFlag(flag('f1', 'warning', 2), 'legitimate');
  assert.equal(statusReading(store.snapshot(), t).background, 'none');
});

test('with the demo model the colour and the text do not depend on desperation, and the tooltip says the reading drives nothing', () => {
  const at = (z: number) => {
    const store = make(demo);
    [1, 2, 3, 4].forEach((i) => {
      store.addEvent(turn(i, `turn ${i}`));
      store.setTurnScore('claude-code:s1', `t${i}`, scored(z * (i / 4), -z));
    });
    store.addEvent(testRun(9, 2, 1));
    return statusReading(store.snapshot(), t);
  };
  const [high, low] = [at(5), at(-5)];
  assert.equal(high.background, 'none');
  assert.equal(high.background, low.background);
  assert.equal(high.text, low.text);
  assert.equal(high.text, '$(pulse) pressure 1 rising');
  assert.match(high.tooltip, /Desperation 5\.00σ/, 'the reading is still shown');
  assert.match(high.tooltip, /Shown only, drives nothing: the demo model is illustrative only/);
});

/** Three failing runs of one test and a `--no-verify` commit: pressure 4, the warning threshold. */
function raisePressureToFour(store: VitalsStore): void {
  for (let i = 0; i < 3; i++) store.addEvent({ ...testRun(2 + i, 1, 1), failingIds: ['test/a.test.js > adds'] });
  store.addEvent({
    type: 'tool-call',
    source: 'claude-code',
    sessionId: 's1',
    seq: 6,
    ts: new Date(NOW).toISOString(),
    callId: 'c',
    rawName: 'Bash',
    kind: 'shell',
    input: {},
    command: 'git commit -am wip --no-verify',
    status: 'succeeded',
    exitCodeSource: 'none',
  });
}

test('behavioural pressure turns the item to warning with no model at all', () => {
  const store = make();
  store.addEvent(turn(1, 'a'));
  raisePressureToFour(store);
  const r = statusReading(store.snapshot(), t);
  assert.equal(r.background, 'warning');
  assert.equal(r.text, '$(warning) pressure 4 rising');
  assert.match(
    r.tooltip,
    /Behavioural pressure 4: 3 failing runs in a row \(\+2\), `test\/a\.test\.js > adds` failing 3× in a row \(\+1\), bypass `--no-verify` \(\+1\)/,
  );
});

test('every scoring state without a reader follows the same rule: no agent, pressure, flags; the tooltip names the state', () => {
  const states: [ScoringStatus, RegExp][] = [
    [{ kind: 'unavailable', reason: 'the sidecar cannot start here' }, /Not scored: the sidecar cannot start here/],
    [{ kind: 'no-model', modelId: 'org/reader-1b', sizeLabel: '512 MB' }, /Not scored: no model yet/],
    [{ kind: 'downloading', modelId: 'org/reader-1b', received: 1, total: 2 }, /Not scored: downloading the model/],
    [{ kind: 'uncalibrated', modelId: 'org/reader-1b' }, /Not scored: the model needs calibrating/],
    [{ kind: 'calibrating', modelId: 'org/reader-1b', done: 140, total: 400 }, /Not scored: calibrating/],
    [{ kind: 'starting', modelId: 'org/reader-1b' }, /Not scored: starting the sidecar/],
    [
      { kind: 'failed', reason: 'the sidecar exited 3 times in 2 minutes' },
      /Not scored: the sidecar exited 3 times in 2 minutes/,
    ],
  ];
  for (const [scoring, why] of states) {
    const store = make(scoring);
    const look = () => {
      const r = statusReading(store.snapshot(), t);
      return [r.text, r.background];
    };
    assert.deepEqual(look(), ['$(pulse) no agent', 'none'], scoring.kind);
    store.addEvent(turn(1, 'a'));
    assert.deepEqual(look(), ['$(pulse) no pressure', 'none'], scoring.kind);
    assert.match(statusReading(store.snapshot(), t).tooltip, why);
    raisePressureToFour(store);
    assert.deepEqual(look(), ['$(warning) pressure 4 rising', 'warning'], `${scoring.kind}: pressure needs no model`);
    store.setFlag(flag('f1', 'critical', 7));
    assert.deepEqual(look(), ['$(error) 1 flag · pressure 4 rising', 'error'], scoring.kind);
  }
});

test('while telemetry is exported the item shows a cloud and the tooltip says where data goes', () => {
  const store = make();
  const where =
    'Telemetry export: http/protobuf to http://collector:4318 (logs /v1/logs, metrics /v1/metrics; no text)';
  const on = statusReading(store.snapshot(), t, where);
  assert.match(on.text, / \$\(cloud-upload\)$/);
  // Escaped: an endpoint comes from settings and must not become a link or markup.
  assert.ok(on.tooltip.endsWith(`$(cloud-upload) ${escapeMarkdown(where)}`));
  const off = statusReading(store.snapshot(), t, null);
  assert.doesNotMatch(off.text, /cloud/);
  assert.doesNotMatch(off.tooltip, /Telemetry/);
});
