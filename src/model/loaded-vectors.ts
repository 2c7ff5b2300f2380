// The loaded model's emotion vectors: found in the cache (or a given file) when the model loads,
// refused with a reason when made for another model, and used to score appended turns.
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { liveValidity } from '../emotion/live-validity';
import { scoreMessages, type ScoredMessage } from '../emotion/turn-scores';
import { loadVectorsFor, MissingVectorsError, vectorFilePath } from '../emotion/vector-store';
import type { ReadingValidation } from '../emotion/live-validity';
import {
  layerVectors,
  recordValidation,
  VectorFileError,
  type EmotionVectorSet,
  type ModelIdentity,
} from '../emotion/vectors';
import { SidecarError } from '../contracts/rpc-errors';
import { encodeFloat32 } from '../contracts/float32';
import type { AppendScores, VectorsInfo } from '../contracts/rpc-methods';
import type { AppendOutcome } from './conversation';

export interface LoadedVectors {
  set: EmotionVectorSet;
  info: VectorsInfo;
}

export function vectorsInfo(set: EmotionVectorSet, path: string): VectorsInfo {
  const h = set.header;
  return {
    path,
    layer: h.choice.layer,
    layerReason: h.choice.reason,
    emotions: h.emotions,
    createdAt: h.createdAt,
    live: liveValidity(set),
  };
}

/** A model folder may ship calibrated vectors (the bundled demo model does). */
export const SHIPPED_VECTORS_FILE = 'agent-vitals-vectors.avv';

/**
 * Records a report card's verdicts in the vector file it judged, so live gating can read them.
 * A file shipped in a model folder is left as shipped (the bundled demo model is never valid for
 * live use anyway). Returns the path written, or null.
 */
export function recordVerdicts(path: string, validation: ReadingValidation): string | null {
  if (basename(path) === SHIPPED_VECTORS_FILE) return null;
  recordValidation(path, validation);
  return path;
}

/**
 * The vectors for `identity`: an explicit file, else the cache, else the file shipped in the
 * model folder; none when the model was never calibrated; a refusal reason when a file exists
 * but belongs to another model, does not fit its `hiddenSize`, or is damaged. An explicit path
 * that fails is an error.
 */
export function findVectors(
  identity: ModelIdentity,
  cacheDir: string,
  hiddenSize: number | undefined,
  explicitPath?: string,
  modelFolder?: string,
): { loaded?: LoadedVectors; problem?: string } {
  const cached = vectorFilePath(cacheDir, identity);
  const shipped = modelFolder ? join(modelFolder, SHIPPED_VECTORS_FILE) : undefined;
  const path = explicitPath ?? (!existsSync(cached) && shipped && existsSync(shipped) ? shipped : undefined);
  try {
    const set = loadVectorsFor(identity, cacheDir, hiddenSize, path);
    return { loaded: { set, info: vectorsInfo(set, path ?? cached) } };
  } catch (err) {
    if (err instanceof MissingVectorsError) return {};
    if (err instanceof VectorFileError) {
      if (explicitPath) throw new SidecarError('vectors-missing', err.message);
      return { problem: err.message };
    }
    throw err;
  }
}

/** The appended assistant messages read against `vectors`: per-token z and a summary each. */
export function scoreAppended(outcome: AppendOutcome, vectors: EmotionVectorSet, pieces: string[]): ScoredMessage[] {
  const layer = vectors.header.choice.layer;
  const activations = outcome.activations.get(layer);
  if (!activations) throw new SidecarError('internal', `The probe has no activations at the vectors' layer ${layer}.`);
  return scoreMessages(
    { activations, firstToken: outcome.firstNewToken, spans: outcome.spans, pieces },
    vectors.header.emotions,
    layerVectors(vectors, layer),
  );
}

/** Per-token z-scores and summaries of the appended assistant messages, for the wire. */
export function encodeScores(outcome: AppendOutcome, vectors: EmotionVectorSet, pieces: string[]): AppendScores {
  const emotions = vectors.header.emotions;
  return {
    layer: vectors.header.choice.layer,
    emotions,
    messages: scoreAppended(outcome, vectors, pieces).map((m) => ({
      messageIndex: m.messageIndex,
      role: m.role,
      tokens: m.tokens.map((t) => t.text),
      summary: m.summary,
      z: Object.fromEntries(emotions.map((e) => [e, encodeFloat32(Float32Array.from(m.tokens, (t) => t.z[e]))])),
    })),
  };
}
