// The validation battery every calibrated model gets: held-out accuracy, desperate-vs-calm
// separation, dose-response curves, valence geometry and a neutral control — each with its
// threshold and a verdict, so users can judge whether a model's readings mean anything.

import { readFileSync } from 'node:fs';
import type { Corpus, DialogueMessage } from '../corpus/format';
import type { ActivationReader } from './calibrate';
import { contentTokensOf, heldOutMetrics, meanOfRows, meanRows, MIN_TOKENS_AFTER_START, zScores } from './calibrate';
import { CovarianceAccumulator, principalComponents } from './linalg';
import { mean, spearman } from './stats';
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

export type { Check, DoseCurve, ReportCard, Verdict } from './report-card-types';
import type { Check, DoseCurve, ReportCard, Verdict } from './report-card-types';

export const THRESHOLDS = {
  /** Held-out top-1 accuracy must reach this multiple of chance. */
  accuracyOverChance: 3,
  desperateCalmAuroc: 0.85,
  /** Spearman ρ in the expected direction. */
  doseRho: 0.6,
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

function verdict(ok: boolean): Verdict {
  return ok ? 'pass' : 'warn';
}

/**
 * Share of emotions whose side of PC1 (of the emotion vectors) matches their valence label.
 * PC1's sign is arbitrary, so the better of the two orientations is reported.
 */
export function valenceAgreement(layer: LayerVectors, valences: readonly ('+' | '-')[]): number {
  const hidden = layer.vectors[0].length;
  const acc = new CovarianceAccumulator(hidden);
  for (const v of layer.vectors) acc.addRows(v, 1);
  const { components } = principalComponents(acc.covariance(), hidden, 1e-9);
  const pc1 = components[0];
  const m = acc.mean();
  let agree = 0;
  layer.vectors.forEach((v, e) => {
    let s = 0;
    for (let i = 0; i < hidden; i++) s += (v[i] - m[i]) * pc1[i];
    if ((s > 0) === (valences[e] === '+')) agree++;
  });
  const share = agree / layer.vectors.length;
  return Math.max(share, 1 - share);
}

export interface ReportCardOptions {
  onProgress?: (p: { phase: 'held-out' | 'neutral' | 'dose'; done: number; total: number }) => void;
  signal?: AbortSignal;
}

export async function runReportCard(
  corpus: Corpus,
  reader: ActivationReader,
  vectors: EmotionVectorSet,
  templates: readonly DoseTemplate[],
  options: ReportCardOptions = {},
): Promise<ReportCard> {
  const { header } = vectors;
  const layerIndex = header.choice.layer;
  const layer = layerVectors(vectors, layerIndex);
  const hidden = header.hiddenSize;
  const emotions = header.emotions;
  const progress = options.onProgress ?? (() => {});
  const abort = () => {
    if (options.signal?.aborted) throw new Error('report card cancelled');
  };

  // Held-out stories, read exactly as calibration reads them.
  const heldOutStories = corpus.stories.filter((s) => s.split === 'heldout' && emotions.includes(s.emotion));
  const heldOut: { emotion: string; mean: Float64Array }[] = [];
  for (let i = 0; i < heldOutStories.length; i++) {
    abort();
    const acts = await reader.readText(heldOutStories[i].text, [layerIndex]);
    if (acts.numTokens >= header.tokenStart + MIN_TOKENS_AFTER_START)
      heldOut.push({ emotion: heldOutStories[i].emotion, mean: meanRows(acts.layers.get(layerIndex)!, hidden, header.tokenStart, acts.numTokens) });
    progress({ phase: 'held-out', done: i + 1, total: heldOutStories.length });
  }
  const metrics = heldOutMetrics(emotions, layer, heldOut);
  const chance = 1 / emotions.length;

  // Neutral control: held-out neutral dialogues should read near zero on every emotion.
  const neutral = corpus.neutral.filter((d) => d.split === 'heldout');
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
      if (!readings[emotion]) continue;
      const rho = spearman(t.doses, readings[emotion]);
      doseChecks.push({
        name: `dose-response: ${t.name} → ${emotion} ${sign > 0 ? 'rises' : 'falls'}`,
        value: rho,
        threshold: `Spearman ρ ${sign > 0 ? '≥' : '≤'} ${sign > 0 ? '' : '−'}${THRESHOLDS.doseRho}`,
        verdict: verdict(sign * rho >= THRESHOLDS.doseRho),
      });
    }
  }

  const valence = valenceAgreement(
    layer,
    emotions.map((e) => corpus.emotions.find((x) => x.name === e)?.valence ?? '+'),
  );
  const checks: Check[] = [
    {
      name: 'held-out top-1 emotion accuracy',
      value: metrics.top1Accuracy,
      threshold: `≥ ${THRESHOLDS.accuracyOverChance}× chance (${(THRESHOLDS.accuracyOverChance * chance).toFixed(3)})`,
      verdict: verdict(metrics.top1Accuracy >= THRESHOLDS.accuracyOverChance * chance),
      detail: `${heldOut.length} held-out stories, chance ${chance.toFixed(3)}`,
    },
    {
      name: 'desperate-vs-calm AUROC (held-out)',
      value: metrics.desperateCalmAuroc,
      threshold: `≥ ${THRESHOLDS.desperateCalmAuroc}`,
      verdict: verdict(metrics.desperateCalmAuroc >= THRESHOLDS.desperateCalmAuroc),
    },
    ...doseChecks,
    {
      name: 'PC1 of the emotion vectors agrees with valence',
      value: valence,
      threshold: `≥ ${THRESHOLDS.valenceAgreement}`,
      verdict: verdict(valence >= THRESHOLDS.valenceAgreement),
    },
    {
      name: 'neutral control: mean |z| on held-out neutral dialogues',
      value: drift,
      threshold: `≤ ${THRESHOLDS.neutralDrift}`,
      verdict: verdict(drift <= THRESHOLDS.neutralDrift),
      detail: `${neutral.length} dialogues`,
    },
  ];
  return {
    model: header.model.id,
    layer: layerIndex,
    layerReason: header.choice.reason,
    emotions,
    chance,
    checks,
    doseCurves,
    verdict: checks.every((c) => c.verdict === 'pass') ? 'pass' : 'warn',
  };
}
