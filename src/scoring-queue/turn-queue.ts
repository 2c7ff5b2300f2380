// Turns waiting for the model, drained by one worker: in order within a session, round-robin
// across sessions, several waiting turns of a session sent as one request. The queue is bounded:
// past `maxWaitingUnits` the oldest waiting turns of the busiest session are coalesced into one
// scoring unit (they share its score), and past `maxWaitingChars` the oldest units lose their
// oldest text (context messages first). A turn leaves the queue only when its score is delivered
// or its failure is reported; a retryable failure (the sidecar crashed and is restarting, or the
// model is not ready yet) puts the request back at the front, so no turn is lost, and delivered
// or queued turn ids are never queued again, so no turn is scored twice.
//
// A turn may carry context: the messages that came before it in the conversation (the user's
// prompt, tool output). They are sent with the turn, ahead of it, but not scored.
import type { ChatMessage } from '../contracts/rpc-methods';
import { SYSTEM_CLOCK, type Clock } from '../core/clock';

export interface PendingTurn {
  sessionKey: string;
  turnId: string;
  text: string;
  /** Messages before the turn that go with it unscored, oldest first. */
  context?: readonly ChatMessage[];
}

/** One or more turns of a session scored as one piece of text. */
export interface ScoringUnit {
  sessionKey: string;
  turnIds: string[];
  text: string;
  context: ChatMessage[];
  /** Characters cut from the front of the unit (context, then `text`) under memory pressure. */
  trimmedChars: number;
}

/** Characters a unit holds: its text and its context. */
function unitChars(unit: ScoringUnit): number {
  return unit.context.reduce((n, m) => n + m.content.length, unit.text.length);
}

/**
 * Cuts up to `chars` characters off the front of a unit (oldest context first, then the text,
 * which keeps at least `keepTextChars`); returns how many were cut.
 */
function cutOldest(unit: ScoringUnit, chars: number, keepTextChars: number): number {
  let cut = 0;
  while (cut < chars && unit.context.length > 0) {
    const first = unit.context[0]!;
    const take = Math.min(chars - cut, first.content.length);
    if (take === first.content.length) unit.context.shift();
    else unit.context[0] = { role: first.role, content: first.content.slice(take) };
    cut += take;
  }
  const fromText = Math.max(0, Math.min(chars - cut, unit.text.length - keepTextChars));
  unit.text = unit.text.slice(fromText);
  cut += fromText;
  unit.trimmedChars += cut;
  return cut;
}

export interface TurnQueueOptions<S> {
  /** Scores the units (all of one session, in order); resolves with one score per unit. */
  score(sessionKey: string, units: readonly ScoringUnit[]): Promise<readonly (S | undefined)[]>;
  deliver(unit: ScoringUnit, score: S): void;
  /** A unit that cannot be scored (not retryable): reported, never silently dropped. */
  fail(unit: ScoringUnit, err: unknown): void;
  isRetryable(err: unknown): boolean;
  maxWaitingUnits?: number;
  maxWaitingChars?: number;
  /** Trimming never cuts a unit below this many characters. */
  minUnitChars?: number;
  maxUnitsPerRequest?: number;
  /** A coalesced unit keeps at most this much text (its newest part), so it fits the model's context. */
  maxUnitChars?: number;
  /**
   * Units are sent together only while their text and context stay within this (one unit is
   * always sent); a function is asked before each request (the model's context may change).
   */
  maxRequestChars?: number | (() => number);
  retryDelayMs?: (attempt: number) => number;
  /** How many turn ids per session are remembered to refuse duplicates. */
  rememberedIdsPerSession?: number;
  clock?: Clock;
}

export interface TurnQueueStats {
  waitingUnits: number;
  waitingTurns: number;
  waitingChars: number;
  inFlightTurns: number;
  deliveredTurns: number;
  failedTurns: number;
  coalescedTurns: number;
  trimmedChars: number;
  duplicatesRefused: number;
  retries: number;
}

interface SessionQueue {
  waiting: ScoringUnit[];
  /** Turn ids queued or delivered, oldest first (a bounded memory of what was seen). */
  seen: Set<string>;
}

