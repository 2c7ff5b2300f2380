import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { readZip, type ZipEntry } from './zip';

// `npm run package` on the bundles `npm test` just built: one .vsix per platform onnxruntime-node
// 1.30 ships binaries for (Intel macOS has none).
const { name, version } = JSON.parse(readFileSync('package.json', 'utf8')) as { name: string; version: string };
const outDir = mkdtempSync(join(tmpdir(), 'av-vsix-'));
execFileSync(process.execPath, ['scripts/package.mjs', '--all', '--skip-build', '--out-dir', outDir], {
  stdio: 'pipe',
});
test.after(() => rmSync(outDir, { recursive: true, force: true }));

// Each target's CPU runtime: the binding and the one library it links. Budgets are the .vsix size
// with ~10% headroom over 0.1.0's.
const TARGETS: Record<string, { natives: string[]; budgetMB: number }> = {
  'linux-x64': { natives: ['libonnxruntime.so.1', 'onnxruntime_binding.node'], budgetMB: 28 },
  'linux-arm64': { natives: ['libonnxruntime.so.1', 'onnxruntime_binding.node'], budgetMB: 20 },
  'darwin-arm64': { natives: ['libonnxruntime.1.dylib', 'onnxruntime_binding.node'], budgetMB: 23 },
  'win32-x64': { natives: ['onnxruntime.dll', 'onnxruntime_binding.node'], budgetMB: 20 },
  'win32-arm64': { natives: ['onnxruntime.dll', 'onnxruntime_binding.node'], budgetMB: 20 },
};
const vsix = (target: string) => join(outDir, `${name}-${target}-${version}.vsix`);
const host = `${process.platform}-${process.arch}`;

for (const [target, { natives, budgetMB }] of Object.entries(TARGETS)) {
  test(`${target}: only its own CPU runtime, within ${budgetMB} MB`, () => {
    const entries = readZip(vsix(target));
    const names = entries.map((e) => e.name);
    const [os, arch] = target.split('-');
    const native = names.filter((n) => /\.(node|so(\.\d+)*|dll|dylib)$/.test(n));
    assert.deepEqual(
      native.sort(),
      natives.map((f) => `extension/node_modules/onnxruntime-node/bin/napi-v6/${os}/${arch}/${f}`).sort(),
    );
    const manifest = entries
      .find((e) => e.name === 'extension.vsixmanifest')!
      .read()
      .toString('utf8');
    assert.match(manifest, new RegExp(`TargetPlatform="${target}"`));
    const mb = statSync(vsix(target)).size / 1024 / 1024;
    assert.ok(mb <= budgetMB, `${target}: ${mb.toFixed(1)} MB over its ${budgetMB} MB budget`);
  });
}

test('node_modules holds only the runtime packages, without sources or install-time scripts', () => {
  const names = readZip(vsix('linux-x64')).map((e) => e.name);
  const packages = new Set(names.filter((n) => n.startsWith('extension/node_modules/')).map((n) => n.split('/')[2]));
  assert.deepEqual([...packages].sort(), ['onnxruntime-common', 'onnxruntime-node', 'typescript']);
  assert.deepEqual(
    names.filter((n) => n.startsWith('extension/node_modules/') && /\.(ts|cc|h|cpp)$/.test(n)),
    [],
  );
  assert.deepEqual(
    names.filter((n) => n.includes('/onnxruntime-node/script/')),
    [],
  );
});

test('the listing page has its licence, icon, changelog and every README image', () => {
  const entries = readZip(vsix('linux-x64'));
  const names = entries.map((e) => e.name);
  for (const f of [
    'extension/LICENSE.txt',
    'extension/media/icon.png',
    'extension/changelog.md',
    'extension/readme.md',
  ]) {
    assert.ok(names.includes(f), `${f} missing`);
  }
  const readme = entries
    .find((e) => e.name === 'extension/readme.md')!
    .read()
    .toString('utf8');
  const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)/g)].map((m) => m[1]).filter((src) => !/^\w+:/.test(src));
  assert.ok(images.length > 0, 'the README shows images');
  for (const src of images)
    assert.ok(names.includes(`extension/${src.replace(/^\.\//, '')}`), `${src} not in the package`);
});

test(
  "the CLI runs from the unpacked host package's own files",
  { skip: !(host in TARGETS) && `no package for ${host}` },
  () => {
    const root = join(outDir, 'unpacked');
    for (const entry of readZip(vsix(host)) as ZipEntry[]) {
      const path = join(root, entry.name);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, entry.read());
    }
    const cli = join(root, 'extension/dist/cli.js');
    chmodSync(cli, 0o755);
    // Outside the checkout, so nothing resolves from the repository's node_modules.
    const run = (...args: string[]) =>
      execFileSync(process.execPath, [cli, ...args], {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, NODE_PATH: '' },
      });
    assert.equal(run('--version').trim(), `agent-vitals ${version}`);
    const out = run(
      'score',
      '--model',
      'fixture:emotion-tiny',
      '--text',
      'I am running out of options and the tests still fail.',
      '--json',
    );
    // The tokenizer (bundled transformers.js) and the native runtime both worked: tokens with z-scores.
    const scored = JSON.parse(out) as { model: string; tokens: { text: string; z: Record<string, number> }[] };
    assert.equal(scored.model, 'fixture:emotion-tiny');
    assert.ok(scored.tokens.length > 5, out);
    assert.ok(
      scored.tokens.every((t) => Number.isFinite(t.z.desperate)),
      out,
    );
  },
);
