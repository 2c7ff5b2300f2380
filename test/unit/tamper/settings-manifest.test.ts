import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DEFAULT_SEVERITY_SETTINGS } from '../../../src/tamper/severity';
import { SEVERITY_SETTING_KEYS } from '../../../src/tamper/settings';
import { DEFAULT_READING_REFERENCE } from '../../../src/emotion/session-baseline';

test('every tamper threshold is declared in the manifest with the code default', () => {
  const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as {
    contributes: { configuration: { properties: Record<string, { default: unknown }> }[] };
  };
  const declared = Object.assign({}, ...manifest.contributes.configuration.map((c) => c.properties)) as Record<
    string,
    { default: unknown }
  >;
  for (const [field, key] of Object.entries(SEVERITY_SETTING_KEYS) as [
    keyof typeof DEFAULT_SEVERITY_SETTINGS,
    string,
  ][]) {
    assert.ok(declared[key], `${key} is not declared`);
    assert.equal(declared[key].default, DEFAULT_SEVERITY_SETTINGS[field], key);
  }
});

test('the reading reference is declared with the code default and both choices', () => {
  const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as {
    contributes: { configuration: { properties: Record<string, { default: unknown; enum?: string[] }> }[] };
  };
  const declared = Object.assign({}, ...manifest.contributes.configuration.map((c) => c.properties)) as Record<
    string,
    { default: unknown; enum?: string[] }
  >;
  const reference = declared['agentVitals.reading.reference'];
  assert.ok(reference);
  assert.equal(reference.default, DEFAULT_READING_REFERENCE);
  assert.deepEqual(reference.enum, ['neutral', 'session']);
});
