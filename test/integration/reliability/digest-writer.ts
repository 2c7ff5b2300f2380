// One of the concurrent writers in cache-writers.test.ts: digests `count` files of its own into
// a shared graph cache, as a second window's sidecar or the CLI would.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sourceDigest } from '../../../src/engine/graph/graph-cache';

async function main(): Promise<void> {
  const [cacheDir, filesDir, name, count] = process.argv.slice(2);
  for (let i = 0; i < Number(count); i++) {
    const file = join(filesDir, `${name}-${i}.onnx`);
    writeFileSync(file, `${name} ${i}`);
    await sourceDigest(file, cacheDir);
  }
}

void main();
