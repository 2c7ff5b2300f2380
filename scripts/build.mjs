// Builds the bundles: extension host, sidebar and experiment webviews, model sidecar, CLI, and the
// guard hook (dist/hook.js: the hook alone, so each tool call an agent makes loads only that).
import { build, context } from 'esbuild';
import { chmodSync, mkdirSync, copyFileSync, readFileSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
// Native or heavy packages are loaded from node_modules at run time, never bundled; transformers.js
// is bundled so that its image library (sharp) is replaced by a stub (src/bundle-shims/sharp.ts).
// onnxruntime-common stays external: onnxruntime-node and transformers.js must share its Tensor.
const nodeExternals = ['onnxruntime-node', 'onnxruntime-common', 'typescript'];
const nodeAlias = { sharp: './src/bundle-shims/sharp.ts' };

const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
const common = {
  define: { __AGENT_VITALS_VERSION__: JSON.stringify(version) },
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
};

const targets = [
  {
    ...common,
    entryPoints: ['src/extension/main.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', ...nodeExternals],
    alias: nodeAlias,
  },
  {
    ...common,
    entryPoints: ['webview/main.ts'],
    outfile: 'dist/webview.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  },
  {
    ...common,
    entryPoints: ['webview/experiments/main.ts'],
    outfile: 'dist/experiments.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  },
  {
    ...common,
    entryPoints: ['src/sidecar/main.ts'],
    outfile: 'dist/sidecar.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: nodeExternals,
    alias: nodeAlias,
  },
  {
    ...common,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: nodeExternals,
    alias: nodeAlias,
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    ...common,
    entryPoints: ['src/cli/hook-main.ts'],
    outfile: 'dist/hook.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: nodeExternals,
    alias: nodeAlias,
  },
];

mkdirSync('dist', { recursive: true });
copyFileSync('node_modules/@vscode/codicons/dist/codicon.css', 'dist/codicon.css');
copyFileSync('node_modules/@vscode/codicons/dist/codicon.ttf', 'dist/codicon.ttf');

if (watch) {
  for (const t of targets) await (await context(t)).watch();
  console.log('esbuild: watching');
} else {
  await Promise.all(targets.map((t) => build(t)));
  chmodSync('dist/cli.js', 0o755);
}
