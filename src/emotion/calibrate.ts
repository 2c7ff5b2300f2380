// Calibration: turns residual activations over the story corpus into emotion vectors, following
// the published recipe — mean activation per story from a token offset on, emotion mean minus
// grand mean, neutral principal components (up to a variance share) projected out, unit norm,
// and a neutral baseline for z-scores. The layer is chosen on the held-out split.

import type { Corpus, DialogueMessage, Story } from '../corpus/format';
import { corpusHash } from '../corpus/format';
import { CovarianceAccumulator, dot, normalize, principalComponents, projectOut } from './linalg';
import { auroc } from './stats';
import type { Baseline, EmotionVectorSet, LayerChoice, LayerVectors, ModelIdentity } from './vectors';
import { VECTOR_FILE_FORMAT, VECTOR_FILE_VERSION } from './vectors';
import { READ_CHUNK_TOKENS } from '../sidecar/read-passes';

/** Per-layer residual activations for one text: `layers.get(L)` is [numTokens × hiddenSize]. */
export interface LayerActivations {
  numTokens: number;
  layers: Map<number, Float32Array>;
  /** For a conversation, the tokens of the messages' own content (not the chat template); all when absent. */
  contentTokens?: number[];
}

/** The tokens a neutral baseline is taken over: message content, as live readings are. */
export function contentTokensOf(acts: LayerActivations): number[] {
  return acts.contentTokens ?? Array.from({ length: acts.numTokens }, (_, t) => t);
}

/** What calibration needs from a model: read a plain text, or a conversation in chat format. */
export interface ActivationReader {
  readonly model: ModelIdentity;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readText(text: string, layers: readonly number[]): Promise<LayerActivations>;
  /** With `addGenerationPrompt`, the assistant header is appended: the last token then predicts the reply. */
  readConversation(
    messages: readonly DialogueMessage[],
    layers: readonly number[],
    options?: { addGenerationPrompt?: boolean },
  ): Promise<LayerActivations>;
}

export interface CalibrationProgress {
  phase: 'stories' | 'neutral' | 'vectors';
  done: number;
  total: number;
}

export interface CalibrationOptions {
  /** Decoder layers to calibrate (0-based, residual after that layer); default: every layer. */
  layers?: number[];
  /** First token included in a story's mean (the emotion has to be established first). */
  tokenStart?: number;
  /** Stories need at least this many tokens after `tokenStart`. */
  minTokensAfterStart?: number;
  /** Share of neutral variance whose principal components are projected out. */
  pcaVarianceShare?: number;
  /** At most this many neutral tokens (sampled evenly) feed the PCA and the baseline. */
  neutralTokenBudget?: number;
  onProgress?: (p: CalibrationProgress) => void;
  signal?: AbortSignal;
}

export class CalibrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CalibrationError';
  }
}

/** Stories need this many tokens after the token start to be read (default of `minTokensAfterStart`). */
export const MIN_TOKENS_AFTER_START = 10;

export const DESPERATE = 'desperate';
export const CALM = 'calm';

interface StoryMeans {
  story: Story;
  /** Mean activation from tokenStart on, per layer. */
  means: Map<number, Float64Array>;
}

/** Mean of rows [from, to) of a [rows × hidden] activation block. */
export function meanRows(data: Float32Array, hidden: number, from: number, to: number): Float64Array {
  return meanOfRows(data, hidden, Array.from({ length: to - from }, (_, k) => from + k));
}

/** Mean of the listed rows. */
export function meanOfRows(data: Float32Array, hidden: number, rows: readonly number[]): Float64Array {
  const m = new Float64Array(hidden);
  for (const r of rows) {
    const base = r * hidden;
    for (let i = 0; i < hidden; i++) m[i] += data[base + i];
  }
  for (let i = 0; i < hidden; i++) m[i] /= rows.length;
  return m;
}

function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CalibrationError('calibration cancelled');
}

/** z-scores of one mean activation against every emotion of a layer. */
export function zScores(x: ArrayLike<number>, layer: Pick<LayerVectors, 'vectors' | 'baseline'>): number[] {
  return layer.vectors.map((v, e) => (dot(v, x) - layer.baseline[e].mean) / layer.baseline[e].std);
}

/**
 * Projections of a story's deviation from the training stories' mean: how classification
 * compares emotions. (Live readings use z-scores against neutral text instead; stories as a
 * genre sit apart from neutral dialogue, an offset that would otherwise favour some emotions.)
 */
