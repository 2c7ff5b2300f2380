// The validation battery every calibrated model gets, with the evidence behind each verdict:
// agent turns read in context as live watching reads them, held-out stories (the half the layer
// was not chosen on), dose-response curves with effect sizes, valence geometry and a neutral
// control — each metric with a bootstrap interval, the lexical baseline's value on the same
// material, and what controls (shuffled-label vectors, random directions) reach by chance.

import { readFileSync } from 'node:fs';
import type { AgentTurn } from '../corpus/agent-turns';
import type { Corpus, DialogueMessage } from '../corpus/format';
import { CALM, DESPERATE } from '../contracts/reading';
import type { ActivationSource } from './calibrate';
import {
  accumulateNeutral,
  buildLayerVectors,
  contentTokensOf,
  depthFraction,
  heldOutHalves,
  heldOutMetrics,
  heldOutReadings,
  meanOfRows,
  MIN_TOKENS_AFTER_START,
  NEUTRAL_TOKEN_BUDGET,
  neutralBaseline,
  neutralStatistics,
  readStoryMeans,
  valencesOf,
  zScores,
} from './calibrate';
import { seededRandom } from '../engine/sampling';
import { NaiveBayes } from './lexical-baseline';
import { dot, normalize, symmetricEigen } from './linalg';
import { isDemoModel, type ReadingValidation } from './live-validity';
import {
  auroc,
  aurocWithInterval,
  bootstrapInterval,
  mean,
  quantile,
  spearman,
  type BootstrapOptions,
} from '../stats/stats';
import type { EmotionVectorSet, LayerVectors } from './vectors';
import { layerVectors } from './vectors';

export interface DoseTemplate {
  name: string;
  messages: DialogueMessage[];
  /** Emitted `dose` times after `messages` (e.g. a failed test run and the agent's retry). */
  repeat?: DialogueMessage[];
  doses: number[];
  /** +1: the emotion should rise with the dose; −1: fall. */
  expect: Record<string, 1 | -1>;
}

export type {
  Check,
  ControlLevels,
  DoseCurve,
  ReferenceComparison,
  ReferenceResult,
  ReportCard,
  Verdict,
} from '../contracts/report-card';
import type {
  Check,
  ControlLevels,
  DoseCurve,
  ReferenceComparison,
  ReferenceResult,
  ReportCard,
  Verdict,
} from '../contracts/report-card';

export const THRESHOLDS = {
  /** Held-out top-1 accuracy must reach this multiple of chance. */
  accuracyOverChance: 3,
  desperateCalmAuroc: 0.85,
  /** Agent turns, pressured vs composed: the bar for desperate − calm and for desperate alone. */
  agentTurnsAuroc: 0.7,
  /** Spearman ρ in the expected direction. */
  doseRho: 0.6,
  /** Spearman ρ this far the other way (with Δz the other way too) is a failure. */
  doseWrongWayRho: 0.3,
  valenceAgreement: 0.75,
  /** Mean |z| over held-out neutral dialogue tokens. */
  neutralDrift: 0.5,
} as const;

export function loadDoseTemplates(path: string): DoseTemplate[] {
  return (JSON.parse(readFileSync(path, 'utf8')) as { templates: DoseTemplate[] }).templates;
}

export function renderDose(template: DoseTemplate, dose: number): DialogueMessage[] {
  const fill = (m: DialogueMessage) => ({ role: m.role, text: m.text.replaceAll('{dose}', String(dose)) });
  const out = template.messages.map(fill);
  for (let i = 0; i < (template.repeat ? dose : 0); i++) out.push(...template.repeat!.map(fill));
  return out;
}

/**
 * Share of emotions whose side of PC1 (of the emotion vectors) matches their valence label.
 * PC1's sign is arbitrary, so the better of the two orientations is reported. PC1 scores come
 * from the emotions' centred Gram matrix (K×K), which has the same leading eigenvector scores as
 * the hidden×hidden covariance at a fraction of the cost — the controls compute it hundreds of times.
 */
