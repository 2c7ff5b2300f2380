// The shared flag vocabulary: classifier, UI, CLI and tests all speak these names.

export const FLAG_KINDS = [
  'skip-added',
  'focus-added',
  'assertion-removed',
  'assertion-weakened',
  'expected-value-changed',
  'test-deleted',
  'test-file-deleted',
  'special-casing',
  'eq-override',
  'test-command-changed',
  'exit-forced',
  'snapshot-updated',
  'test-added',
  'test-refactored',
] as const;

export type FlagKind = (typeof FLAG_KINDS)[number];

/** Kinds that describe ordinary test maintenance rather than tampering. */
export const BENIGN_FLAG_KINDS: ReadonlySet<FlagKind> = new Set(['test-added', 'test-refactored']);

export type Severity = 'info' | 'warning' | 'critical';

export const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

export interface Flag {
  id: string;
  source: string;
  sessionId: string;
  ts: string;
  path: string;
  kinds: FlagKind[];
  severity: Severity;
  /** Desperation z-score at the moment of the edit; null when no model was loaded. */
  desperation: number | null;
  reason: string;
  /** Sequence number of the FileEdit event this flag is about. */
  editSeq: number;
}
