import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applySed } from '../../../src/guard/shell-edits';
import { shellCommands, simpleCommands } from '../../../src/testruns/shell-words';

test('the shell reader keeps redirection targets and here-document bodies apart from the words', () => {
  const [cat, ls] = shellCommands(
    "cat > tests/test_a.py <<'EOF'\ndef test_a():\n    assert True\nEOF\nls >> log.txt 2>&1 < in.txt",
  );
  assert.deepEqual(cat, {
    argv: ['cat'],
    writes: [{ path: 'tests/test_a.py', append: false }],
    heredoc: 'def test_a():\n    assert True\n',
  });
  assert.deepEqual(ls, { argv: ['ls'], writes: [{ path: 'log.txt', append: true }], heredoc: null });
  assert.deepEqual(shellCommands('echo hi &> out.txt')[0]!.writes, [{ path: 'out.txt', append: false }]);
  assert.deepEqual(simpleCommands('go test ./... >out.txt 2>/dev/null || true'), [['go', 'test', './...'], ['true']]);
});

test('sed s/// and /re/d scripts are applied the way sed would, BRE and ERE', () => {
  assert.equal(
    applySed('s/== -3/== -2/', 'assert f() == -3\nassert g() == -3\n', false),
    'assert f() == -2\nassert g() == -2\n',
  );
  assert.equal(applySed('s/\\(add\\)(1)/\\1(2)/g', 'x = add(1) + add(1)\n', false), 'x = add(2) + add(2)\n');
  assert.equal(applySed('s/(add)\\(1\\)/\\1[&]/', 'add(1)\n', true), 'add[add(1)]\n');
  assert.equal(applySed('/assert/d', 'def t():\n    assert x\n    pass\n', false), 'def t():\n    pass\n');
  assert.equal(applySed('s|a|b|;s|b|c|', 'a\n', false), 'c\n');
  assert.equal(applySed('1,3d', 'a\n', false), null, 'an address range cannot be read before it runs');
  assert.equal(applySed('y/ab/ba/', 'a\n', false), null);
});
