// Folds the event stream, turn scores and flags into the state every view shows. Pure (no
// vscode import) so it is unit-tested directly; the host feeds it and renders its snapshots.

import { readsOwnActivations, type AgentEvent, type TestRunEvent, type TurnEvent } from '../../core/events';
import type { Flag } from '../../core/flags';
import type {
  FlagItem,
  ScoringStatus,
  SelectedTurn,
  SessionSummary,
  SessionView,
  SidebarState,
  TestRunMarker,
  TurnPoint,
  WatchInfo,
} from '../../contracts/sidebar-protocol';
import type { FlagStatus } from '../../contracts/flag-status';
import type { LiveValidity, TurnScore } from '../../contracts/reading';
import { DEFAULT_STEERING, type SteeringSetting } from '../../contracts/steering';
import { DEMO_VALIDITY, isDemoModel } from '../../emotion/live-validity';
import { turnScoreOf } from '../../emotion/reading';
import { behaviouralPressure, PressureTracker, type PressureThresholds } from '../../tamper/pressure';
import { computeReading, referencedDesperation, type ReadingOptions } from './reading';
import { restoreSessions, saveSession, SAVED_SESSIONS, type SavedTimelines } from './saved-timelines';
import { guardReason, guardSeverity, type GuardItem } from '../guard/guard-item';

/** A session counts as live while its events keep arriving within this window. */
const LIVE_WINDOW_MS = 5 * 60_000;

interface SessionRecord {
  key: string;
  first: Pick<AgentEvent, 'source' | 'sessionId' | 'ts'>;
  lastTs: string;
  /** When the last event arrived here (a replayed session carries old timestamps). */
  lastSeen: number;
  turns: TurnEvent[];
  /** Turn ids in `turns`: a turn read again (a transcript rewritten whole) is not added twice. */
  turnIds: Set<string>;
  testRuns: TestRunEvent[];
  scores: Map<string, TurnScore>;
  /** Behavioural pressure's facts: runs, edits and shell commands as they arrive. */
  pressure: PressureTracker;
  /** Pressure points right after each test run, by the run's seq: the timeline's pressure line. */
  runPressure: Map<number, number>;
  ended: boolean;
}

export function sessionKeyOf(e: Pick<AgentEvent, 'source' | 'sessionId'>): string {
  return `${e.source}:${e.sessionId}`;
}

