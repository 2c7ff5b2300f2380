// Step three of the pipeline: flags. The tamper engine reads the events; desperation at an edit
// comes from the scored assistant turns of its session before it (the latest z and its slope over
// recent turns), and counts only while the reader is valid for live use. Live watching (the flag
// feed), `analyze` and the Replay experiment all build their engine here.
import type { AgentEvent, FileEditEvent, TurnEvent } from '../core/events';
import type { Flag } from '../core/flags';
import { DESPERATE, NO_READER, type LiveValidity } from '../contracts/reading';
import { liveValidity } from '../emotion/live-validity';
import { TamperEngine, type TamperFlag } from '../tamper/engine';
import type { Desperation, FlagPressure, SeveritySettings } from '../tamper/severity';
import type { BehaviouralPressure } from '../contracts/pressure';
import { behaviouralPressure, PressureTracker, runFailed, type PressureFacts } from '../tamper/pressure';
import { asNullableString, asObject, asStrings } from '../storage/json-state';

/** What `analyze` prints per flag. */
export type FlagSummary = Pick<Flag, 'ts' | 'path' | 'kinds' | 'severity' | 'desperation' | 'reason'> & {
  pressure: FlagPressure;
};

export interface TurnDesperation {
  /** Sequence number of the scored assistant turn. */
  seq: number;
  z: number;
}

/**
 * Desperation at an edit from per-turn z-scores: the latest scored turn before the edit, and the
 * least-squares slope (z per turn) over the last `window` scored turns. Null before any score.
 */
export function desperationFromTurns(
  turns: readonly TurnDesperation[],
  window = 5,
): (edit: FileEditEvent) => Desperation | null {
  const sorted = sortedBySeq(turns);
  return (edit) => {
    // The scored turns before the edit end where the first turn at or after it starts.
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]!.seq < edit.seq) lo = mid + 1;
      else hi = mid;
    }
    const upTo = sorted.slice(Math.max(0, lo - window), lo);
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

/** Turn lists are only appended to, so a list's sorted copy holds while its length does: a recorded
 *  session asks once per edit with the same list, and sorting it each time made analysis quadratic. */
const sortedCopies = new WeakMap<readonly TurnDesperation[], { length: number; sorted: readonly TurnDesperation[] }>();

function sortedBySeq(turns: readonly TurnDesperation[]): readonly TurnDesperation[] {
  const hit = sortedCopies.get(turns);
  if (hit && hit.length === turns.length) return hit.sorted;
  const sorted = [...turns].sort((a, b) => a.seq - b.seq);
  sortedCopies.set(turns, { length: turns.length, sorted });
  return sorted;
}

/** What flags are judged with besides the events. */
export interface FlagInputs {
  settings?: SeveritySettings;
  /** The scored assistant turns of the edit's session so far. */
  turnDesperation(edit: FileEditEvent): readonly TurnDesperation[];
  /** Whether the reader's desperation may count. */
  readerValidity(): LiveValidity;
}

/** The tamper engine every surface flags with. */
export function flagEngine(inputs: FlagInputs): TamperEngine {
  return new TamperEngine({
    settings: inputs.settings,
    desperationAt: (edit) => desperationFromTurns(inputs.turnDesperation(edit))(edit),
    readerValidity: inputs.readerValidity,
  });
}

/** The flags of a recorded session whose assistant turns were read as `turns`, in stream order. */
export function flagRecorded(
  events: readonly AgentEvent[],
  turns: readonly TurnDesperation[],
  reader: LiveValidity = liveValidity(null),
): readonly TamperFlag[] {
  const engine = flagEngine({ turnDesperation: () => turns, readerValidity: () => reader });
  for (const e of [...events].sort((a, b) => a.seq - b.seq)) engine.observe(e);
  return engine.flags();
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
  return flagRecorded(events, scored, reader).map((f) => ({
    ts: f.ts,
    path: f.path,
    kinds: f.kinds,
    severity: f.severity,
    desperation: f.desperation,
    reason: f.reason,
    pressure: f.pressureSummary,
  }));
}

/** The pressure a recorded session is under at its end, and what its last run left failing. */
export interface SessionPressure {
  facts: PressureFacts;
  behaviour: BehaviouralPressure;
  /** The last run's failing test ids and output while it failed; null after a green run or none. */
  lastFailing: { failingIds: string[]; output: string | null } | null;
  /** Whether desperation may count, and why (no scores are read here: behaviour alone decides). */
  reader: LiveValidity;
}

/** Follows a session's events, in stream order, for its pressure at any moment; saved and restored as JSON. */
export class RecordedPressure {
  private constructor(
    private readonly tracker: PressureTracker,
    private lastFailing: SessionPressure['lastFailing'],
  ) {}

  static empty(): RecordedPressure {
    return new RecordedPressure(new PressureTracker(), null);
  }

  /** The state `save` returned; throws a StateError on anything else. */
  static restore(value: unknown): RecordedPressure {
    const s = asObject(value, 'recorded pressure');
    const last = s.lastFailing === null ? null : asObject(s.lastFailing, 'lastFailing');
    return new RecordedPressure(
      PressureTracker.restore(s.tracker),
      last && {
        failingIds: asStrings(last.failingIds, 'lastFailing.failingIds'),
        output: asNullableString(last.output, 'lastFailing.output'),
      },
    );
  }

  save(): unknown {
    return { tracker: this.tracker.save(), lastFailing: this.lastFailing };
  }

  observe(e: AgentEvent): void {
    this.tracker.observe(e);
    if (e.type === 'test-run')
      this.lastFailing = runFailed(e) ? { failingIds: e.failingIds, output: e.output ?? null } : null;
  }

  /** The pressure at `at` (an ISO time). */
  at(at: string, reader: LiveValidity = NO_READER): SessionPressure {
    const facts = this.tracker.facts(at);
    return { facts, behaviour: behaviouralPressure(facts), lastFailing: this.lastFailing, reader };
  }
}

/**
 * Pressure of a recorded session at `at` (an ISO time): the same behavioural signals a flag's
 * severity counts, replayed from the session's events. The guard asks this before an edit lands.
 */
export function pressureOfRecordedSession(
  events: readonly AgentEvent[],
  at: string,
  reader: LiveValidity = NO_READER,
): SessionPressure {
  const pressure = RecordedPressure.empty();
  for (const e of [...events].sort((a, b) => a.seq - b.seq)) pressure.observe(e);
  return pressure.at(at, reader);
}
