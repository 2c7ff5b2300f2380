// Behavioural pressure as the tamper classifier reports it and the sidebar shows it.

export type PressureSignalId = 'failing-streak' | 'same-test-failing' | 'same-file-edits' | 'time-since-green' | 'bypass' | 'test-config-edit';

export interface PressureSignal {
  id: PressureSignalId;
  points: number;
  /** What was seen, for the reason text, e.g. "3 failing runs in a row". */
  detail: string;
}
export interface BehaviouralPressure {
  /** Sum of the signals' points. */
  score: number;
  /** What counts toward a flag's severity: `score` capped at `maxPressure`. */
  counted: number;
  signals: PressureSignal[];
}

