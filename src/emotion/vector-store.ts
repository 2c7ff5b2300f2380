// Where calibrated vectors live: one file per model file (keyed by its digest) under the
// product's cache, so recalibration is needed only when the model or the corpus changes.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { READ_CHUNK_TOKENS } from '../contracts/reading';
import { readVectorFile, type EmotionVectorSet, type ModelIdentity } from './vectors';

export function vectorFilePath(cacheDir: string, model: ModelIdentity): string {
  const slug = model.id.replace(/[^A-Za-z0-9._-]+/g, '_');
  return join(cacheDir, 'vectors', `${slug}.${model.dtype}.${model.fileHash.slice(0, 16)}.avv`);
}

export class MissingVectorsError extends Error {
  constructor(
    readonly path: string,
    model: ModelIdentity,
  ) {
    super(
      `No emotion vectors for ${model.id} (${model.dtype}) yet. Run: agent-vitals calibrate --model ${model.id}${model.dtype === 'fp32' ? '' : ` --dtype ${model.dtype}`}`,
    );
    this.name = 'MissingVectorsError';
  }
}

/** Loads the vectors for `model`, from `explicitPath` or the cache; refuses another model's file
 *  and one whose width is not the model's `hiddenSize` (undefined only when the model does not say). */
export function loadVectorsFor(
  model: ModelIdentity,
  cacheDir: string,
  hiddenSize: number | undefined,
  explicitPath?: string,
): EmotionVectorSet {
  const path = explicitPath ?? vectorFilePath(cacheDir, model);
  if (!explicitPath && !existsSync(path)) throw new MissingVectorsError(path, model);
  return readVectorFile(path, { model, hiddenSize, chunkTokens: READ_CHUNK_TOKENS });
}