export function centredProjections(x: ArrayLike<number>, layer: Pick<LayerVectors, 'vectors' | 'storyMean'>): number[] {
  return layer.vectors.map((v) => {
    let s = 0;
    for (let i = 0; i < v.length; i++) s += v[i] * (x[i] - layer.storyMean[i]);
    return s;
  });
}

export interface HeldOutMetrics {
  top1Accuracy: number;
  desperateCalmAuroc: number;
}

/** Held-out top-1 accuracy over all emotions and desperate-vs-calm AUROC for one layer, on centred projections. */
export function heldOutMetrics(
  emotions: readonly string[],
  layer: LayerVectors,
  heldOut: readonly { emotion: string; mean: ArrayLike<number> }[],
): HeldOutMetrics {
  const d = emotions.indexOf(DESPERATE);
  const c = emotions.indexOf(CALM);
  let correct = 0;
  const pos: number[] = [];
  const neg: number[] = [];
  for (const h of heldOut) {
    const p = centredProjections(h.mean, layer);
    let best = 0;
    for (let e = 1; e < p.length; e++) if (p[e] > p[best]) best = e;
    if (emotions[best] === h.emotion) correct++;
    if (d >= 0 && c >= 0) {
      if (h.emotion === DESPERATE) pos.push(p[d] - p[c]);
      if (h.emotion === CALM) neg.push(p[d] - p[c]);
    }
  }
  return { top1Accuracy: heldOut.length ? correct / heldOut.length : NaN, desperateCalmAuroc: auroc(pos, neg) };
}

/** Prefers held-out separation; among near-ties, the layer closest to two-thirds depth. */
export function chooseLayer(perLayer: LayerChoice['perLayer'], numLayers: number): LayerChoice {
  const score = (m: LayerChoice['perLayer'][number]) =>
    (Number.isFinite(m.top1Accuracy) ? m.top1Accuracy : 0) + (Number.isFinite(m.desperateCalmAuroc) ? m.desperateCalmAuroc : 0);
  const best = Math.max(...perLayer.map(score));
  const target = (2 / 3) * (numLayers - 1);
  const candidates = perLayer.filter((m) => score(m) >= best - 0.02);
  const chosen = candidates.reduce((a, b) => (Math.abs(b.layer - target) < Math.abs(a.layer - target) ? b : a));
  const reason =
    `layer ${chosen.layer} of ${numLayers}: held-out top-1 accuracy ${chosen.top1Accuracy.toFixed(3)}, ` +
    `desperate-vs-calm AUROC ${chosen.desperateCalmAuroc.toFixed(3)}` +
    (candidates.length > 1
      ? `; ${candidates.length} layers were within 0.02 of the best accuracy+AUROC (${best.toFixed(3)}), the one nearest two-thirds depth was kept`
      : '; best accuracy+AUROC of all calibrated layers');
  return { layer: chosen.layer, reason, perLayer };
}

export interface CalibrationResult {
  vectors: EmotionVectorSet;
  heldOut: { emotion: string; storyId: string; means: Map<number, Float64Array> }[];
}

