import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

// The guard runs as a fresh process on every tool call; loading the TypeScript compiler is most
// of its start-up, so it must load only when a JS/TS test file is classified.
test('classifying a Python edit does not load the TypeScript compiler; a JS edit does', () => {
  const classify = join(__dirname, '..', '..', '..', 'src', 'tamper', 'classify.ts');
  const script = `
    const { classifyEdit, EMPTY_CONTEXT } = require(${JSON.stringify(classify)});
    const loaded = () => Object.keys(require.cache).some((p) => /[\\\\/]node_modules[\\\\/]typescript[\\\\/]/.test(p));
    const py = classifyEdit({ path: '/w/tests/test_a.py', op: 'update', before: 'def test_a():\\n    assert 1\\n', after: '' }, EMPTY_CONTEXT);
    const afterPython = loaded();
    const js = classifyEdit({ path: '/w/a.test.js', op: 'update', before: "it('a', () => {});\\n", after: "it.only('a', () => {});\\n" }, EMPTY_CONTEXT);
    console.log(JSON.stringify({ afterPython, afterJs: loaded(), kinds: [py.kinds, js.kinds] }));
  `;
  const out = JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8' })) as {
    afterPython: boolean;
    afterJs: boolean;
    kinds: string[][];
  };
  assert.deepEqual(out.kinds, [['test-deleted'], ['focus-added']]);
  assert.equal(out.afterPython, false);
  assert.equal(out.afterJs, true);
});