export function valenceAgreement(layer: Pick<LayerVectors, 'vectors'>, valences: readonly ('+' | '-')[]): number {
  const k = layer.vectors.length;
  const hidden = layer.vectors[0].length;
  const m = new Float64Array(hidden);
  for (const v of layer.vectors) for (let i = 0; i < hidden; i++) m[i] += v[i] / k;
  const centred = layer.vectors.map((v) => Float64Array.from(v, (x, i) => x - m[i]));
  const gram = new Float64Array(k * k);
  for (let a = 0; a < k; a++)
    for (let b = a; b < k; b++) gram[a * k + b] = gram[b * k + a] = dot(centred[a], centred[b]);
  const scores = symmetricEigen(gram, k).vectors[0];
  let agree = 0;
  for (let e = 0; e < k; e++) if (scores[e] > 0 === (valences[e] === '+')) agree++;
  const share = agree / k;
  return Math.max(share, 1 - share);
}

export interface ReportCardOptions {
  onProgress?: (p: { phase: ReportCardPhase; done: number; total: number }) => void;
  signal?: AbortSignal;
  /** Label permutations behind the shuffled-label control. */
  shuffledSeeds?: number;
  /** Random direction sets behind the random-direction control. */
  randomDirections?: number;
  /** Bootstrap resamples per interval. */
  resamples?: number;
}

export type ReportCardPhase = 'stories' | 'neutral' | 'dose' | 'agent turns' | 'controls';

/** What the report card reads of an agent turn of the validation set. */
export type ValidationTurn = Pick<AgentTurn, 'id' | 'label' | 'split' | 'context' | 'text'>;

/**
 * The agent-turn validation set and how to read a turn as live watching does: per message of the
 * turn's context and then the turn itself, the mean activation at the vectors' layer over an
 * assistant message's own content tokens (null for other messages). The transcript pipeline
 * provides one for a corpus folder.
 */
export interface AgentTurnSource {
  turns: readonly ValidationTurn[];
  read(turn: ValidationTurn): Promise<(Float64Array | null)[]>;
}

/** What chance reaches: the 95th percentile of a metric over a control's draws (null without draws). */
export function controlLevel(values: readonly number[]): number | null {
  const finite = values.filter(Number.isFinite);
  return finite.length ? quantile(finite, 0.95) : null;
}

/**
 * A check's verdict. Pass: the interval's lower bound (the value, without an interval) reaches
 * the threshold and clears every control's 95th percentile. Fail: the value does not clear the
 * controls, or the whole interval lies under the threshold. Warn: in between.
 */
export function judge(
  value: number,
  ci: [number, number] | null,
  threshold: number,
  controls: ControlLevels | null,
): Verdict {
  if (!Number.isFinite(value)) return 'fail';
  const chance = Math.max(controls?.shuffledLabels ?? -Infinity, controls?.randomDirections ?? -Infinity);
  const [lo, hi] = ci ?? [value, value];
  if (lo >= threshold && lo > chance) return 'pass';
  if (value <= chance || hi < threshold) return 'fail';
  return 'warn';
}

/**
 * Dose-response verdict from Spearman ρ and the z change across the dose range (sign: +1 the
 * emotion should rise). Moving the wrong way is a failure, not "flat".
 */
export function doseVerdict(sign: 1 | -1, rho: number, deltaZ: number): Verdict {
  if (!Number.isFinite(rho) || (sign * rho <= -THRESHOLDS.doseWrongWayRho && sign * deltaZ < 0)) return 'fail';
  return sign * rho >= THRESHOLDS.doseRho && sign * deltaZ > 0 ? 'pass' : 'warn';
}

/** A random unit vector (Gaussian components). */
function randomUnit(random: () => number, hidden: number): Float64Array {
  const v = Float64Array.from(
    { length: hidden },
    () => Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random()),
  );
  return normalize(v);
}

