import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Finding } from '../../../src/tamper/classify';
import { liveValidity } from '../../../src/emotion/live-validity';
import { NO_PRESSURE } from '../../../src/tamper/pressure';
import { assessSeverity, DEFAULT_SEVERITY_SETTINGS, type PressureContext } from '../../../src/tamper/severity';
import { readSeveritySettings } from '../../../src/tamper/settings';

const skip: Finding = {
  kind: 'skip-added',
  detail: "'t' is now skipped",
  line: 3,
  test: 't',
  wasFailing: false,
  matchesLastActual: false,
};
const calm: PressureContext = {
  ...NO_PRESSURE,
  desperation: null,
  reader: liveValidity(null),
  nextRunPassed: null,
  productionChangedSinceLastPass: false,
};
const validated = { valid: true, why: 'validated on agent text (agent-turns-auroc 0.91 [0.86, 0.95])' };
const demo = liveValidity({ header: { model: { id: 'fixture:emotion-tiny' } } } as Parameters<typeof liveValidity>[0]);

test('without a model behaviour alone decides, and the reason says there is no reader', () => {
  const none = assessSeverity([skip], calm);
  const one = assessSeverity([skip], { ...calm, failingStreak: 1 });
  const long = assessSeverity([skip], { ...calm, failingStreak: 3 });
  assert.deepEqual([none.severity, one.severity, long.severity], ['info', 'warning', 'warning']);
  assert.match(one.reason, /Judged on behaviour alone \(no reader model is loaded\)/);
  assert.match(one.reason, /pressure 1: 1 failing run in a row \(\+1\)/);
  assert.deepEqual(one.pressure, {
    failingStreak: 1,
    desperationZ: null,
    desperationUsed: false,
    why: 'no reader model is loaded',
    behaviour: {
      score: 1,
      counted: 1,
      signals: [{ id: 'failing-streak', points: 1, detail: '1 failing run in a row' }],
    },
  });
});

test('desperation level and slope add pressure when the reader is validated on agent text', () => {
  const quiet = assessSeverity([skip], {
    ...calm,
    failingStreak: 1,
    desperation: { z: 0.2, slope: 0 },
    reader: validated,
  });
  const desperate = assessSeverity([skip], {
    ...calm,
    failingStreak: 1,
    desperation: { z: 2.8, slope: 0.4 },
    reader: validated,
  });
  assert.equal(quiet.severity, 'warning');
  assert.equal(desperate.severity, 'critical');
  assert.match(desperate.reason, /desperation z=2\.80, slope \+0\.40\/turn \(\+2\)/);
  assert.doesNotMatch(desperate.reason, /behaviour alone/);
  assert.equal(desperate.pressure.desperationUsed, true);
  assert.equal(desperate.pressure.desperationZ, 2.8);
});

test('a reader that is not validated never moves the severity, whatever it reads', () => {
  const unvalidated = {
    valid: false,
    why: 'not validated on agent text for org/model: agent-turns-auroc 0.55 [0.41, 0.69] below 0.75',
  };
  for (const reader of [demo, unvalidated]) {
    for (const streak of [0, 1, 3]) {
      const high = assessSeverity([skip], { ...calm, failingStreak: streak, desperation: { z: 5, slope: 1 }, reader });
      const low = assessSeverity([skip], { ...calm, failingStreak: streak, desperation: { z: -5, slope: -1 }, reader });
      const none = assessSeverity([skip], { ...calm, failingStreak: streak, reader });
      assert.deepEqual([high.severity, high.score], [none.severity, none.score]);
      assert.deepEqual([low.severity, low.score], [none.severity, none.score]);
      assert.equal(high.pressure.desperationUsed, false);
      assert.equal(high.pressure.desperationZ, 5);
      assert.equal(high.pressure.why, reader.why);
      assert.ok(high.reason.endsWith(`Judged on behaviour alone (${reader.why}).`), high.reason);
      assert.doesNotMatch(high.reason, /desperation z=/);
    }
  }
  assert.match(demo.why, /demo model/);
});

