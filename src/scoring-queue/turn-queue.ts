// Turns waiting for the model, drained by one worker: in order within a session, round-robin
// across sessions, several waiting turns of a session sent as one request. The queue is bounded:
// past `maxWaitingUnits` the oldest waiting turns of the busiest session are coalesced into one
// scoring unit (they share its score), and past `maxWaitingChars` the oldest units keep only the
// tail of their text. A turn leaves the queue only when its score is delivered or its failure is
// reported; a retryable failure (the sidecar crashed and is restarting) puts the request back at
// the front, so no turn is lost, and delivered or queued turn ids are never queued again, so no
// turn is scored twice.

export interface PendingTurn {
  sessionKey: string;
  turnId: string;
  text: string;
}

/** One or more turns of a session scored as one piece of text. */
export interface ScoringUnit {
  sessionKey: string;
  turnIds: string[];
  text: string;
  /** Characters cut from the front of `text` under memory pressure. */
  trimmedChars: number;
}

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const SYSTEM_CLOCK: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface TurnQueueOptions<S> {
  /** Scores the units (all of one session, in order); resolves with one score per unit. */
  score(sessionKey: string, units: readonly ScoringUnit[]): Promise<readonly S[]>;
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
  /** Units are sent together only while their text stays within this (one unit is always sent). */
  maxRequestChars?: number;
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
  private readonly counters = { deliveredTurns: 0, failedTurns: 0, coalescedTurns: 0, trimmedChars: 0, duplicatesRefused: 0, retries: 0, inFlightTurns: 0 };
  private readonly clock: Clock;
  private readonly maxWaitingUnits: number;
  private readonly maxWaitingChars: number;
  private readonly minUnitChars: number;
  private readonly maxUnitsPerRequest: number;
  private readonly maxUnitChars: number;
  private readonly maxRequestChars: number;
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
    this.maxRequestChars = options.maxRequestChars ?? 16_000;
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
    session.waiting.push({ sessionKey: turn.sessionKey, turnIds: [turn.turnId], text: turn.text, trimmedChars: 0 });
    this.waitingUnits++;
    this.waitingChars += turn.text.length;
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
    this.waitingChars -= unit.text.length;
  }

  private isIdle(): boolean {
    return !this.busy && this.waitingUnits === 0;
  }

  private enforceBounds(): void {
    while (this.waitingUnits > this.maxWaitingUnits) {
      const busiest = [...this.sessions.values()].reduce<SessionQueue | undefined>((a, s) => (!a || s.waiting.length > a.waiting.length ? s : a), undefined);
      if (!busiest || busiest.waiting.length < 2) break; // one unit per session: bounded by the session count
      const [first, second] = busiest.waiting.splice(0, 2) as [ScoringUnit, ScoringUnit];
      const joined = `${first.text}\n\n${second.text}`;
      const cut = Math.max(0, joined.length - this.maxUnitChars);
      busiest.waiting.unshift({
        sessionKey: first.sessionKey,
        turnIds: [...first.turnIds, ...second.turnIds],
        text: joined.slice(cut),
        trimmedChars: first.trimmedChars + second.trimmedChars + cut,
      });
      this.waitingUnits--;
      this.waitingChars += joined.length - cut - first.text.length - second.text.length;
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
        const cut = Math.min(excess, unit.text.length - this.minUnitChars);
        if (cut <= 0) continue;
        unit.text = unit.text.slice(cut);
        unit.trimmedChars += cut;
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
    let chars = session.waiting[0]!.text.length;
    while (take < Math.min(this.maxUnitsPerRequest, session.waiting.length) && chars + session.waiting[take]!.text.length <= this.maxRequestChars) {
      chars += session.waiting[take]!.text.length;
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
            this.waitingChars += u.text.length;
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
