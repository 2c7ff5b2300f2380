// Regressions (found by the vector-file fuzz suite): a header that is null, whose format is an
// object, or whose model/baseline fields are damaged must fail with VectorFileError at load time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReadingValidation } from '../../../src/emotion/live-validity';
import {
  decodeVectorFile,
  encodeVectorFile,
  readVectorFile,
  VectorFileError,
  writeVectorFile,
} from '../../../src/emotion/vectors';
import { recordVerdicts, SHIPPED_VECTORS_FILE } from '../../../src/model/loaded-vectors';
import { oneLayerVectorSet } from '../../support/vector-set';

const SET = oneLayerVectorSet({ id: 'fixture:tiny', revision: 'r', fileHash: 'ab'.repeat(32), dtype: 'fp32' });

function withHeader(edit: (h: Record<string, unknown>) => unknown): Buffer {
  const file = encodeVectorFile(SET);
  const n = file.readUInt32LE(4);
  const json = Buffer.from(
    JSON.stringify(edit(JSON.parse(file.toString('utf8', 8, 8 + n)) as Record<string, unknown>)),
  );
  const prefix = Buffer.from(file.subarray(0, 8));
  prefix.writeUInt32LE(json.length, 4);
  return Buffer.concat([prefix, json, file.subarray(8 + n)]);
}

test('damaged vector file headers fail with VectorFileError', () => {
  const cases: [string, (h: Record<string, unknown>) => unknown][] = [
    ['null header', () => null],
    ['object as format', (h) => ({ ...h, format: { toString: 1 } })],
    ['model missing', (h) => ({ ...h, model: null })],
    ['baseline missing', (h) => ({ ...h, layers: [{ layer: 1, componentsRemoved: 0, varianceRemoved: 0 }] })],
    [
      'zero spread',
      (h) => ({
        ...h,
        layers: [{ layer: 1, componentsRemoved: 0, varianceRemoved: 0, baseline: [{ mean: 0, std: 0 }] }],
      }),
    ],
    ['validation not an object', (h) => ({ ...h, validation: 'pass' })],
    ['validation without its verdict', (h) => ({ ...h, validation: { reason: 'x', verdicts: [], checkedAt: '' } })],
    [
      'fractional layer',
      (h) => ({
        ...h,
        layers: [{ layer: 1.5, componentsRemoved: 0, varianceRemoved: 0, baseline: [{ mean: 0, std: 1 }] }],
      }),
    ],
  ];
  for (const [name, edit] of cases) assert.throws(() => decodeVectorFile(withHeader(edit)), VectorFileError, name);
  assert.deepEqual(decodeVectorFile(withHeader((h) => h)).layers[0]!.baseline, [{ mean: 0, std: 1 }]);
});

test('a report card’s verdicts are recorded in the vector file atomically; shipped files are left as shipped', () => {
  const dir = mkdtempSync(join(tmpdir(), 'av-validation-'));
  const validation: ReadingValidation = {
    validForLive: true,
    reason: 'agent-turn AUROC 0.9',
    verdicts: [{ id: 'agent-turns-auroc', verdict: 'pass' }],
    checkedAt: '2026-12-03T00:00:00.000Z',
  };
  const cached = join(dir, 'model.fp32.abc.avv');
  writeVectorFile(cached, SET);
  assert.equal(recordVerdicts(cached, validation), cached);
  const read = readVectorFile(cached);
  assert.deepEqual(read.header.validation, validation);
  assert.deepEqual(read.layers, SET.layers, 'the vectors are unchanged');
  assert.deepEqual(readdirSync(dir), ['model.fp32.abc.avv'], 'no temporary file is left behind');
  const shipped = join(dir, SHIPPED_VECTORS_FILE);
  writeVectorFile(shipped, SET);
  assert.equal(recordVerdicts(shipped, validation), null);
  assert.equal(readVectorFile(shipped).header.validation, undefined);
});