export class TurnQueue<S> {
  private readonly sessions = new Map<string, SessionQueue>();
  private order: string[] = [];
  private nextSession = 0;
  private busy = false;
  private retryTimer: unknown;
  private attempt = 0;
  private closed = false;
  private idleWaiters: (() => void)[] = [];
  private readonly counters = {
    deliveredTurns: 0,
    failedTurns: 0,
    coalescedTurns: 0,
    trimmedChars: 0,
    duplicatesRefused: 0,
    retries: 0,
    inFlightTurns: 0,
  };
  private readonly clock: Clock;
  private readonly maxWaitingUnits: number;
  private readonly maxWaitingChars: number;
  private readonly minUnitChars: number;
  private readonly maxUnitsPerRequest: number;
  private readonly maxUnitChars: number;
  private readonly maxRequestChars: () => number;
  private readonly rememberedIds: number;
  private waitingChars = 0;
  private waitingUnits = 0;

  constructor(private readonly options: TurnQueueOptions<S>) {
    this.clock = options.clock ?? SYSTEM_CLOCK;
    this.maxWaitingUnits = options.maxWaitingUnits ?? 256;
    this.maxWaitingChars = options.maxWaitingChars ?? 4_000_000;
    this.minUnitChars = options.minUnitChars ?? 4_000;
    this.maxUnitsPerRequest = options.maxUnitsPerRequest ?? 16;
    this.maxUnitChars = options.maxUnitChars ?? 8_000;
    const maxRequestChars = options.maxRequestChars ?? 16_000;
    this.maxRequestChars = typeof maxRequestChars === 'number' ? () => maxRequestChars : maxRequestChars;
    this.rememberedIds = options.rememberedIdsPerSession ?? 20_000;
  }

  /** Queues a turn; returns false when this turn id was already queued or scored. */
  push(turn: PendingTurn): boolean {
    if (this.closed) return false;
    const session = this.session(turn.sessionKey);
    if (session.seen.has(turn.turnId)) {
      this.counters.duplicatesRefused++;
      return false;
    }
    session.seen.add(turn.turnId);
    if (session.seen.size > this.rememberedIds) session.seen.delete(session.seen.values().next().value as string);
    const unit: ScoringUnit = {
      sessionKey: turn.sessionKey,
      turnIds: [turn.turnId],
      text: turn.text,
      context: [...(turn.context ?? [])],
      trimmedChars: 0,
    };
    session.waiting.push(unit);
    this.waitingUnits++;
    this.waitingChars += unitChars(unit);
    this.enforceBounds();
    this.pump();
    return true;
  }

  stats(): TurnQueueStats {
    let waitingTurns = 0;
    for (const s of this.sessions.values()) for (const u of s.waiting) waitingTurns += u.turnIds.length;
    return { waitingUnits: this.waitingUnits, waitingTurns, waitingChars: this.waitingChars, ...this.counters };
  }

  /** Resolves once nothing is waiting or in flight. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Forgets a session (closed by the user): its waiting turns are dropped, not scored. */
  dropSession(sessionKey: string): void {
    const session = this.sessions.get(sessionKey);
    if (!session) return;
    for (const u of session.waiting) this.unwait(u);
    this.sessions.delete(sessionKey);
    this.order = this.order.filter((k) => k !== sessionKey);
  }

  /** Retries a request waiting for its backoff now (the scorer said it is ready again). */
  retryNow(): void {
    if (this.retryTimer === undefined) return;
    this.clock.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.pump();
  }

  close(): void {
    this.closed = true;
    this.clock.clearTimeout(this.retryTimer);
  }

  private session(key: string): SessionQueue {
    let session = this.sessions.get(key);
    if (!session) {
      session = { waiting: [], seen: new Set() };
      this.sessions.set(key, session);
      this.order.push(key);
    }
    return session;
  }

  private unwait(unit: ScoringUnit): void {
    this.waitingUnits--;
    this.waitingChars -= unitChars(unit);
  }

  private isIdle(): boolean {
    return !this.busy && this.waitingUnits === 0;
  }

