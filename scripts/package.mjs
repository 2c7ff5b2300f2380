// Packages the extension as platform-specific .vsix files: production bundles, the three runtime
// packages (see .vscodeignore) and only the target's onnxruntime binaries. One target per run:
// this machine's, or --target <t>; --all packages every target onnxruntime-node ships binaries for.
// --skip-build packages the bundles already in dist/ (the e2e tests do, right after a build);
// --list prints the files the package would hold instead of writing it; --out <file> names the
// .vsix (parallel e2e runs each write their own); --out-dir <dir> is where the named .vsix files
// go (default dist/).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);

// onnxruntime-node ships bin/napi-v6/<os>/<arch> for each platform it supports (no darwin/x64 in
// 1.30: Intel Macs have no build), plus CUDA / TensorRT providers on Linux when downloaded.
const ortBin = 'node_modules/onnxruntime-node/bin/napi-v6';
const platforms = readdirSync(ortBin).flatMap((os) => readdirSync(join(ortBin, os)).map((arch) => `${os}-${arch}`));

const targets = args.includes('--all') ? platforms : [option('--target') ?? `${process.platform}-${process.arch}`];
for (const t of targets)
  if (!platforms.includes(t))
    throw new Error(`onnxruntime-node has no binaries for ${t} (it has ${platforms.join(', ')})`);
if (targets.length > 1 && (option('--out') || args.includes('--list')))
  throw new Error('--out and --list take one target');

if (!args.includes('--skip-build')) {
  execFileSync(process.execPath, ['scripts/build.mjs', '--production'], { stdio: 'inherit' });
}

// Files in the target's folder that the CPU runtime never loads: GPU providers (CUDA/TensorRT on
// Linux when downloaded); DirectML.dll, which onnxruntime.dll only delay-loads (with d3d12/dxgi)
// for the DirectML provider, and the shader compilers that provider and WebGPU open by name; and
// macOS's versioned copy of the runtime (the binding links @rpath/libonnxruntime.1.dylib).
const GPU_OR_DUPLICATE =
  /providers_(cuda|tensorrt|shared)|^(DirectML|dxcompiler|dxil)\.dll$|^libonnxruntime\.\d+\.\d+\.\d+\.dylib$/;

/** Ignore lines for everything under bin/ but the target's CPU runtime. */
function unloadedBinaries(target) {
  return platforms.flatMap((p) => {
    const dir = join(ortBin, ...p.split('-'));
    if (p !== target) return [`${dir}/**`];
    return readdirSync(dir)
      .filter((f) => GPU_OR_DUPLICATE.test(f))
      .map((f) => join(dir, f));
  });
}

const { name, version } = JSON.parse(readFileSync('package.json', 'utf8'));
const vsce = ['node_modules/@vscode/vsce/vsce'];
mkdirSync('.cache', { recursive: true });
for (const target of targets) {
  // One ignore file per run: parallel runs must not read each other's half-written file.
  const ignoreFile = `.cache/vscodeignore-${target}-${process.pid}`;
  writeFileSync(ignoreFile, `${readFileSync('.vscodeignore', 'utf8')}\n${unloadedBinaries(target).join('\n')}\n`);
  try {
    if (args.includes('--list')) {
      execFileSync(process.execPath, [...vsce, 'ls', '--ignoreFile', ignoreFile], {
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      continue;
    }
    const out = option('--out') ?? join(option('--out-dir') ?? 'dist', `${name}-${target}-${version}.vsix`);
    // No repository URL exists to rewrite the README's relative image links against, so the
    // screenshots ship inside the package and the links stay relative to it.
    execFileSync(
      process.execPath,
      [
        ...vsce,
        'package',
        '--target',
        target,
        '--ignoreFile',
        ignoreFile,
        '--allow-missing-repository',
        '--no-rewrite-relative-links',
        '--out',
        out,
      ],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    );
    console.log(`${out}: ${(statSync(out).size / 1024 / 1024).toFixed(1)} MB`);
  } finally {
    rmSync(ignoreFile);
  }
}
