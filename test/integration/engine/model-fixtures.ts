// Reads the committed model fixtures and their reference tensors.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const FIXTURE_ROOT = join(__dirname, '..', '..', 'fixtures', 'models');

export interface ModelFixture {
  name: string;
  arch: string;
  style: 'optimum' | 'fused' | 'gqa';
  dtype: 'float32' | 'int8' | 'float16' | 'int4';
  model: string;
  reference: string;
}

export interface Reference {
  inputIds: number[];
  prefixLength: number;
  numLayers: number;
  hiddenSize: number;
  numKvHeads: number;
  headDim: number;
  steer: { layer: number; scale: number };
  tensor(name: string): Float32Array;
  has(name: string): boolean;
}

interface ReferenceIndex extends Omit<Reference, 'tensor' | 'has'> {
  tensors: Record<string, { file: string; shape: number[] }>;
}

export function modelFixtures(): ModelFixture[] {
  const list = JSON.parse(readFileSync(join(FIXTURE_ROOT, 'fixtures.json'), 'utf8')) as { fixtures: ModelFixture[] };
  return list.fixtures;
}

export function modelPath(fixture: ModelFixture): string {
  return join(FIXTURE_ROOT, fixture.model);
}

export function loadReference(fixture: ModelFixture): Reference {
  const folder = join(FIXTURE_ROOT, fixture.reference);
  const index = JSON.parse(readFileSync(join(folder, 'index.json'), 'utf8')) as ReferenceIndex;
  return {
    ...index,
    has: (name) => name in index.tensors,
    tensor(name) {
      const entry = index.tensors[name];
      if (!entry) throw new Error(`${fixture.reference} has no tensor ${name}`);
      const bytes = readFileSync(join(folder, entry.file));
      return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    },
  };
}

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

/** Rows [from, to) of a row-major matrix with `width` columns. */
export function rows(matrix: Float32Array, width: number, from: number, to: number): Float32Array {
  return matrix.subarray(from * width, to * width);
}

/** Largest |a − b| after subtracting the allowed error, so ≤ 0 means "close enough". For fp32 and
 *  int8 graphs the allowed error is an absolute 1e-4; fp16 graphs may differ by one fp16 rounding
 *  step, 2^-10 of the value's magnitude, because onnxruntime fuses the pruned graph differently. */
export function excessError(actual: Float32Array, expected: Float32Array, dtype: ModelFixture['dtype']): number {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} vs ${expected.length}`);
  let worst = -Infinity;
  for (let i = 0; i < actual.length; i++) {
    const allowed = dtype === 'float16' ? 2 ** -10 * Math.max(Math.abs(expected[i]!), 1) : 1e-4;
    worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!) - allowed);
  }
  return worst;
}
