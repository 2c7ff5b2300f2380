import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ageOf } from '../../../webview/time';

const NOW = Date.UTC(2026, 10, 24, 14, 0, 0);
const before = (seconds: number) => new Date(NOW - seconds * 1000).toISOString();

test("a flag's age reads in its largest whole unit", () => {
  assert.equal(ageOf(before(20), NOW), 'just now');
  assert.equal(ageOf(before(5 * 60 + 59), NOW), '5 min ago');
  assert.equal(ageOf(before(3 * 3600 + 10), NOW), '3 h ago');
  assert.equal(ageOf(before(86_400), NOW), '1 day ago');
  assert.equal(ageOf(before(9 * 86_400), NOW), '9 days ago');
  assert.equal(ageOf('not a time', NOW), '');
});
