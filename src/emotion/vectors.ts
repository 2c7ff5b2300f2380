// Emotion vectors in memory, and their versioned on-disk file: a JSON header followed by a
// little-endian Float32 payload. A file records everything needed to refuse a wrong pairing
// (model, corpus, hidden size) and to reproduce the reading (layer, token start, baseline).

import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, renameSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ReadingValidation } from './live-validity';

export const VECTOR_FILE_FORMAT = 'agent-vitals-emotion-vectors';
// Version 2: neutral statistics (components removed, baseline) cover message content only, not
// chat-template tokens, as live readings do. Version 3: vectors are measured from a
// valence-balanced centre, the layer is chosen on half of the held-out stories, and the header
// may carry the report card's `validation`. Older files are refused and recalibrated.
export const VECTOR_FILE_VERSION = 3;
const MAGIC = 'AVEV';

export interface ModelIdentity {
  /** Hub id, `fixture:<name>` or a local folder path. */
  id: string;
  revision: string;
  /** sha256 of the ONNX file the activations were read from. */
  fileHash: string;
  dtype: string;
}

export interface Baseline {
  mean: number;
  std: number;
}

export interface LayerVectors {
  layer: number;
  /** Unit vectors, one per emotion, in the order of `emotions`. */
  vectors: Float32Array[];
  baseline: Baseline[];
  /** The centre the vectors are measured from (valence-balanced, see `balancedCentre`): held-out stories are classified by their deviation from it. */
  storyMean: Float32Array;
  componentsRemoved: number;
  varianceRemoved: number;
}

export interface LayerChoice {
  layer: number;
  reason: string;
  /** Held-out metrics per calibrated layer, as used to choose. */
  perLayer: { layer: number; top1Accuracy: number; desperateCalmAuroc: number }[];
}

export interface VectorFileHeader {
  format: typeof VECTOR_FILE_FORMAT;
  version: number;
  model: ModelIdentity;
  hiddenSize: number;
  numLayers: number;
  emotions: string[];
  tokenStart: number;
  pcaSource: 'neutral-tokens';
  pcaVarianceShare: number;
  neutralTokensSampled: number;
  storiesUsed: number;
  storiesSkipped: number;
  corpusHash: string;
  createdAt: string;
  choice: LayerChoice;
  /** Longest forward pass the activations were read in (absent in files written before it was
   *  recorded); the model's dtype is in `model`. */
  chunkTokens?: number;
  /** The report card's verdicts on these vectors; absent until a report card ran. */
  validation?: ReadingValidation;
  layers: { layer: number; componentsRemoved: number; varianceRemoved: number; baseline: Baseline[] }[];
  payloadSha256: string;
}

export interface EmotionVectorSet {
  header: Omit<VectorFileHeader, 'layers' | 'payloadSha256'>;
  layers: LayerVectors[];
}

export class VectorFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VectorFileError';
  }
}

export function layerVectors(set: EmotionVectorSet, layer: number): LayerVectors {
  const found = set.layers.find((l) => l.layer === layer);
  if (!found)
    throw new VectorFileError(`no vectors for layer ${layer} (have ${set.layers.map((l) => l.layer).join(', ')})`);
  return found;
}

