import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hookCommandFor, writeLauncher } from '../../../src/extension/guard/stable-hook';

test('the launcher keeps one path across versions and runs whichever hook bundle the running version has', () => {
  const dir = mkdtempSync(join(tmpdir(), 'guard-launcher-'));
  const v1 = join(dir, 'ext-1.0.0-hook.js');
  const v2 = join(dir, 'ext-1.1.0-hook.js');
  writeFileSync(v1, "process.stdout.write('v1 ' + process.argv[2]);");
  writeFileSync(v2, "process.stdout.write('v2 ' + process.argv[2]);");
  const storage = join(dir, 'storage');
  const first = writeLauncher(storage, v1);
  assert.equal(execFileSync('node', [first, 'claude-code'], { encoding: 'utf8' }), 'v1 claude-code');
  const second = writeLauncher(storage, v2);
  assert.equal(second, first);
  assert.equal(execFileSync('node', [second, 'codex'], { encoding: 'utf8' }), 'v2 codex');
  assert.equal(hookCommandFor(second, 'codex'), `node ${JSON.stringify(second)} codex`);
});

test('with the extension gone the launcher lets the call through: exit 0, a line on stderr', () => {
  const dir = mkdtempSync(join(tmpdir(), 'guard-launcher-'));
  const launcher = writeLauncher(dir, join(dir, 'removed', 'hook.js'));
  const out = execFileSync('node', [launcher, 'claude-code'], { encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
  assert.equal(out, '');
  assert.match(readFileSync(launcher, 'utf8'), /removed/);
});
