// Regression (found by the edit fuzz suite): removed lines starting '--' and added lines
// starting '++' inside a hunk were dropped as if they were file headers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { textsFromDiff } from '../../../src/tamper/classify';

test('hunk lines that look like headers are kept; real header pairs are not', () => {
  const diff = [
    '--- a/q.sql',
    '+++ b/q.sql',
    '@@ -1,2 +1,2 @@',
    '--- old comment',
    ' select 1;',
    '+++i;',
    'diff --git a/b b/b',
    '--- a/b',
    '+++ b/b',
    '@@',
    '-x',
    '+y',
  ].join('\n');
  assert.deepEqual(textsFromDiff(diff), { before: '-- old comment\nselect 1;\nx', after: 'select 1;\n++i;\ny' });
});
