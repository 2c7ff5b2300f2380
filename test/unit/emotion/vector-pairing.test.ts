// Vectors are read only under the reading settings they were calibrated with: the model's dtype
// (a q8 graph's residuals differ from fp32's) and the longest forward pass (a q8 graph scales
// activations per pass), each refused with what to run instead.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calibrate } from '../../../src/emotion/calibrate';
import { loadVectorsFor } from '../../../src/emotion/vector-store';
import { readVectorFile, VectorFileError, writeVectorFile, type EmotionVectorSet } from '../../../src/emotion/vectors';
import { READ_CHUNK_TOKENS } from '../../../src/contracts/reading';
import { syntheticWorld } from './synthetic-reader';
import { oneLayerVectorSet } from '../../support/vector-set';

const work = mkdtempSync(join(tmpdir(), 'av-vector-pairing-'));
const MODEL = { id: 'test-org/tiny', revision: 'main', fileHash: 'aa'.repeat(32), dtype: 'q8' };

function vectorFile(name: string, header: Partial<EmotionVectorSet['header']> = {}): string {
  const path = join(work, `${name}.avv`);
  writeVectorFile(path, oneLayerVectorSet(MODEL, { header: { chunkTokens: READ_CHUNK_TOKENS, ...header } }));
  return path;
}

test('vectors calibrated under another dtype are refused with the dtype to recalibrate with', () => {
  const path = vectorFile('q8');
  assert.equal(loadVectorsFor(MODEL, work, 2, path).header.model.dtype, 'q8');
  // The fp32 file of the same model has another digest too; the dtype is the reason worth naming.
  const fp32 = { ...MODEL, dtype: 'fp32', fileHash: 'bb'.repeat(32) };
  assert.throws(
    () => loadVectorsFor(fp32, work, 2, path),
    (e: unknown) =>
      e instanceof VectorFileError &&
      /calibrated with --dtype q8.*loaded as fp32.*recalibrate with --dtype fp32/.test(e.message),
  );
});

test('vectors calibrated with another pass length are refused; files that predate the field are read', () => {
  const longer = vectorFile('longer', { chunkTokens: READ_CHUNK_TOKENS * 2 });
  assert.throws(
    () => loadVectorsFor(MODEL, work, 2, longer),
    (e: unknown) =>
      e instanceof VectorFileError &&
      new RegExp(`${READ_CHUNK_TOKENS * 2}-token passes.*${READ_CHUNK_TOKENS}.*recalibrate`).test(e.message),
  );
  const older = vectorFile('older', { chunkTokens: undefined });
  assert.equal(readVectorFile(older, { model: MODEL, chunkTokens: READ_CHUNK_TOKENS }).header.chunkTokens, undefined);
});

test('calibration records the pass length every reader uses', async () => {
  const world = syntheticWorld({
    emotions: ['calm', 'desperate'],
    hidden: 16,
    layers: 2,
    storiesPerEmotion: 10,
    seed: 3,
    signalLayer: 1,
  });
  const { vectors } = await calibrate(world.corpus, world.reader, { tokenStart: 30, minTokensAfterStart: 10 });
  assert.equal(vectors.header.chunkTokens, READ_CHUNK_TOKENS);
});
