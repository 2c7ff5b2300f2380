// Attack repros: a vector file whose width does not fit the model, or whose payload holds NaN or
// Infinity, must be refused when it is read, never scored with.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeVectorFile, encodeVectorFile, VectorFileError, writeVectorFile } from '../../../src/emotion/vectors';
import { vectorFilePath } from '../../../src/emotion/vector-store';
import { findVectors } from '../../../src/model/loaded-vectors';
import { oneLayerVectorSet } from '../../support/vector-set';

const MODEL = { id: 'fixture:tiny', revision: 'fixture', fileHash: 'ab'.repeat(32), dtype: 'fp32' };

const vectorSet = (hiddenSize: number, fill = 0.5) => oneLayerVectorSet(MODEL, { hiddenSize, fill });

test('a cached vector file of another width is refused, naming both widths', () => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'av-vfit-'));
  for (const width of [32, 192]) {
    writeVectorFile(vectorFilePath(cacheDir, MODEL), vectorSet(width));
    const found = findVectors(MODEL, cacheDir, 96);
    assert.equal(found.loaded, undefined, `a ${width}-wide file must not load for a 96-wide model`);
    assert.match(found.problem ?? '', new RegExp(`hidden size ${width} does not match the model's 96`));
  }
  writeVectorFile(vectorFilePath(cacheDir, MODEL), vectorSet(96));
  assert.equal(findVectors(MODEL, cacheDir, 96).loaded?.set.header.hiddenSize, 96);
});

test('an explicit vector file of another width is an error, not a silent score', () => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'av-vfit-'));
  const file = join(cacheDir, 'given.avv');
  writeFileSync(file, encodeVectorFile(vectorSet(32)));
  assert.throws(() => findVectors(MODEL, cacheDir, 96, file), /hidden size 32 does not match the model's 96/);
});

test('NaN or Infinity in the payload is refused at decode', () => {
  for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
    assert.throws(
      () => decodeVectorFile(encodeVectorFile(vectorSet(4, bad))),
      (e: unknown) => e instanceof VectorFileError && /not a finite number/.test(e.message),
      String(bad),
    );
  }
  assert.equal(decodeVectorFile(encodeVectorFile(vectorSet(4))).layers[0]!.vectors[0]![0], 0.5);
});
