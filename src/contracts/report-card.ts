// The report card's result shapes, free of Node imports so the webviews can share them.

export type Verdict = 'pass' | 'warn' | 'fail';

/** The 95th percentile of a check's metric under each control: what chance alone reaches. */
export interface ControlLevels {
  /** Vectors recomputed by the same pipeline from stories with permuted emotion labels. */
  shuffledLabels: number | null;
  /** Random unit directions in place of the vectors. */
  randomDirections: number | null;
}

export interface Check {
  /** Stable id: `agent-turns-auroc`, `held-out-top1`, `dose-<template>-<emotion>`, … */
  id: string;
  /** What the check measures, for people. */
  name: string;
  value: number;
  /** Bootstrap 95% interval (seeded, stratified), where one is defined. */
  ci: [number, number] | null;
  /** The lexical baseline's value on the same material, where it can be measured. */
  baseline: number | null;
  /** The bar, in words with its number. */
  threshold: string;
  verdict: Verdict;
  controls: ControlLevels | null;
  /** Dose-response only: z change from the lowest to the highest dose. */
  effect?: { deltaZ: number; fromDose: number; toDose: number };
  detail?: string;
}

export interface DoseCurve {
  template: string;
  doses: number[];
  /** z-score per emotion at the start of the reply, per dose. */
  readings: Record<string, number[]>;
}

/** One way of referencing an agent turn's reading, judged on the agent-turn report split. */
export interface ReferenceResult {
  /** AUROC of (desperate − calm), pressured turns positive. */
  auroc: number;
  ci: [number, number] | null;
  turns: number;
}

/**
 * Neutral-dialogue z against a within-session reference (the turn minus the mean of the earlier
 * assistant turns in its context), compared on the turns that have earlier assistant turns.
 */
export interface ReferenceComparison {
  neutral: ReferenceResult;
  session: ReferenceResult;
  /** Session AUROC minus neutral AUROC, with its paired bootstrap interval. */
  advantage: { value: number; ci: [number, number] | null };
  /** `session` only when the advantage's interval lies above 0. */
  better: 'neutral' | 'session';
  why: string;
}

export interface ReportCard {
  model: string;
  layer: number;
  /** Depth of the chosen layer's residual: (layer + 1) / number of layers. */
  layerDepth: number;
  layerReason: string;
  emotions: string[];
  chance: number;
  checks: Check[];
  doseCurves: DoseCurve[];
  /** Pass when every check passes; fail when any fails; warn otherwise. */
  verdict: Verdict;
  /** True only when `agent-turns-auroc` passes and the model is not the bundled demo model. */
  validForLive: boolean;
  /** Why (or why not), in one line. */
  validForLiveReason: string;
  references: ReferenceComparison | null;
  /** What the numbers were measured on. */
  material: {
    heldOutReport: number;
    agentTurns: number;
    shuffledSeeds: number;
    randomDirections: number;
    resamples: number;
  };
}