  private enforceBounds(): void {
    while (this.waitingUnits > this.maxWaitingUnits) {
      const busiest = [...this.sessions.values()].reduce<SessionQueue | undefined>(
        (a, s) => (!a || s.waiting.length > a.waiting.length ? s : a),
        undefined,
      );
      if (!busiest || busiest.waiting.length < 2) break; // one unit per session: bounded by the session count
      const [first, second] = busiest.waiting.splice(0, 2) as [ScoringUnit, ScoringUnit];
      const charsBefore = unitChars(first) + unitChars(second);
      const joined: ScoringUnit = {
        sessionKey: first.sessionKey,
        turnIds: [...first.turnIds, ...second.turnIds],
        text: `${first.text}\n\n${second.text}`,
        context: [...first.context, ...second.context],
        trimmedChars: first.trimmedChars + second.trimmedChars,
      };
      const cut = cutOldest(joined, unitChars(joined) - this.maxUnitChars, 0);
      busiest.waiting.unshift(joined);
      this.waitingUnits--;
      this.waitingChars += unitChars(joined) - charsBefore;
      this.counters.trimmedChars += cut;
      // Turns that now share a score with another turn.
      this.counters.coalescedTurns += (first.turnIds.length === 1 ? 1 : 0) + (second.turnIds.length === 1 ? 1 : 0);
    }
    if (this.waitingChars <= this.maxWaitingChars) return;
    // Oldest text first: the recent end of a session matters most for its current reading.
    for (const key of this.order) {
      for (const unit of this.sessions.get(key)!.waiting) {
        const excess = this.waitingChars - this.maxWaitingChars;
        if (excess <= 0) return;
        const cut = cutOldest(unit, excess, this.minUnitChars);
        this.waitingChars -= cut;
        this.counters.trimmedChars += cut;
      }
    }
  }

  private pickSession(): SessionQueue | undefined {
    for (let i = 0; i < this.order.length; i++) {
      const key = this.order[(this.nextSession + i) % this.order.length]!;
      const session = this.sessions.get(key)!;
      if (session.waiting.length > 0) {
        this.nextSession = (this.nextSession + i + 1) % this.order.length;
        return session;
      }
    }
    return undefined;
  }

  private pump(): void {
    if (this.busy || this.closed || this.retryTimer !== undefined) return;
    const session = this.pickSession();
    if (!session) {
      for (const resolve of this.idleWaiters.splice(0)) resolve();
      return;
    }
    let take = 1;
    let chars = unitChars(session.waiting[0]!);
    const maxRequestChars = this.maxRequestChars();
    while (
      take < Math.min(this.maxUnitsPerRequest, session.waiting.length) &&
      chars + unitChars(session.waiting[take]!) <= maxRequestChars
    ) {
      chars += unitChars(session.waiting[take]!);
      take++;
    }
    const units = session.waiting.splice(0, take);
    for (const u of units) this.unwait(u);
    const turns = units.reduce((n, u) => n + u.turnIds.length, 0);
    this.counters.inFlightTurns = turns;
    this.busy = true;
    const sessionKey = units[0]!.sessionKey;
    this.options.score(sessionKey, units).then(
      (scores) => {
        this.attempt = 0;
        units.forEach((unit, i) => {
          const score = scores[i];
          if (score === undefined) {
            this.counters.failedTurns += unit.turnIds.length;
            this.options.fail(unit, new Error('the scorer returned no score for this unit'));
          } else {
            this.counters.deliveredTurns += unit.turnIds.length;
            this.options.deliver(unit, score);
          }
        });
        this.settle();
      },
      (err: unknown) => {
        if (this.options.isRetryable(err) && !this.closed && this.sessions.get(sessionKey) === session) {
          // Back to the front, in order; bounds apply again to what waits.
          session.waiting.unshift(...units);
          for (const u of units) {
            this.waitingUnits++;
            this.waitingChars += unitChars(u);
          }
          this.counters.retries++;
          const delay = this.options.retryDelayMs?.(++this.attempt) ?? Math.min(250 * 2 ** (this.attempt - 1), 10_000);
          this.retryTimer = this.clock.setTimeout(() => {
            this.retryTimer = undefined;
            this.pump();
          }, delay);
        } else {
          for (const unit of units) {
            this.counters.failedTurns += unit.turnIds.length;
            this.options.fail(unit, err);
          }
        }
        this.settle();
      },
    );
  }

  private settle(): void {
    this.busy = false;
    this.counters.inFlightTurns = 0;
    this.enforceBounds();
    this.pump();
  }
}