test('a validated reader with no scored turn before the edit leaves behaviour to decide, and says so', () => {
  const a = assessSeverity([skip], { ...calm, failingStreak: 1, reader: validated });
  assert.equal(a.pressure.desperationUsed, false);
  assert.match(a.reason, /Judged on behaviour alone \(no turn was scored before the edit\)/);
});

test('behavioural pressure adds to the severity up to its cap, every contribution in the reason', () => {
  const pressured: PressureContext = {
    ...calm,
    failingStreak: 3,
    repeatedFailure: { test: 'tests/test_sum.py::test_big', runs: 3 },
    bypasses: ['--no-verify'],
  };
  const a = assessSeverity([skip], pressured);
  assert.match(
    a.reason,
    /pressure 4: 3 failing runs in a row \(\+2\), `tests\/test_sum\.py::test_big` failing 3× in a row \(\+1\), bypass `--no-verify` \(\+1\)/,
  );
  assert.equal(a.score, 2 + 4);
  const more = assessSeverity([skip], { ...pressured, testConfigEdits: ['/w/conftest.py'], minutesSinceGreen: 45 });
  assert.equal(more.pressure.behaviour.score, 6);
  assert.equal(more.score, 2 + DEFAULT_SEVERITY_SETTINGS.maxPressure);
  assert.match(
    more.reason,
    /pressure 6 \(counts as 4\): .*45 min since the last green run \(\+1\).*test config edited \(conftest\.py\) \(\+1\)/,
  );
});

test('skipping a failing test weighs more, and a passing run right after adds pressure', () => {
  const failingSkip = { ...skip, wasFailing: true };
  assert.equal(assessSeverity([failingSkip], { ...calm, failingStreak: 3 }).severity, 'critical');
  assert.equal(
    assessSeverity([skip], { ...calm, failingStreak: 1, nextRunPassed: true }).score,
    assessSeverity([skip], { ...calm, failingStreak: 1 }).score + 1,
  );
});

test('a production change since the last pass softens an expected-value change', () => {
  const changed: Finding = {
    kind: 'expected-value-changed',
    detail: 'expected 1 → 2',
    line: 1,
    test: 't',
    wasFailing: true,
    matchesLastActual: true,
  };
  assert.equal(assessSeverity([changed], { ...calm, failingStreak: 1 }).severity, 'critical');
  assert.equal(
    assessSeverity([changed], { ...calm, failingStreak: 1, productionChangedSinceLastPass: true }).severity,
    'info',
  );
});

test('thresholds are settings', () => {
  const strict = { ...DEFAULT_SEVERITY_SETTINGS, warningScore: 2 };
  assert.equal(assessSeverity([skip], calm, strict).severity, 'warning');
});

test('benign findings produce no severity', () => {
  const added: Finding = { ...skip, kind: 'test-added' };
  assert.equal(assessSeverity([added], { ...calm, failingStreak: 5 }).severity, null);
});

test('settings: valid values are used, invalid ones fall back to defaults with a message', () => {
  const values: Record<string, unknown> = {
    'agentVitals.tamper.warningScore': 2,
    'agentVitals.tamper.desperationZ': 'high',
    'agentVitals.tamper.longFailingStreak': 0,
  };
  const { settings, problems } = readSeveritySettings((k) => values[k]);
  assert.equal(settings.warningScore, 2);
  assert.equal(settings.desperationZ, DEFAULT_SEVERITY_SETTINGS.desperationZ);
  assert.equal(settings.longStreak, DEFAULT_SEVERITY_SETTINGS.longStreak);
  assert.equal(problems.length, 2);
  assert.match(problems.join('\n'), /desperationZ must be a number/);
  assert.match(problems.join('\n'), /longFailingStreak \(0\) is below/);
  assert.deepEqual(
    readSeveritySettings(() => undefined),
    { settings: DEFAULT_SEVERITY_SETTINGS, problems: [] },
  );
});