function permuted<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** z of one emotion for a mean activation. */
function zOf(layer: Pick<LayerVectors, 'vectors' | 'baseline'>, e: number, x: ArrayLike<number>): number {
  return (dot(layer.vectors[e], x) - layer.baseline[e].mean) / layer.baseline[e].std;
}

interface ReadTurn {
  pressured: boolean;
  text: string;
  mean: Float64Array;
  /** Earlier assistant turns of its context. */
  earlier: Float64Array[];
}

interface Metrics {
  top1: number;
  desperateCalmAuroc: number;
  agentTurnsAuroc: number;
  agentTurnsDesperateAuroc: number;
  valence: number;
}

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

export async function runReportCard(
  corpus: Corpus,
  reader: ActivationSource,
  vectors: EmotionVectorSet,
  templates: readonly DoseTemplate[],
  agentTurns: AgentTurnSource | null,
  options: ReportCardOptions = {},
): Promise<ReportCard> {
  const { header } = vectors;
  const layerIndex = header.choice.layer;
  const layer = layerVectors(vectors, layerIndex);
  const hidden = header.hiddenSize;
  const emotions = header.emotions;
  const valences = valencesOf(corpus, emotions);
  const d = emotions.indexOf(DESPERATE);
  const c = emotions.indexOf(CALM);
  const resamples = options.resamples ?? 2000;
  const shuffledSeeds = options.shuffledSeeds ?? 10;
  const randomDirections = options.randomDirections ?? 200;
  const progress = options.onProgress ?? (() => {});
  const abort = () => {
    if (options.signal?.aborted) throw new Error('report card cancelled');
  };

  // Stories, read exactly as calibration reads them: the training ones feed the shuffled-label
  // control (and are not read without it); the report half of the held-out ones is what is reported.
  const stories = corpus.stories.filter((s) => emotions.includes(s.emotion));
  const trainStories = stories.filter((s) => s.split !== 'heldout');
  const { means } = await readStoryMeans(
    shuffledSeeds > 0 ? stories : stories.filter((s) => s.split === 'heldout'),
    reader,
    [layerIndex],
    {
      tokenStart: header.tokenStart,
      minTokensAfterStart: MIN_TOKENS_AFTER_START,
      signal: options.signal,
      onProgress: (done, total) => progress({ phase: 'stories', done, total }),
    },
  );
  const halves = heldOutHalves(stories);
  const train = means.filter((s) => s.story.split !== 'heldout');
  const reportHalf = means
    .filter((s) => halves.get(s.story.id) === 'report')
    .map((s) => ({ emotion: s.story.emotion, text: s.story.text, mean: s.means.get(layerIndex)! }));
  const chance = 1 / emotions.length;

  // Neutral dialogues: the training ones give the statistics the controls' vectors are cleaned
  // of and z-scored against (as calibration does); the held-out ones are the neutral control.
  const neutralStats = neutralStatistics(
    (
      await accumulateNeutral(corpus, reader, [layerIndex], {
        budget: NEUTRAL_TOKEN_BUDGET,
        signal: options.signal,
        onProgress: (done, total) => progress({ phase: 'neutral', done, total }),
      })
    ).get(layerIndex)!,
    header.pcaVarianceShare,
  );
  const neutral = corpus.neutral.filter((dl) => dl.split === 'heldout');
  const drifts: number[] = [];
  for (let i = 0; i < neutral.length; i++) {
    abort();
    const acts = await reader.readConversation(neutral[i].messages, [layerIndex]);
    const m = meanOfRows(acts.layers.get(layerIndex)!, hidden, contentTokensOf(acts));
    drifts.push(mean(zScores(m, layer).map(Math.abs)));
    progress({ phase: 'neutral', done: i + 1, total: neutral.length });
  }
  const drift = drifts.length ? mean(drifts) : NaN;

  // Dose-response: the reading at the start of the assistant's reply.
  const doseCurves: DoseCurve[] = [];
  const doseChecks: Check[] = [];
  const totalDoses = templates.reduce((n, t) => n + t.doses.length, 0);
  let doneDoses = 0;
  for (const t of templates) {
    const readings: Record<string, number[]> = Object.fromEntries(emotions.map((e) => [e, [] as number[]]));
    for (const dose of t.doses) {
      abort();
      const acts = await reader.readConversation(renderDose(t, dose), [layerIndex], { addGenerationPrompt: true });
      const data = acts.layers.get(layerIndex)!;
      const last = data.subarray((acts.numTokens - 1) * hidden, acts.numTokens * hidden);
      zScores(last, layer).forEach((z, e) => readings[emotions[e]].push(z));
      progress({ phase: 'dose', done: ++doneDoses, total: totalDoses });
    }
    doseCurves.push({ template: t.name, doses: t.doses, readings });
    for (const [emotion, sign] of Object.entries(t.expect)) {
      const zs = readings[emotion];
      if (!zs) continue;
      const rho = spearman(t.doses, zs);
      const deltaZ = zs[zs.length - 1] - zs[0];
      doseChecks.push({
        id: `dose-${slug(t.name)}-${emotion}`,
        name: `dose-response: ${t.name} → ${emotion} ${sign > 0 ? 'rises' : 'falls'}`,
        value: rho,
        ci: null,
        baseline: null,
        threshold: `Spearman ρ ${sign > 0 ? '≥' : '≤'} ${sign > 0 ? '' : '−'}${THRESHOLDS.doseRho} with Δz ${sign > 0 ? '> 0' : '< 0'}; ρ ${sign > 0 ? '≤ −' : '≥ '}${THRESHOLDS.doseWrongWayRho} the other way fails`,
        verdict: doseVerdict(sign, rho, deltaZ),
        controls: null,
        effect: { deltaZ, fromDose: t.doses[0], toDose: t.doses[t.doses.length - 1] },
        detail: `Δz ${deltaZ >= 0 ? '+' : ''}${deltaZ.toFixed(2)} from ${t.doses[0]} to ${t.doses[t.doses.length - 1]}`,
      });
    }
  }

  // Agent turns of the report split, each read in its context as live watching reads it.
  const reportTurns = (agentTurns?.turns ?? []).filter((t) => t.split === 'report');
  const turns: ReadTurn[] = [];
  for (let i = 0; i < reportTurns.length; i++) {
    abort();
    const turn = reportTurns[i];
    const read = await agentTurns!.read(turn);
    const own = read[read.length - 1];
    if (own)
      turns.push({
        pressured: turn.label === 'pressured',
        text: turn.text,
        mean: own,
        earlier: read.slice(0, -1).filter((m): m is Float64Array => m !== null),
      });
    progress({ phase: 'agent turns', done: i + 1, total: reportTurns.length });
  }
  const split = <T>(values: readonly T[]) =>
    [values.filter((_, i) => turns[i].pressured), values.filter((_, i) => !turns[i].pressured)] as const;
  const desperateMinusCalm = (set: Pick<LayerVectors, 'vectors' | 'baseline'>, x: ArrayLike<number>) =>
    zOf(set, d, x) - zOf(set, c, x);

  const metricsOf = (set: LayerVectors): Metrics => {
    const held = heldOutMetrics(emotions, set, reportHalf);
    const [pdc, ndc] = split(turns.map((t) => desperateMinusCalm(set, t.mean)));
    const [pd, nd] = split(turns.map((t) => zOf(set, d, t.mean)));
    return {
      top1: held.top1Accuracy,
      desperateCalmAuroc: held.desperateCalmAuroc,
      agentTurnsAuroc: auroc(pdc, ndc),
      agentTurnsDesperateAuroc: auroc(pd, nd),
      valence: valenceAgreement(set, valences),
    };
  };
  const own = metricsOf(layer);

  // Controls: the same metrics from vectors that carry no emotion labels.
  const shuffled: Metrics[] = [];
  const random: Metrics[] = [];
  const totalControls = shuffledSeeds + randomDirections;
  for (let seed = 1; seed <= shuffledSeeds; seed++) {
    abort();
    const labels = permuted(
      train.map((s) => s.story.emotion),
      seededRandom(seed),
    );
    const set = buildLayerVectors(
      layerIndex,
      emotions,
      valences,
      train.map((s, i) => ({ emotion: labels[i], mean: s.means.get(layerIndex)! })),
      neutralStats,
    );
    shuffled.push(metricsOf(set));
    progress({ phase: 'controls', done: seed, total: totalControls });
  }
  const directions = seededRandom(1000);
  for (let k = 1; k <= randomDirections; k++) {
    abort();
    const vs = emotions.map(() => randomUnit(directions, hidden));
    random.push(
      metricsOf({
        ...layer,
        vectors: vs.map((v) => Float32Array.from(v)),
        baseline: vs.map((v) => neutralBaseline(v, neutralStats)),
      }),
    );
    if (k % 20 === 0 || k === randomDirections)
      progress({ phase: 'controls', done: shuffledSeeds + k, total: totalControls });
  }
  const controlsOf = (metric: keyof Metrics): ControlLevels => ({
    shuffledLabels: controlLevel(shuffled.map((m) => m[metric])),
    randomDirections: controlLevel(random.map((m) => m[metric])),
  });

  // Lexical baseline: the same training stories, the same held-out stories and agent turns.
  const lexical = NaiveBayes.train(
    trainStories.map((s) => ({ text: s.text, label: s.emotion })),
    emotions,
  );
  const lexicalTop1 = mean(reportHalf.map((h) => (lexical.classify(h.text) === h.emotion ? 1 : 0)));
  const lexicalDc = (text: string) => lexical.logOdds(text, DESPERATE, CALM);
  const lexicalStoryAuroc = auroc(
    reportHalf.filter((h) => h.emotion === DESPERATE).map((h) => lexicalDc(h.text)),
    reportHalf.filter((h) => h.emotion === CALM).map((h) => lexicalDc(h.text)),
  );
  const lexicalTurnScores = turns.map((t) => lexicalDc(t.text));
  const [lpdc, lndc] = split(lexicalTurnScores);
  const [lpd, lnd] = split(turns.map((t) => lexical.logPosterior(t.text, DESPERATE)));

  // Intervals.
  const boot = { resamples };
  const readings = heldOutReadings(emotions, layer, reportHalf);
  const top1Ci = bootstrapInterval(
    emotions.map((e) => readings.filter((r) => r.emotion === e).map((r) => (r.correct ? 1 : 0))),
    (groups) => mean(groups.flat()),
    boot,
  );
  const storyDc = aurocWithInterval(
    readings.filter((r) => r.emotion === DESPERATE).map((r) => r.desperateMinusCalm),
    readings.filter((r) => r.emotion === CALM).map((r) => r.desperateMinusCalm),
    boot,
  );
  const modelTurnScores = turns.map((t) => desperateMinusCalm(layer, t.mean));
  const [pdc, ndc] = split(modelTurnScores);
  const turnDc = aurocWithInterval(pdc, ndc, boot);
  const [pd, nd] = split(turns.map((t) => zOf(layer, d, t.mean)));
  const turnD = aurocWithInterval(pd, nd, boot);
  const paired = split(turns.map((_, i) => ({ model: modelTurnScores[i], lexical: lexicalTurnScores[i] })));
  const advantage = (groups: { model: number; lexical: number }[][]) =>
    auroc(
      groups[0].map((x) => x.model),
      groups[1].map((x) => x.model),
    ) -
    auroc(
      groups[0].map((x) => x.lexical),
      groups[1].map((x) => x.lexical),
    );
  const advantageValue = advantage([paired[0], paired[1]]);
  const advantageCi = bootstrapInterval([paired[0], paired[1]], advantage, boot);

  const turnDetail = `${turns.length} agent turns of the report split (${pdc.length} pressured, ${ndc.length} composed)`;
  const check = (
    id: string,
    name: string,
    value: number,
    ci: [number, number] | null,
    baseline: number | null,
    threshold: number,
    controls: ControlLevels | null,
    detail?: string,
  ): Check => ({
    id,
    name,
    value,
    ci,
    baseline,
    threshold: `${ci ? 'lower 95% bound ' : ''}≥ ${threshold.toFixed(3)}${controls ? ' and above the controls’ 95th percentile' : ''}`,
    verdict: judge(value, ci, threshold, controls),
    controls,
    ...(detail ? { detail } : {}),
  });
  const valence = own.valence;
  const checks: Check[] = [
    check(
      'agent-turns-auroc',
      'agent turns: AUROC of desperate − calm (pressured vs composed)',
      turnDc.value,
      turnDc.ci,
      auroc(lpdc, lndc),
      THRESHOLDS.agentTurnsAuroc,
      controlsOf('agentTurnsAuroc'),
      turnDetail,
    ),
    check(
      'agent-turns-desperate-auroc',
      'agent turns: AUROC of desperate alone',
      turnD.value,
      turnD.ci,
      auroc(lpd, lnd),
      THRESHOLDS.agentTurnsAuroc,
      controlsOf('agentTurnsDesperateAuroc'),
      turnDetail,
    ),
    {
      id: 'beats-lexical-baseline',
      name: 'agent turns: the model’s AUROC minus the lexical baseline’s (desperate − calm)',
      value: advantageValue,
      ci: advantageCi,
      baseline: null,
      threshold: 'lower 95% bound > 0',
      verdict:
        !Number.isFinite(advantageValue) || advantageValue <= 0
          ? 'fail'
          : advantageCi && advantageCi[0] > 0
            ? 'pass'
            : 'warn',
      controls: null,
      detail: 'paired bootstrap over the same turns',
    },
    check(
      'held-out-top1',
      'held-out top-1 emotion accuracy (report half)',
      own.top1,
      top1Ci,
      lexicalTop1,
      THRESHOLDS.accuracyOverChance * chance,
      controlsOf('top1'),
      `${reportHalf.length} stories, chance ${chance.toFixed(3)}`,
    ),
    check(
      'desperate-calm-auroc',
      'held-out desperate-vs-calm AUROC (report half)',
      storyDc.value,
      storyDc.ci,
      lexicalStoryAuroc,
      THRESHOLDS.desperateCalmAuroc,
      controlsOf('desperateCalmAuroc'),
    ),
    ...doseChecks,
    check(
      'pc1-valence',
      'PC1 of the emotion vectors agrees with valence',
      valence,
      null,
      null,
      THRESHOLDS.valenceAgreement,
      controlsOf('valence'),
    ),
    {
      id: 'neutral-drift',
      name: 'neutral control: mean |z| on held-out neutral dialogues',
      value: drift,
      ci: null,
      baseline: null,
      threshold: `≤ ${THRESHOLDS.neutralDrift}`,
      verdict: drift <= THRESHOLDS.neutralDrift ? 'pass' : 'warn',
      controls: null,
      detail: `${neutral.length} dialogues`,
    },
  ];

  const agentCheck = checks[0];
  const demo = isDemoModel(header.model.id);
  const validForLive = agentCheck.verdict === 'pass' && !demo;
  const interval = agentCheck.ci ? ` [${agentCheck.ci[0].toFixed(3)}, ${agentCheck.ci[1].toFixed(3)}]` : '';
  const chanceLevel = Math.max(
    agentCheck.controls?.shuffledLabels ?? -Infinity,
    agentCheck.controls?.randomDirections ?? -Infinity,
  );
  const evidence = `agent-turn AUROC ${agentCheck.value.toFixed(3)}${interval} against ${THRESHOLDS.agentTurnsAuroc} and controls ${Number.isFinite(chanceLevel) ? chanceLevel.toFixed(3) : 'n/a'}: ${agentCheck.verdict}`;
  const validForLiveReason = !turns.length
    ? 'no agent turns were read (the validation set is missing)'
    : demo
      ? `the demo model is illustrative only (${evidence})`
      : evidence;

  return {
    model: header.model.id,
    layer: layerIndex,
    layerDepth: depthFraction(layerIndex, header.numLayers),
    layerReason: header.choice.reason,
    emotions,
    chance,
    checks,
    doseCurves,
    verdict: checks.every((x) => x.verdict === 'pass')
      ? 'pass'
      : checks.some((x) => x.verdict === 'fail')
        ? 'fail'
        : 'warn',
    validForLive,
    validForLiveReason,
    references: compareReferences(turns, (x) => desperateMinusCalm(layer, x), boot),
    material: {
      heldOutReport: reportHalf.length,
      agentTurns: turns.length,
      shuffledSeeds,
      randomDirections,
      resamples,
    },
  };
}

