// Measures graph surgery and a first forward pass on one model file, in a fresh process so the
// peak memory is this model's alone.
//   node --import tsx bench/surgery.ts <model.onnx> [probe|steer] [layers, e.g. 0,12,23] [cacheDir]
// Without a cacheDir a temporary one is used (and removed), so the surgery always runs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ResidualProbe, SteeredModel } from '../src/engine';
import { deriveGraph, type GraphKind } from '../src/engine/graph/graph-cache';

const [modelPath, kindArg = 'probe', layersArg = '11', keptCacheDir] = process.argv.slice(2);
if (!modelPath) {
  console.error('usage: bench/surgery.ts <model.onnx> [probe|steer] [layers]');
  process.exit(2);
}
const kind = kindArg as GraphKind;
const layers = layersArg.split(',').map(Number);
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const peakRss = () => mib(process.resourceUsage().maxRSS * 1024);

async function main(): Promise<void> {
  const cacheDir = keptCacheDir ?? mkdtempSync(join(tmpdir(), 'vitals-surgery-'));
  try {
    let start = performance.now();
    const derived = await deriveGraph(modelPath!, kind, layers, cacheDir);
    console.log(
      `surgery or cache lookup (${kind}, layers ${layers.join(',')}): ${((performance.now() - start) / 1000).toFixed(1)} s, peak RSS ${peakRss()}`,
    );
    start = performance.now();
    await deriveGraph(modelPath!, kind, layers, cacheDir);
    console.log(`cached lookup: ${(performance.now() - start).toFixed(0)} ms`);
    console.log(`shape: ${JSON.stringify(derived.shape)}`);

    start = performance.now();
    const opts = { layers, cacheDir };
    const model =
      kind === 'probe' ? await ResidualProbe.load(modelPath!, opts) : await SteeredModel.load(modelPath!, opts);
    console.log(`session load: ${((performance.now() - start) / 1000).toFixed(1)} s, peak RSS ${peakRss()}`);
    const prompt = Array.from({ length: 128 }, (_, i) => (i * 7919) % 1000);
    start = performance.now();
    const first = await model.forward(prompt, undefined);
    const prefill = performance.now() - start;
    start = performance.now();
    const next = await model.forward([42], first.past);
    const step = performance.now() - start;
    console.log(
      `forward: 128-token prefill ${prefill.toFixed(0)} ms, 1 token on cache ${step.toFixed(0)} ms, KV ${mib(next.past.bytes)}, peak RSS ${peakRss()}`,
    );
    first.past.dispose();
    next.past.dispose();
    await model.release();
  } finally {
    if (!keptCacheDir) rmSync(cacheDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