export async function calibrate(corpus: Corpus, reader: ActivationReader, options: CalibrationOptions = {}): Promise<CalibrationResult> {
  const tokenStart = options.tokenStart ?? 50;
  const minAfter = options.minTokensAfterStart ?? MIN_TOKENS_AFTER_START;
  const varianceShare = options.pcaVarianceShare ?? 0.5;
  const budget = options.neutralTokenBudget ?? 4096;
  const layers = options.layers ?? Array.from({ length: reader.numLayers }, (_, i) => i);
  const hidden = reader.hiddenSize;
  const emotions = corpus.emotions.map((e) => e.name);
  const report = options.onProgress ?? (() => {});
  if (!layers.length) throw new CalibrationError('no layers to calibrate');
  for (const l of layers)
    if (!Number.isInteger(l) || l < 0 || l >= reader.numLayers)
      throw new CalibrationError(`layer ${l} is outside the model's 0…${reader.numLayers - 1}`);

  // 1. Story means.
  const stories = corpus.stories.filter((s) => emotions.includes(s.emotion));
  const train: StoryMeans[] = [];
  const heldOut: StoryMeans[] = [];
  let skipped = 0;
  for (let i = 0; i < stories.length; i++) {
    checkAborted(options.signal);
    const story = stories[i];
    const acts = await reader.readText(story.text, layers);
    if (acts.numTokens < tokenStart + minAfter) {
      skipped++;
    } else {
      const means = new Map<number, Float64Array>();
      for (const l of layers) means.set(l, meanRows(acts.layers.get(l)!, hidden, tokenStart, acts.numTokens));
      (story.split === 'heldout' ? heldOut : train).push({ story, means });
    }
    report({ phase: 'stories', done: i + 1, total: stories.length });
  }
  for (const e of emotions)
    if (!train.some((s) => s.story.emotion === e))
      throw new CalibrationError(`no usable training story for '${e}' (stories need ${tokenStart + minAfter}+ tokens)`);

  // 2. Neutral token statistics per layer, on evenly sampled tokens.
  const accumulators = new Map(layers.map((l) => [l, new CovarianceAccumulator(hidden)]));
  const neutral = corpus.neutral.filter((d) => d.split === 'train');
  const estimatedTokens = neutral.reduce((n, d) => n + d.messages.reduce((m, x) => m + x.text.length, 0) / 4, 0);
  const stride = Math.max(1, Math.round(estimatedTokens / budget));
  let tokenIndex = 0;
  for (let i = 0; i < neutral.length; i++) {
    checkAborted(options.signal);
    const acts = await reader.readConversation(neutral[i].messages, layers);
    const picked = contentTokensOf(acts).filter(() => tokenIndex++ % stride === 0);
    for (const l of layers) {
      const data = acts.layers.get(l)!;
      const rows = new Float32Array(picked.length * hidden);
      picked.forEach((t, r) => rows.set(data.subarray(t * hidden, (t + 1) * hidden), r * hidden));
      accumulators.get(l)!.addRows(rows, picked.length);
    }
    report({ phase: 'neutral', done: i + 1, total: neutral.length });
  }
  const neutralTokens = accumulators.get(layers[0])!.count;
  if (neutralTokens < 2) throw new CalibrationError('the neutral dialogues produced too few tokens for a baseline');

  // 3. Vectors, PCA removal, baseline, held-out metrics — per layer.
  const layerSets: LayerVectors[] = [];
  const perLayer: LayerChoice['perLayer'] = [];
  for (let li = 0; li < layers.length; li++) {
    checkAborted(options.signal);
    const l = layers[li];
    const grand = new Float64Array(hidden);
    for (const s of train) {
      const m = s.means.get(l)!;
      for (let i = 0; i < hidden; i++) grand[i] += m[i] / train.length;
    }
    const acc = accumulators.get(l)!;
    const cov = acc.covariance();
    const neutralMean = acc.mean();
    const { components, explained } = principalComponents(cov, hidden, varianceShare);
    const vectors: Float32Array[] = [];
    const baseline: Baseline[] = [];
    for (const e of emotions) {
      const own = train.filter((s) => s.story.emotion === e);
      const v = new Float64Array(hidden);
      for (const s of own) {
        const m = s.means.get(l)!;
        for (let i = 0; i < hidden; i++) v[i] += m[i] / own.length;
      }
      for (let i = 0; i < hidden; i++) v[i] -= grand[i];
      normalize(projectOut(v, components));
      // Projection statistics of neutral tokens follow from their mean and covariance.
      let variance = 0;
      for (let i = 0; i < hidden; i++) variance += v[i] * dot(v, cov, i * hidden);
      baseline.push({ mean: dot(v, neutralMean), std: Math.sqrt(Math.max(variance, 1e-12)) });
      vectors.push(Float32Array.from(v));
    }
    const set: LayerVectors = {
      layer: l,
      vectors,
      baseline,
      storyMean: Float32Array.from(grand),
      componentsRemoved: components.length,
      varianceRemoved: explained,
    };
    layerSets.push(set);
    perLayer.push({
      layer: l,
      ...heldOutMetrics(emotions, set, heldOut.map((h) => ({ emotion: h.story.emotion, mean: h.means.get(l)! }))),
    });
    report({ phase: 'vectors', done: li + 1, total: layers.length });
  }

  return {
    vectors: {
      header: {
        format: VECTOR_FILE_FORMAT,
        version: VECTOR_FILE_VERSION,
        model: reader.model,
        hiddenSize: hidden,
        numLayers: reader.numLayers,
        emotions,
        tokenStart,
        pcaSource: 'neutral-tokens',
        pcaVarianceShare: varianceShare,
        neutralTokensSampled: neutralTokens,
        storiesUsed: train.length + heldOut.length,
        storiesSkipped: skipped,
        corpusHash: corpusHash(corpus),
        createdAt: new Date().toISOString(),
        choice: chooseLayer(perLayer, reader.numLayers),
        chunkTokens: READ_CHUNK_TOKENS,
      },
      layers: layerSets,
    },
    heldOut: heldOut.map((h) => ({ emotion: h.story.emotion, storyId: h.story.id, means: h.means })),
  };
}