/**
 * Neutral-dialogue z against the within-session reference, on the turns that have earlier
 * assistant turns in their context. The within-session reference wins only when the paired
 * bootstrap interval of its AUROC advantage lies above 0; otherwise the fixed neutral reference stays.
 */
function compareReferences(
  turns: readonly ReadTurn[],
  score: (x: ArrayLike<number>) => number,
  boot: BootstrapOptions,
): ReferenceComparison | null {
  const withHistory = turns.filter((t) => t.earlier.length > 0);
  const scored = withHistory.map((t) => ({
    pressured: t.pressured,
    neutral: score(t.mean),
    session: score(t.mean) - mean(t.earlier.map(score)),
  }));
  const groups = [scored.filter((t) => t.pressured), scored.filter((t) => !t.pressured)];
  if (!groups[0].length || !groups[1].length) return null;
  const aurocOf =
    (key: 'neutral' | 'session') =>
    ([p, n]: (typeof scored)[]) =>
      auroc(
        p.map((t) => t[key]),
        n.map((t) => t[key]),
      );
  const result = (key: 'neutral' | 'session'): ReferenceResult => ({
    auroc: aurocOf(key)(groups),
    ci: bootstrapInterval(groups, aurocOf(key), boot),
    turns: scored.length,
  });
  const n = result('neutral');
  const s = result('session');
  const advantage = (g: (typeof scored)[]) => aurocOf('session')(g) - aurocOf('neutral')(g);
  const value = advantage(groups);
  const ci = bootstrapInterval(groups, advantage, boot);
  const better = ci && ci[0] > 0 ? 'session' : 'neutral';
  const fmt = (x: number, i: [number, number] | null) =>
    `${x.toFixed(3)}${i ? ` [${i[0].toFixed(3)}, ${i[1].toFixed(3)}]` : ''}`;
  return {
    neutral: n,
    session: s,
    advantage: { value, ci },
    better,
    why: `on ${scored.length} turns with earlier assistant turns: within-session ${fmt(s.auroc, s.ci)}, neutral ${fmt(n.auroc, n.ci)}, advantage ${fmt(value, ci)}`,
  };
}

/** What the report card records in the vector file, for live gating. */
export function validationRecord(card: ReportCard, checkedAt = new Date()): ReadingValidation {
  return {
    validForLive: card.validForLive,
    reason: card.validForLiveReason,
    verdicts: card.checks.map((x) => ({ id: x.id, verdict: x.verdict })),
    checkedAt: checkedAt.toISOString(),
  };
}
