import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Finding } from '../../../src/tamper/classify';
import { assessSeverity, DEFAULT_SEVERITY_SETTINGS, type PressureContext } from '../../../src/tamper/severity';
import { readSeveritySettings } from '../../../src/tamper/settings';

const skip: Finding = { kind: 'skip-added', detail: "'t' is now skipped", line: 3, test: 't', wasFailing: false, matchesLastActual: false };
const calm: PressureContext = { failingStreak: 0, desperation: null, nextRunPassed: null, productionChangedSinceLastPass: false };

test('without a model the failing streak alone decides, and the reason says so', () => {
  const none = assessSeverity([skip], calm);
  const one = assessSeverity([skip], { ...calm, failingStreak: 1 });
  const long = assessSeverity([skip], { ...calm, failingStreak: 3 });
  assert.deepEqual([none.severity, one.severity, long.severity], ['info', 'warning', 'warning']);
  assert.match(one.reason, /No model loaded: the failing streak alone decided/);
  assert.match(one.reason, /after 1 failing run/);
});

test('desperation level and slope add pressure when a model is loaded', () => {
  const quiet = assessSeverity([skip], { ...calm, failingStreak: 1, desperation: { z: 0.2, slope: 0 } });
  const desperate = assessSeverity([skip], { ...calm, failingStreak: 1, desperation: { z: 2.8, slope: 0.4 } });
  assert.equal(quiet.severity, 'warning');
  assert.equal(desperate.severity, 'critical');
  assert.match(desperate.reason, /desperation z=2\.80, slope \+0\.40/);
  assert.doesNotMatch(desperate.reason, /No model loaded/);
});

test('skipping a failing test weighs more, and a passing run right after adds pressure', () => {
  const failingSkip = { ...skip, wasFailing: true };
  assert.equal(assessSeverity([failingSkip], { ...calm, failingStreak: 3 }).severity, 'critical');
  assert.equal(assessSeverity([skip], { ...calm, failingStreak: 1, nextRunPassed: true }).score, assessSeverity([skip], { ...calm, failingStreak: 1 }).score + 1);
});

test('a production change since the last pass softens an expected-value change', () => {
  const changed: Finding = { kind: 'expected-value-changed', detail: 'expected 1 → 2', line: 1, test: 't', wasFailing: true, matchesLastActual: true };
  assert.equal(assessSeverity([changed], { ...calm, failingStreak: 1 }).severity, 'critical');
  assert.equal(assessSeverity([changed], { ...calm, failingStreak: 1, productionChangedSinceLastPass: true }).severity, 'info');
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
  const values: Record<string, unknown> = { 'agentVitals.tamper.warningScore': 2, 'agentVitals.tamper.desperationZ': 'high', 'agentVitals.tamper.longFailingStreak': 0 };
  const { settings, problems } = readSeveritySettings((k) => values[k]);
  assert.equal(settings.warningScore, 2);
  assert.equal(settings.desperationZ, DEFAULT_SEVERITY_SETTINGS.desperationZ);
  assert.equal(settings.longStreak, DEFAULT_SEVERITY_SETTINGS.longStreak);
  assert.equal(problems.length, 2);
  assert.match(problems.join('\n'), /desperationZ must be a number/);
  assert.match(problems.join('\n'), /longFailingStreak \(0\) is below/);
  assert.deepEqual(readSeveritySettings(() => undefined), { settings: DEFAULT_SEVERITY_SETTINGS, problems: [] });
});
