// Behavioural pressure as the tamper classifier reports it and the sidebar shows it, and its one
// wording for flag reasons, the status bar tooltip and the webview.

export type PressureSignalId =
  'failing-streak' | 'same-test-failing' | 'same-file-edits' | 'time-since-green' | 'bypass' | 'test-config-edit';

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

/** "pressure 4: 3 failing runs in a row (+2), bypass `--no-verify` (+1)", or "no behavioural pressure". */
export function describePressure(p: BehaviouralPressure): string {
  if (p.signals.length === 0) return 'no behavioural pressure';
  const head = p.counted < p.score ? `pressure ${p.score} (counts as ${p.counted})` : `pressure ${p.score}`;
  return `${head}: ${p.signals.map((s) => `${s.detail} (+${s.points})`).join(', ')}`;
}
