// Calibration: turns residual activations over the story corpus into emotion vectors, following
// the published recipe — mean activation per story from a token offset on, emotion mean minus
// a valence-balanced grand mean, neutral principal components (up to a variance share) projected
// out, unit norm, and a neutral baseline for z-scores. The layer is chosen on one half of the
// held-out split; the report card reports on the other.

import type { Corpus, DialogueMessage, Story, Valence } from '../corpus/format';
import { corpusHash } from '../corpus/format';
import { CovarianceAccumulator, dot, normalize, principalComponents, projectOut } from './linalg';
import { auroc } from '../stats/stats';
import type { Baseline, EmotionVectorSet, LayerChoice, LayerVectors, ModelIdentity } from './vectors';
import { VECTOR_FILE_FORMAT, VECTOR_FILE_VERSION } from './vectors';
import { CALM, DESPERATE, READ_CHUNK_TOKENS } from '../contracts/reading';

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
export interface ActivationSource {
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

export interface StoryMeans {
  story: Story;
  /** Mean activation from tokenStart on, per layer. */
  means: Map<number, Float64Array>;
}

/** Mean of rows [from, to) of a [rows × hidden] activation block. */
export function meanRows(data: Float32Array, hidden: number, from: number, to: number): Float64Array {
  return meanOfRows(
    data,
    hidden,
    Array.from({ length: to - from }, (_, k) => from + k),
  );
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

/** Per held-out story: whether its top emotion is right, and its desperate − calm projection. */
export function heldOutReadings(
  emotions: readonly string[],
  layer: Pick<LayerVectors, 'vectors' | 'storyMean'>,
  heldOut: readonly { emotion: string; mean: ArrayLike<number> }[],
): { emotion: string; correct: boolean; desperateMinusCalm: number }[] {
  const d = emotions.indexOf(DESPERATE);
  const c = emotions.indexOf(CALM);
  return heldOut.map((h) => {
    const p = centredProjections(h.mean, layer);
    let best = 0;
    for (let e = 1; e < p.length; e++) if (p[e] > p[best]) best = e;
    return {
      emotion: h.emotion,
      correct: emotions[best] === h.emotion,
      desperateMinusCalm: d >= 0 && c >= 0 ? p[d] - p[c] : NaN,
    };
  });
}

/** Held-out top-1 accuracy over all emotions and desperate-vs-calm AUROC for one layer, on centred projections. */
export function heldOutMetrics(
  emotions: readonly string[],
  layer: Pick<LayerVectors, 'vectors' | 'storyMean'>,
  heldOut: readonly { emotion: string; mean: ArrayLike<number> }[],
): HeldOutMetrics {
  const readings = heldOutReadings(emotions, layer, heldOut);
  const of = (e: string) => readings.filter((r) => r.emotion === e).map((r) => r.desperateMinusCalm);
  return {
    top1Accuracy: readings.length ? readings.filter((r) => r.correct).length / readings.length : NaN,
    desperateCalmAuroc: auroc(of(DESPERATE), of(CALM)),
  };
}

/** How deep the residual after `layer` sits: 1 after the last decoder layer. */
export function depthFraction(layer: number, numLayers: number): number {
  return (layer + 1) / numLayers;
}

/** Prefers held-out separation; among near-ties, the layer closest to two-thirds depth. */
export function chooseLayer(perLayer: LayerChoice['perLayer'], numLayers: number): LayerChoice {
  const score = (m: LayerChoice['perLayer'][number]) =>
    (Number.isFinite(m.top1Accuracy) ? m.top1Accuracy : 0) +
    (Number.isFinite(m.desperateCalmAuroc) ? m.desperateCalmAuroc : 0);
  const best = Math.max(...perLayer.map(score));
  const target = (2 / 3) * (numLayers - 1);
  const candidates = perLayer.filter((m) => score(m) >= best - 0.02);
  const chosen = candidates.reduce((a, b) => (Math.abs(b.layer - target) < Math.abs(a.layer - target) ? b : a));
  const reason =
    `layer ${chosen.layer} of ${numLayers} (depth ${depthFraction(chosen.layer, numLayers).toFixed(2)}): layer-choice half of the held-out stories, top-1 accuracy ${chosen.top1Accuracy.toFixed(3)}, ` +
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

export type HeldOutHalf = 'layer-choice' | 'report';

/**
 * Which half of the held-out stories each held-out story belongs to: the layer is chosen on one
 * half and the report card reports on the other, so the reported numbers are not the ones the
 * choice maximised. Per emotion, held-out stories in id order alternate between the halves.
 */
export function heldOutHalves(stories: readonly Story[]): Map<string, HeldOutHalf> {
  const byEmotion = new Map<string, Story[]>();
  for (const s of stories)
    if (s.split === 'heldout') byEmotion.set(s.emotion, [...(byEmotion.get(s.emotion) ?? []), s]);
  const halves = new Map<string, HeldOutHalf>();
  for (const list of byEmotion.values())
    [...list]
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .forEach((s, k) => halves.set(s.id, k % 2 === 0 ? 'layer-choice' : 'report'));
  return halves;
}

/**
 * The centre emotion vectors are measured from: the mean of the positive emotions' means and the
 * mean of the negative emotions' means, averaged. The corpus has more negative emotions than
 * positive ones (13 to 7); a plain mean over stories sits on the negative side, which shortens
 * every negative vector and gives every positive one a shared "not negative" component. With a
 * single valence group it is the mean of the emotion means.
 */
export function balancedCentre(emotionMeans: readonly ArrayLike<number>[], valences: readonly Valence[]): Float64Array {
  const hidden = emotionMeans[0].length;
  const groups = (['+', '-'] as const)
    .map((v) => emotionMeans.filter((_, e) => valences[e] === v))
    .filter((g) => g.length > 0);
  const centre = new Float64Array(hidden);
  for (const g of groups)
    for (const m of g) for (let i = 0; i < hidden; i++) centre[i] += m[i] / g.length / groups.length;
  return centre;
}

/** Neutral-token statistics of one layer: what vectors are cleaned of and z-scored against. */
export interface NeutralStatistics {
  mean: Float64Array;
  covariance: Float64Array;
  /** Principal components removed from every vector. */
  components: Float64Array[];
  explained: number;
}

export function neutralStatistics(acc: CovarianceAccumulator, varianceShare: number): NeutralStatistics {
  const covariance = acc.covariance();
  const { components, explained } = principalComponents(covariance, acc.dim, varianceShare);
  return { mean: acc.mean(), covariance, components, explained };
}

/** Mean and spread of neutral tokens' projections on `v`, from their mean and covariance. */
export function neutralBaseline(
  v: ArrayLike<number>,
  neutral: Pick<NeutralStatistics, 'mean' | 'covariance'>,
): Baseline {
  const hidden = v.length;
  let variance = 0;
  for (let i = 0; i < hidden; i++) variance += v[i] * dot(v, neutral.covariance, i * hidden);
  return { mean: dot(v, neutral.mean), std: Math.sqrt(Math.max(variance, 1e-12)) };
}

/**
 * One layer's vectors from labelled story means: emotion mean minus the valence-balanced centre,
 * neutral components projected out, unit norm, neutral baseline. The report card's shuffled-label
 * control runs the same function on permuted labels.
 */
export function buildLayerVectors(
  layer: number,
  emotions: readonly string[],
  valences: readonly Valence[],
  train: readonly { emotion: string; mean: ArrayLike<number> }[],
  neutral: NeutralStatistics,
): LayerVectors {
  const hidden = neutral.mean.length;
  const emotionMeans = emotions.map((e) => {
    const own = train.filter((s) => s.emotion === e);
    const m = new Float64Array(hidden);
    for (const s of own) for (let i = 0; i < hidden; i++) m[i] += s.mean[i] / own.length;
    return m;
  });
  const centre = balancedCentre(emotionMeans, valences);
  const vectors = emotionMeans.map((m) => {
    const v = Float64Array.from(m, (x, i) => x - centre[i]);
    return normalize(projectOut(v, neutral.components));
  });
  return {
    layer,
    vectors: vectors.map((v) => Float32Array.from(v)),
    baseline: vectors.map((v) => neutralBaseline(v, neutral)),
    storyMean: Float32Array.from(centre),
    componentsRemoved: neutral.components.length,
    varianceRemoved: neutral.explained,
  };
}

/** Per-story mean activation from `tokenStart` on, per layer; stories too short are counted as skipped. */
export async function readStoryMeans(
  stories: readonly Story[],
  reader: ActivationSource,
  layers: readonly number[],
  opts: {
    tokenStart: number;
    minTokensAfterStart: number;
    signal?: AbortSignal;
    onProgress?: (done: number, total: number) => void;
  },
): Promise<{ means: StoryMeans[]; skipped: number }> {
  const means: StoryMeans[] = [];
  let skipped = 0;
  for (let i = 0; i < stories.length; i++) {
    checkAborted(opts.signal);
    const acts = await reader.readText(stories[i].text, layers);
    if (acts.numTokens < opts.tokenStart + opts.minTokensAfterStart) skipped++;
    else
      means.push({
        story: stories[i],
        means: new Map(
          layers.map((l) => [l, meanRows(acts.layers.get(l)!, reader.hiddenSize, opts.tokenStart, acts.numTokens)]),
        ),
      });
    opts.onProgress?.(i + 1, stories.length);
  }
  return { means, skipped };
}

/** Neutral-token mean and covariance per layer over the training dialogues' content tokens, sampled evenly. */
export async function accumulateNeutral(
  corpus: Corpus,
  reader: ActivationSource,
  layers: readonly number[],
  opts: { budget: number; signal?: AbortSignal; onProgress?: (done: number, total: number) => void },
): Promise<Map<number, CovarianceAccumulator>> {
  const hidden = reader.hiddenSize;
  const accumulators = new Map(layers.map((l) => [l, new CovarianceAccumulator(hidden)]));
  const neutral = corpus.neutral.filter((d) => d.split === 'train');
  const estimatedTokens = neutral.reduce((n, d) => n + d.messages.reduce((m, x) => m + x.text.length, 0) / 4, 0);
  const stride = Math.max(1, Math.round(estimatedTokens / opts.budget));
  let tokenIndex = 0;
  for (let i = 0; i < neutral.length; i++) {
    checkAborted(opts.signal);
    const acts = await reader.readConversation(neutral[i].messages, layers);
    const picked = contentTokensOf(acts).filter(() => tokenIndex++ % stride === 0);
    for (const l of layers) {
      const data = acts.layers.get(l)!;
      const rows = new Float32Array(picked.length * hidden);
      picked.forEach((t, r) => rows.set(data.subarray(t * hidden, (t + 1) * hidden), r * hidden));
      accumulators.get(l)!.addRows(rows, picked.length);
    }
    opts.onProgress?.(i + 1, neutral.length);
  }
  return accumulators;
}

/** Valence label per emotion, in the order of `emotions` (unknown emotions count as positive). */
export function valencesOf(corpus: Corpus, emotions: readonly string[]): Valence[] {
  return emotions.map((e) => corpus.emotions.find((x) => x.name === e)?.valence ?? '+');
}

/** Default of `neutralTokenBudget`. */
export const NEUTRAL_TOKEN_BUDGET = 4096;

export async function calibrate(
  corpus: Corpus,
  reader: ActivationSource,
  options: CalibrationOptions = {},
): Promise<CalibrationResult> {
  const tokenStart = options.tokenStart ?? 50;
  const minAfter = options.minTokensAfterStart ?? MIN_TOKENS_AFTER_START;
  const varianceShare = options.pcaVarianceShare ?? 0.5;
  const budget = options.neutralTokenBudget ?? NEUTRAL_TOKEN_BUDGET;
  const layers = options.layers ?? Array.from({ length: reader.numLayers }, (_, i) => i);
  const emotions = corpus.emotions.map((e) => e.name);
  const valences = valencesOf(corpus, emotions);
  const report = options.onProgress ?? (() => {});
  if (!layers.length) throw new CalibrationError('no layers to calibrate');
  for (const l of layers)
    if (!Number.isInteger(l) || l < 0 || l >= reader.numLayers)
      throw new CalibrationError(`layer ${l} is outside the model's 0…${reader.numLayers - 1}`);

  // 1. Story means.
  const stories = corpus.stories.filter((s) => emotions.includes(s.emotion));
  const { means, skipped } = await readStoryMeans(stories, reader, layers, {
    tokenStart,
    minTokensAfterStart: minAfter,
    signal: options.signal,
    onProgress: (done, total) => report({ phase: 'stories', done, total }),
  });
  const train = means.filter((s) => s.story.split !== 'heldout');
  const heldOut = means.filter((s) => s.story.split === 'heldout');
  const halves = heldOutHalves(stories);
  const layerChoiceHalf = heldOut.filter((s) => halves.get(s.story.id) === 'layer-choice');
  for (const e of emotions)
    if (!train.some((s) => s.story.emotion === e))
      throw new CalibrationError(`no usable training story for '${e}' (stories need ${tokenStart + minAfter}+ tokens)`);

  // 2. Neutral token statistics per layer, on evenly sampled tokens.
  const accumulators = await accumulateNeutral(corpus, reader, layers, {
    budget,
    signal: options.signal,
    onProgress: (done, total) => report({ phase: 'neutral', done, total }),
  });
  const neutralTokens = accumulators.get(layers[0])!.count;
  if (neutralTokens < 2) throw new CalibrationError('the neutral dialogues produced too few tokens for a baseline');

  // 3. Vectors, PCA removal, baseline, and the layer-choice half's metrics — per layer.
  const layerSets: LayerVectors[] = [];
  const perLayer: LayerChoice['perLayer'] = [];
  for (let li = 0; li < layers.length; li++) {
    checkAborted(options.signal);
    const l = layers[li];
    const set = buildLayerVectors(
      l,
      emotions,
      valences,
      train.map((s) => ({ emotion: s.story.emotion, mean: s.means.get(l)! })),
      neutralStatistics(accumulators.get(l)!, varianceShare),
    );
    layerSets.push(set);
    perLayer.push({
      layer: l,
      ...heldOutMetrics(
        emotions,
        set,
        layerChoiceHalf.map((h) => ({ emotion: h.story.emotion, mean: h.means.get(l)! })),
      ),
    });
    report({ phase: 'vectors', done: li + 1, total: layers.length });
  }

  return {
    vectors: {
      header: {
        format: VECTOR_FILE_FORMAT,
        version: VECTOR_FILE_VERSION,
        model: reader.model,
        hiddenSize: reader.hiddenSize,
        numLayers: reader.numLayers,
        emotions,
        tokenStart,
        pcaSource: 'neutral-tokens',
        pcaVarianceShare: varianceShare,
        neutralTokensSampled: neutralTokens,
        storiesUsed: means.length,
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
