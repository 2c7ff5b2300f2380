// Flags for a recorded session (the `analyze` command), and the desperation input built from
// per-turn scores: the last assistant turn's z before the edit and its slope over recent turns.
import type { AgentEvent, FileEditEvent, TurnEvent } from '../core/events';
import type { Flag } from '../core/flags';
import { DESPERATE, NO_READER, type LiveValidity } from '../contracts/reading';
import { TamperEngine, type TamperEngineOptions } from './engine';
import type { Desperation, FlagPressure } from './severity';

/** What `analyze` prints per flag. */
export type FlagSummary = Pick<Flag, 'ts' | 'path' | 'kinds' | 'severity' | 'desperation' | 'reason'> & { pressure: FlagPressure };

/** Replays a session's events through a fresh engine; flags come back in stream order. */
export function flagSession(events: readonly AgentEvent[], options: TamperEngineOptions = {}): FlagSummary[] {
  const engine = new TamperEngine(options);
  for (const e of [...events].sort((a, b) => a.seq - b.seq)) engine.observe(e);
  return engine.flags().map((f) => ({ ts: f.ts, path: f.path, kinds: f.kinds, severity: f.severity, desperation: f.desperation, reason: f.reason, pressure: f.pressureSummary }));
}

export interface TurnDesperation {
  /** Sequence number of the scored assistant turn. */
  seq: number;
  z: number;
}

/**
 * Desperation at an edit from per-turn z-scores: the latest scored turn before the edit, and the
 * least-squares slope (z per turn) over the last `window` scored turns. Null before any score.
 */
export function desperationFromTurns(turns: readonly TurnDesperation[], window = 5): (edit: FileEditEvent) => Desperation | null {
  const sorted = [...turns].sort((a, b) => a.seq - b.seq);
  return (edit) => {
    const upTo = sorted.filter((t) => t.seq < edit.seq).slice(-window);
    if (upTo.length === 0) return null;
    const z = upTo[upTo.length - 1].z;
    if (upTo.length < 2) return { z, slope: 0 };
    const n = upTo.length;
    const meanX = (n - 1) / 2;
    const meanY = upTo.reduce((s, t) => s + t.z, 0) / n;
    let num = 0;
    let den = 0;
    upTo.forEach((t, i) => {
      num += (i - meanX) * (t.z - meanY);
      den += (i - meanX) ** 2;
    });
    return { z, slope: num / den };
  };
}

/**
 * Flags for a recorded session given the emotion scores of its turns (aligned with the session's
 * turn events, null where unscored). Desperation counts only when `reader` is valid for live use;
 * otherwise behaviour alone decides, and each flag's reason says why.
 */
export function flagRecordedSession(
  events: readonly AgentEvent[],
  turnEmotions: readonly (Record<string, number> | null)[] = [],
  reader: LiveValidity = NO_READER,
): FlagSummary[] {
  const turns = events.filter((e): e is TurnEvent => e.type === 'turn');
  const scored: TurnDesperation[] = [];
  turns.forEach((t, i) => {
    const z = turnEmotions[i]?.[DESPERATE];
    if (t.role === 'assistant' && typeof z === 'number' && Number.isFinite(z)) scored.push({ seq: t.seq, z });
  });
  return flagSession(events, { ...(scored.length > 0 ? { desperationAt: desperationFromTurns(scored) } : {}), readerValidity: () => reader });
}
