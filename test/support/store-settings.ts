// The settings and scoring state the vitals store's tests start a store with: two shown emotions,
// no smoothing, the default pressure thresholds, and no sidecar to score with.
import { DEFAULT_PRESSURE_THRESHOLDS } from '../../src/tamper/pressure';

export const settings = {
  model: 'org/reader-1b',
  emotionsShown: ['desperate', 'calm'],
  smoothingTurns: 1,
  risingSlope: 0.3,
  reference: 'neutral' as const,
  pressure: DEFAULT_PRESSURE_THRESHOLDS,
};

export const unavailable = { kind: 'unavailable' as const, reason: 'no sidecar' };