export function encodeVectorFile(set: EmotionVectorSet): Buffer {
  const { hiddenSize } = set.header;
  // Per layer: one row per emotion, then the story mean.
  const payload = Buffer.alloc(set.layers.length * (set.header.emotions.length + 1) * hiddenSize * 4);
  let offset = 0;
  for (const l of set.layers)
    for (const v of [...l.vectors, l.storyMean]) {
      if (v.length !== hiddenSize) throw new VectorFileError(`vector of length ${v.length}, expected ${hiddenSize}`);
      for (let i = 0; i < v.length; i++, offset += 4) payload.writeFloatLE(v[i], offset);
    }
  const header: VectorFileHeader = {
    ...set.header,
    layers: set.layers.map((l) => ({
      layer: l.layer,
      componentsRemoved: l.componentsRemoved,
      varianceRemoved: l.varianceRemoved,
      baseline: l.baseline,
    })),
    payloadSha256: createHash('sha256').update(payload).digest('hex'),
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const prefix = Buffer.alloc(8);
  prefix.write(MAGIC, 0, 'ascii');
  prefix.writeUInt32LE(json.length, 4);
  return Buffer.concat([prefix, json, payload]);
}

export function decodeVectorFile(data: Buffer): EmotionVectorSet {
  if (data.length < 8 || data.toString('ascii', 0, 4) !== MAGIC)
    throw new VectorFileError('not an Agent Vitals vector file (bad magic)');
  const jsonLength = data.readUInt32LE(4);
  if (8 + jsonLength > data.length) throw new VectorFileError('vector file is truncated (header)');
  let header: VectorFileHeader;
  try {
    header = JSON.parse(data.toString('utf8', 8, 8 + jsonLength)) as VectorFileHeader;
  } catch {
    throw new VectorFileError('vector file header is not valid JSON');
  }
  if (typeof header !== 'object' || header === null)
    throw new VectorFileError('vector file header is not a JSON object');
  if (header.format !== VECTOR_FILE_FORMAT)
    throw new VectorFileError(`unknown vector file format ${JSON.stringify(header.format)}`);
  if (header.version !== VECTOR_FILE_VERSION)
    throw new VectorFileError(
      `vector file version ${JSON.stringify(header.version)} is not supported (expected ${VECTOR_FILE_VERSION}); recalibrate`,
    );
  const { hiddenSize, emotions, layers } = header;
  if (!Number.isInteger(hiddenSize) || hiddenSize <= 0 || !Array.isArray(emotions) || !Array.isArray(layers))
    throw new VectorFileError('vector file header is missing its shape');
  checkHeaderFields(header);
  const payload = data.subarray(8 + jsonLength);
  const expected = layers.length * (emotions.length + 1) * hiddenSize * 4;
  if (payload.length !== expected)
    throw new VectorFileError(`vector file payload has ${payload.length} bytes, expected ${expected}`);
  if (createHash('sha256').update(payload).digest('hex') !== header.payloadSha256)
    throw new VectorFileError('vector file payload does not match its checksum (corrupted?)');
  let offset = 0;
  const row = () => {
    const v = new Float32Array(hiddenSize);
    for (let i = 0; i < hiddenSize; i++, offset += 4) v[i] = payload.readFloatLE(offset);
    // A NaN or infinite weight would turn every reading into NaN or Infinity.
    if (!v.every(Number.isFinite))
      throw new VectorFileError('vector file payload holds a value that is not a finite number (corrupted?)');
    return v;
  };
  const layerSets: LayerVectors[] = layers.map((l) => ({
    layer: l.layer,
    componentsRemoved: l.componentsRemoved,
    varianceRemoved: l.varianceRemoved,
    baseline: l.baseline,
    vectors: emotions.map(row),
    storyMean: row(),
  }));
  const { layers: _layers, payloadSha256: _sha, ...rest } = header;
  return { header: rest, layers: layerSets };
}

const isCount = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 0;

/** The fields the scorer and the pairing checks read, so a damaged header fails here, not later. */
function checkHeaderFields(header: VectorFileHeader): void {
  const bad = (what: string) => new VectorFileError(`vector file header has an invalid ${what} (corrupted?)`);
  const { model, emotions, layers } = header as Partial<VectorFileHeader> &
    Pick<VectorFileHeader, 'emotions' | 'layers'>;
  if (typeof model !== 'object' || model === null || typeof model.id !== 'string' || typeof model.fileHash !== 'string')
    throw bad('model identity');
  if (emotions.length === 0 || !emotions.every((e) => typeof e === 'string')) throw bad('emotion list');
  if (!isCount(header.tokenStart)) throw bad('token start');
  if (typeof header.corpusHash !== 'string') throw bad('corpus hash');
  if (layers.length === 0) throw bad('layer list');
  const v = header.validation;
  if (
    v !== undefined &&
    (typeof v !== 'object' ||
      v === null ||
      typeof v.validForLive !== 'boolean' ||
      typeof v.reason !== 'string' ||
      !Array.isArray(v.verdicts))
  )
    throw bad('validation record');
  for (const l of layers) {
    if (typeof l !== 'object' || l === null || !isCount(l.layer)) throw bad('layer index');
    const baselineOk =
      Array.isArray(l.baseline) &&
      l.baseline.length === emotions.length &&
      l.baseline.every(
        (b) => typeof b === 'object' && b !== null && Number.isFinite(b.mean) && Number.isFinite(b.std) && b.std > 0,
      );
    if (!baselineOk) throw bad(`baseline for layer ${l.layer}`);
  }
}

export function writeVectorFile(path: string, set: EmotionVectorSet): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, encodeVectorFile(set));
  renameSync(tmp, path);
}

/** Records a report card's verdicts in the vector file at `path` (rewritten atomically; the vectors are unchanged). */
export function recordValidation(path: string, validation: ReadingValidation): EmotionVectorSet {
  const set = decodeVectorFile(readFileSync(path));
  const updated = { ...set, header: { ...set.header, validation } };
  writeVectorFile(path, updated);
  return updated;
}

export interface Expectation {
  model?: Pick<ModelIdentity, 'id' | 'fileHash'> & Partial<Pick<ModelIdentity, 'dtype'>>;
  hiddenSize?: number;
  corpusHash?: string;
  /** The reader's longest forward pass. */
  chunkTokens?: number;
}

/** Reads a vector file and refuses it when it was made for another model or corpus. */
export function readVectorFile(path: string, expect: Expectation = {}): EmotionVectorSet {
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (err) {
    throw new VectorFileError(`cannot read vector file ${path}: ${(err as Error).message}`);
  }
  const set = decodeVectorFile(data);
  const h = set.header;
  if (expect.model?.dtype && h.model.dtype !== expect.model.dtype)
    throw new VectorFileError(
      `vector file ${path} was calibrated with --dtype ${h.model.dtype}, but the model is loaded as ${expect.model.dtype}; ` +
        `recalibrate with --dtype ${expect.model.dtype} (or load the model with --dtype ${h.model.dtype})`,
    );
  if (expect.model && (h.model.id !== expect.model.id || h.model.fileHash !== expect.model.fileHash))
    throw new VectorFileError(
      `vector file ${path} was calibrated for ${h.model.id} (${h.model.fileHash.slice(0, 12)}), ` +
        `not ${expect.model.id} (${expect.model.fileHash.slice(0, 12)}); recalibrate for this model`,
    );
  if (expect.hiddenSize !== undefined && h.hiddenSize !== expect.hiddenSize)
    throw new VectorFileError(
      `vector file hidden size ${h.hiddenSize} does not match the model's ${expect.hiddenSize}`,
    );
  if (expect.corpusHash && h.corpusHash !== expect.corpusHash)
    throw new VectorFileError(`vector file ${path} was calibrated on another corpus; recalibrate`);
  if (expect.chunkTokens !== undefined && h.chunkTokens !== undefined && h.chunkTokens !== expect.chunkTokens)
    throw new VectorFileError(
      `vector file ${path} was calibrated reading ${h.chunkTokens}-token passes; this version reads ${expect.chunkTokens}-token passes; recalibrate`,
    );
  return set;
}
