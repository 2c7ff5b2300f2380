// llama.cpp control-vector files are read back with an independent GGUF parser and checked byte by
// byte where llama.cpp's reader is strict: magic, version, counts, F32 1-D tensors, alignment.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gguf, GGMLQuantizationType } from '@huggingface/gguf';
import { encodeControlVector, ControlVectorError, GGUF_ALIGNMENT } from '../../../src/emotion/control-vector-file';

const work = mkdtempSync(join(tmpdir(), 'av-control-vector-'));
// Width 5: 20 bytes per tensor, so the 32-byte padding between tensors is exercised.
const layer2 = Float32Array.from([0.5, -0.25, 0.125, 1e-3, -0.75]);
const layer3 = Float32Array.from([-1, 0, 0.1, 0.2, 0.3]);

async function readBack(bytes: Buffer) {
  const path = join(work, `cv-${Math.random().toString(36).slice(2)}.gguf`);
  writeFileSync(path, bytes);
  return gguf(path, { allowLocalFile: true });
}

test('a control vector reads back with the keys, tensor shapes and values llama.cpp expects', async () => {
  const bytes = encodeControlVector({
    modelHint: 'qwen2',
    directions: new Map([
      [3, layer3],
      [2, layer2],
    ]),
  });
  const parsed = await readBack(bytes);
  assert.equal(parsed.metadata.version, 3);
  assert.equal(parsed.metadata['general.architecture'], 'controlvector');
  assert.equal(parsed.metadata['controlvector.model_hint' as keyof typeof parsed.metadata], 'qwen2');
  assert.equal(parsed.metadata['controlvector.layer_count' as keyof typeof parsed.metadata], 2);
  assert.deepEqual(
    parsed.tensorInfos.map((t) => ({ name: t.name, n_dims: t.n_dims, shape: t.shape, dtype: t.dtype })),
    [
      { name: 'direction.2', n_dims: 1, shape: [5n], dtype: GGMLQuantizationType.F32 },
      { name: 'direction.3', n_dims: 1, shape: [5n], dtype: GGMLQuantizationType.F32 },
    ],
  );
  assert.equal(Number(parsed.tensorDataOffset) % GGUF_ALIGNMENT, 0);
  for (const [info, expected] of [
    [parsed.tensorInfos[0], layer2],
    [parsed.tensorInfos[1], layer3],
  ] as const) {
    const start = Number(parsed.tensorDataOffset + info.offset);
    assert.equal(start % GGUF_ALIGNMENT, 0);
    const values = new Float32Array(bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + start + 20));
    assert.deepEqual(values, expected);
  }
  // llama.cpp reads every tensor padded to the alignment, the last one included.
  assert.equal(bytes.length, Number(parsed.tensorDataOffset) + 2 * GGUF_ALIGNMENT);
});

test('the header is GGUF v3, little-endian, with the tensor and key counts first', () => {
  const bytes = encodeControlVector({ modelHint: 'llama', directions: new Map([[1, layer2]]) });
  assert.equal(bytes.toString('ascii', 0, 4), 'GGUF');
  assert.equal(bytes.readUInt32LE(4), 3);
  assert.equal(bytes.readBigUInt64LE(8), 1n); // tensors
  assert.equal(bytes.readBigUInt64LE(16), 3n); // metadata keys
  // First key: a u64 length, the name, then value type 8 (string) and the string.
  assert.equal(bytes.readBigUInt64LE(24), 20n);
  assert.equal(bytes.toString('ascii', 32, 52), 'general.architecture');
  assert.equal(bytes.readUInt32LE(52), 8);
  assert.equal(bytes.readBigUInt64LE(56), 13n);
  assert.equal(bytes.toString('ascii', 64, 77), 'controlvector');
});

test('layer 0, ragged widths, non-finite values and empty vectors are refused', () => {
  assert.throws(
    () => encodeControlVector({ modelHint: 'q', directions: new Map([[0, layer2]]) }),
    (e: unknown) => e instanceof ControlVectorError && /layer 0/.test(e.message),
  );
  assert.throws(
    () =>
      encodeControlVector({
        modelHint: 'q',
        directions: new Map([
          [1, layer2],
          [2, Float32Array.from([1, 2])],
        ]),
      }),
    /layer 2 has 2 values, expected 5/,
  );
  assert.throws(
    () => encodeControlVector({ modelHint: 'q', directions: new Map([[1, Float32Array.from([1, NaN])]]) }),
    /not a finite number/,
  );
  assert.throws(() => encodeControlVector({ modelHint: 'q', directions: new Map() }), /at least one layer/);
});
