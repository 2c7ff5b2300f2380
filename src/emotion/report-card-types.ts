// The report card's result shapes, free of Node imports so the webviews can share them.

export type Verdict = 'pass' | 'warn';

export interface Check {
  name: string;
  value: number;
  threshold: string;
  verdict: Verdict;
  detail?: string;
}

export interface DoseCurve {
  template: string;
  doses: number[];
  /** z-score per emotion at the start of the reply, per dose. */
  readings: Record<string, number[]>;
}

export interface ReportCard {
  model: string;
  layer: number;
  layerReason: string;
  emotions: string[];
  chance: number;
  checks: Check[];
  doseCurves: DoseCurve[];
  verdict: Verdict;
}
