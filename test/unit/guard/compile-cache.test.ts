import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CACHE = join(__dirname, '..', '..', '..', 'src', 'guard', 'compile-cache.ts');

function load(dir: string, cacheDir: string): unknown {
  const script = `
    const { useCodeCache } = require(${JSON.stringify(CACHE)});
    useCodeCache((f) => f.endsWith('big.js'), ${JSON.stringify(cacheDir)});
    const m = require(${JSON.stringify(join(dir, 'big.js'))});
    console.log(JSON.stringify({ value: m.value(), dir: m.dir }));
  `;
  return JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8' }));
}

test('a module loaded through the code cache works the same, leaves a cache behind, and survives a damaged cache', () => {
  const dir = mkdtempSync(join(tmpdir(), 'av-cc-'));
  const cacheDir = join(dir, 'cache');
  writeFileSync(
    join(dir, 'big.js'),
    "const path = require('node:path');\nexports.value = () => [1, 2, 3].map((x) => x * 2).join(',');\nexports.dir = path.basename(__dirname);\n",
  );
  const expected = { value: '2,4,6', dir: dir.split(/[\\/]/).pop() };
  assert.deepEqual(load(dir, cacheDir), expected);
  const [file] = readdirSync(cacheDir);
  assert.match(file!, /^big-[0-9a-f]{16}\.v8$/);
  assert.ok(readFileSync(join(cacheDir, file!)).length > 0);
  assert.deepEqual(load(dir, cacheDir), expected);
  writeFileSync(join(cacheDir, file!), 'not a code cache');
  assert.deepEqual(load(dir, cacheDir), expected);
  assert.notEqual(readFileSync(join(cacheDir, file!), 'utf8'), 'not a code cache', 'a rejected cache is rebuilt');
});
