// Packages the extension as a platform-specific .vsix for this machine (or --target <t>):
// production bundles, runtime dependencies, and only that platform's onnxruntime binaries.
// --skip-build packages the bundles already in dist/ (the e2e tests do, right after a build);
// --list prints the files the package would hold instead of writing it; --out <file> names the
// .vsix (parallel e2e runs each write their own).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const targetArg = args.indexOf('--target');
const target = targetArg >= 0 ? args[targetArg + 1] : `${process.platform}-${process.arch}`;
const [targetOs, targetArch] = target.split('-');

if (!args.includes('--skip-build')) {
  execFileSync(process.execPath, ['scripts/build.mjs', '--production'], { stdio: 'inherit' });
}

// onnxruntime-node ships every platform's binaries (and CUDA / TensorRT providers on Linux);
// keep the target's CPU runtime only.
const ortBin = 'node_modules/onnxruntime-node/bin';
const prune = [];
for (const napi of readdirSync(ortBin)) {
  for (const os of readdirSync(join(ortBin, napi))) {
    for (const arch of readdirSync(join(ortBin, napi, os))) {
      const dir = join(ortBin, napi, os, arch);
      if (os !== targetOs || arch !== targetArch) prune.push(`${dir}/**`);
      else for (const f of readdirSync(dir)) if (/providers_(cuda|tensorrt)/.test(f)) prune.push(join(dir, f));
    }
  }
}
mkdirSync('.cache', { recursive: true });
const outArg = args.indexOf('--out');
const { name, version } = JSON.parse(readFileSync('package.json', 'utf8'));
const out = outArg >= 0 ? args[outArg + 1] : `dist/${name}-${target}-${version}.vsix`;
// One ignore file per run: parallel runs must not read each other's half-written file.
const ignoreFile = `.cache/vscodeignore-${target}-${process.pid}`;
writeFileSync(ignoreFile, `${readFileSync('.vscodeignore', 'utf8')}\n${prune.join('\n')}\n`);

const vsce = ['node_modules/@vscode/vsce/vsce'];
if (args.includes('--list')) {
  execFileSync(process.execPath, [...vsce, 'ls', '--ignoreFile', ignoreFile], { stdio: ['ignore', 'inherit', 'inherit'] });
  rmSync(ignoreFile);
  process.exit(0);
}

// The README's images are relative to the repository, which has no public URL to rewrite them
// against; they are kept as they are.
execFileSync(
  process.execPath,
  [...vsce, 'package', '--target', target, '--ignoreFile', ignoreFile,
    '--allow-missing-repository', '--no-rewrite-relative-links', '--skip-license', '--out', out],
  { stdio: ['ignore', 'inherit', 'inherit'] },
);
rmSync(ignoreFile);
const mb = statSync(out).size / 1024 / 1024;
console.log(`${out}: ${mb.toFixed(1)} MB`);