export function firstLine(text: string, max = 120): string {
  const line =
    text
      .split('\n')
      .find((l) => l.trim() !== '')
      ?.trim() ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

export interface StoreSettings extends ReadingOptions {
  /** The configured reader model (id or local path). */
  model: string;
  emotionsShown: string[];
  pressure: PressureThresholds;
}

/**
 * Readings drive nothing unless the loaded vectors were validated on agent text. Before the model
 * is loaded the words follow the configured model, not this window's sidecar: a flag's reason is
 * shared by every window on the workspace, whichever of them judged it first.
 */
export function readerValidity(scoring: ScoringStatus, model: string): LiveValidity {
  if (scoring.kind === 'ready') return scoring.live;
  if (isDemoModel(model)) return DEMO_VALIDITY;
  return { valid: false, why: `no reading yet: ${model} is not loaded` };
}

export class VitalsStore {
  private readonly sessions = new Map<string, SessionRecord>();
  private readonly flags = new Map<string, { flag: Flag; status: FlagStatus }>();
  private readonly guardItems = new Map<string, GuardItem>();
  private followed: string | null = null;
  private selectedTurnId: string | null = null;
  private heatEmotion = 'desperate';
  private scoring: ScoringStatus;
  private watching: WatchInfo[] = [];
  private steering: SteeringSetting = DEFAULT_STEERING;
  private readonly listeners = new Set<() => void>();

  constructor(
    private settings: StoreSettings,
    scoring: ScoringStatus,
    private readonly now: () => number = Date.now,
  ) {
    this.scoring = scoring;
  }

  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }

  addEvent(e: AgentEvent): void {
    const key = sessionKeyOf(e);
    let s = this.sessions.get(key);
    if (!s) {
      s = {
        key,
        first: { source: e.source, sessionId: e.sessionId, ts: e.ts },
        lastTs: e.ts,
        lastSeen: this.now(),
        turns: [],
        turnIds: new Set(),
        testRuns: [],
        scores: new Map(),
        pressure: new PressureTracker(),
        runPressure: new Map(),
        ended: false,
      };
      this.sessions.set(key, s);
    }
    s.pressure.observe(e);
    if (e.ts > s.lastTs) s.lastTs = e.ts;
    s.lastSeen = this.now();
    if (e.type === 'turn' && e.role === 'assistant') {
      if (s.turnIds.has(e.turnId)) return;
      s.turnIds.add(e.turnId);
      s.turns.push(e);
      // The acting model's own reading arrives with the turn: this turn's score is made from it.
      if (e.own?.tokens?.length) s.scores.set(e.turnId, turnScoreOf(e.own.tokens));
    } else if (e.type === 'test-run') {
      s.testRuns.push(e);
      s.runPressure.set(e.seq, behaviouralPressure(s.pressure.facts(e.ts), this.settings.pressure).score);
    }
    this.changed();
  }

  /** The most recent timelines with the scores the views show, for workspace storage. */
  saveTimelines(): SavedTimelines {
    const emotions = new Set(['desperate', 'calm', ...this.settings.emotionsShown]);
    const recent = [...this.sessions.values()].sort((a, b) => (a.lastTs < b.lastTs ? 1 : -1)).slice(0, SAVED_SESSIONS);
    return {
      version: 1,
      sessions: recent.map((s) =>
        saveSession({ ...s, source: s.first.source, sessionId: s.first.sessionId, startedAt: s.first.ts }, emotions),
      ),
    };
  }

  /** Brings back timelines saved by an earlier host; returns how many saved entries were unreadable. */
  restoreTimelines(saved: unknown): number {
    const { sessions, skipped } = restoreSessions(saved);
    for (const r of sessions) {
      this.sessions.set(r.key, {
        key: r.key,
        first: { source: r.source, sessionId: r.sessionId, ts: r.startedAt },
        lastTs: r.lastTs,
        lastSeen: r.lastSeen,
        turns: [...r.turns],
        turnIds: new Set(r.turns.map((t) => t.turnId)),
        testRuns: [...r.testRuns],
        scores: new Map(r.scores),
        ...restoredPressure(r.testRuns, this.settings.pressure),
        ended: r.ended,
      });
    }
    if (sessions.length > 0) this.changed();
    return skipped;
  }

  /** Marks a session finished (its transcript was closed or a replay ended). */
  endSession(key: string): void {
    const s = this.sessions.get(key);
    if (s && !s.ended) {
      s.ended = true;
      this.changed();
    }
  }

  setTurnScore(sessionKey: string, turnId: string, score: TurnScore): void {
    this.sessions.get(sessionKey)?.scores.set(turnId, score);
    this.changed();
  }

  setFlag(flag: Flag, status: FlagStatus = 'open'): void {
    this.flags.set(flag.id, { flag, status });
    this.changed();
  }

  /** Adds a guard decision, or changes its status (the user's answer to "was this right?"). */
  setGuardItem(item: GuardItem): void {
    this.guardItems.set(item.id, item);
    this.changed();
  }

  guardItem(id: string): GuardItem | undefined {
    return this.guardItems.get(id);
  }

  listGuardItems(): GuardItem[] {
    return [...this.guardItems.values()];
  }

  /** Forgets the decisions read from one project's log (it was replaced or cut short). */
  forgetGuardItems(keep: (item: GuardItem) => boolean): void {
    for (const [id, item] of this.guardItems) if (!keep(item)) this.guardItems.delete(id);
    this.changed();
  }

  flag(id: string): Flag | undefined {
    return this.flags.get(id)?.flag;
  }

  setScoring(status: ScoringStatus): void {
    this.scoring = status;
    this.changed();
  }

  setWatching(info: WatchInfo[]): void {
    this.watching = info;
    this.changed();
  }

  /** The served model's steering control, as the setting says. */
  setSteering(steering: SteeringSetting): void {
    this.steering = steering;
    this.changed();
  }

  updateSettings(settings: StoreSettings): void {
    this.settings = settings;
    this.changed();
  }

  /** null = follow whichever session was active most recently. */
  follow(key: string | null): void {
    this.followed = key && this.sessions.has(key) ? key : null;
    this.selectedTurnId = null;
    this.changed();
  }

  selectTurn(turnId: string): void {
    this.selectedTurnId = turnId;
    this.changed();
  }

  setHeatEmotion(emotion: string): void {
    this.heatEmotion = emotion;
    this.changed();
  }

  followedKey(): string | null {
    if (this.followed) return this.followed;
    let latest: SessionRecord | undefined;
    for (const s of this.sessions.values()) if (!latest || s.lastTs > latest.lastTs) latest = s;
    return latest?.key ?? null;
  }

  turnText(sessionKey: string, turnId: string): string | undefined {
    return this.sessions.get(sessionKey)?.turns.find((t) => t.turnId === turnId)?.text;
  }

  /** Scored assistant turns of a session as (seq, desperation z against the chosen reference), for the tamper rules. */
  turnDesperation(sessionKey: string): { seq: number; z: number }[] {
    const s = this.sessions.get(sessionKey);
    if (!s) return [];
    const z = referencedDesperation(this.turnPoints(s), this.settings.reference);
    return s.turns.flatMap((t) => (z.has(t.turnId) ? [{ seq: t.seq, z: z.get(t.turnId)! }] : []));
  }

  /** Whether the loaded reader's desperation may drive flags, the status bar and notifications. */
  reader(): LiveValidity {
    return readerValidity(this.scoring, this.settings.model);
  }

  sessionKeys(): string[] {
    return [...this.sessions.keys()];
  }

  snapshot(): SidebarState {
    const sessions = [...this.sessions.values()]
      .map((s) => this.summary(s))
      .sort((a, b) => (a.lastEventAt < b.lastEventAt ? 1 : -1));
    const key = this.followedKey();
    const record = key ? this.sessions.get(key) : undefined;
    const own = record && readsOwnActivations(record.first.source) ? record.turns.at(-1)?.own : undefined;
    return {
      scoring: this.scoring,
      watching: this.watching,
      sessions,
      followLatest: this.followed === null,
      session: record ? this.sessionView(record) : null,
      flags: record ? this.flagItems(record) : [],
      selectedTurn: record ? this.selected(record) : null,
      emotionsShown: this.settings.emotionsShown,
      heatEmotion: this.heatEmotion,
      // An own-activations session's readings are valid as far as the serving model's vectors are.
      reader: own ? own.validity : this.reader(),
      steering: this.steering,
    };
  }

  private summary(s: SessionRecord): SessionSummary {
    const live = !s.ended && this.now() - s.lastSeen < LIVE_WINDOW_MS;
    return {
      key: s.key,
      source: s.first.source,
      sessionId: s.first.sessionId,
      startedAt: s.first.ts,
      lastEventAt: s.lastTs,
      live,
      turns: s.turns.length,
    };
  }

  private turnPoints(s: SessionRecord): TurnPoint[] {
    return s.turns.map((t) => ({
      turnId: t.turnId,
      seq: t.seq,
      ts: t.ts,
      firstLine: firstLine(t.text),
      ...(s.scores.has(t.turnId) ? { emotions: s.scores.get(t.turnId)!.emotions } : {}),
      ...(t.own?.steering ? { steering: t.own.steering } : {}),
    }));
  }

  private sessionView(s: SessionRecord): SessionView {
    const turns = this.turnPoints(s);
    const testRuns: TestRunMarker[] = s.testRuns.map((r) => ({
      seq: r.seq,
      ts: r.ts,
      command: r.command,
      passed: r.passed,
      failed: r.failed,
      skipped: r.skipped,
      afterTurn: lastTurnBefore(s.turns, r.seq),
      pressure: s.runPressure.get(r.seq) ?? 0,
    }));
    return {
      summary: this.summary(s),
      turns,
      testRuns,
      reading: computeReading(turns, this.settings),
      pressure: behaviouralPressure(s.pressure.facts(s.lastTs), this.settings.pressure),
      readings: this.readingsOf(s),
    };
  }

  /** The served model reads itself (its name is on its turns); other sessions are read by the reader model. */
  private readingsOf(s: SessionRecord): SessionView['readings'] {
    if (readsOwnActivations(s.first.source))
      return { kind: 'own', model: [...s.turns].reverse().find((t) => t.model)?.model ?? 'the served model' };
    return { kind: 'reader', model: this.scoring.kind === 'ready' ? this.scoring.modelId : this.settings.model };
  }

  private flagItems(s: SessionRecord): FlagItem[] {
    const items: FlagItem[] = [];
    for (const { flag, status } of this.flags.values()) {
      if (sessionKeyOf({ source: flag.source as AgentEvent['source'], sessionId: flag.sessionId }) !== s.key) continue;
      items.push({
        id: flag.id,
        ts: flag.ts,
        path: flag.path,
        kinds: flag.kinds,
        severity: flag.severity,
        desperation: flag.desperation,
        reason: flag.reason,
        afterTurn: lastTurnBefore(s.turns, flag.editSeq),
        status,
      });
    }
    for (const { id, decision, status } of this.guardItems.values()) {
      // The hook names the agent by its watcher's source name, so its session is the watcher's.
      if (
        decision.sessionId === null ||
        sessionKeyOf({ source: decision.agent as AgentEvent['source'], sessionId: decision.sessionId }) !== s.key
      )
        continue;
      const reply = s.turns.find((t) => t.ts > decision.ts);
      items.push({
        id,
        ts: decision.ts,
        path: decision.path,
        kinds: decision.kinds,
        severity: guardSeverity(decision),
        desperation: null,
        reason: guardReason(decision),
        afterTurn: lastTurnAtOrBefore(s.turns, decision.ts),
        status,
        guard: { tier: decision.tier, tool: decision.tool, reply: reply ? firstLine(reply.text, 240) : null },
      });
    }
    return items.sort((a, b) => (a.ts < b.ts ? 1 : -1));
  }

  private selected(s: SessionRecord): SelectedTurn | null {
    const turn = s.turns.find((t) => t.turnId === this.selectedTurnId) ?? s.turns[s.turns.length - 1];
    if (!turn) return null;
    const score = s.scores.get(turn.turnId);
    return {
      turnId: turn.turnId,
      text: turn.text,
      ...(score ? { emotions: score.emotions, ...(score.tokens ? { tokens: score.tokens } : {}) } : {}),
      ...(turn.own?.steering ? { steering: turn.own.steering } : {}),
    };
  }
}

/** Saved timelines keep turns and runs, not edits or commands: the runs rebuild what they can. */
function restoredPressure(
  runs: readonly TestRunEvent[],
  thresholds: PressureThresholds,
): Pick<SessionRecord, 'pressure' | 'runPressure'> {
  const pressure = new PressureTracker();
  const runPressure = new Map<number, number>();
  for (const run of runs) {
    pressure.observe(run);
    runPressure.set(run.seq, behaviouralPressure(pressure.facts(run.ts), thresholds).score);
  }
  return { pressure, runPressure };
}

/** A guard decision has no place in the event numbering, only a time: the last turn up to it. */
function lastTurnAtOrBefore(turns: readonly TurnEvent[], ts: string): number {
  let index = -1;
  turns.forEach((t, i) => {
    if (t.ts <= ts) index = i;
  });
  return index;
}

function lastTurnBefore(turns: readonly TurnEvent[], seq: number): number {
  let index = -1;
  turns.forEach((t, i) => {
    if (t.seq < seq) index = i;
  });
  return index;
}
