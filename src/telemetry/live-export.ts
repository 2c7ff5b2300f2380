// Live watching's side of the export: events as they arrive, assistant turns once their reading
// arrives (or, when none comes within `readingWaitMs`, without one: no reader model, or the turn
// did not fit), and flags when raised and whenever their status or severity changes.
import type { AgentEvent, AgentSource, TurnEvent } from '../core/events';
import type { Flag } from '../core/flags';
import type { FlagStatus } from '../contracts/flag-status';
import type { LiveValidity } from '../contracts/reading';
import type { TelemetryFeed } from './feed';
import type { TurnReading } from './records';

/** Turns waiting for their reading at most; past it the oldest go out unread. */
const MAX_PENDING_TURNS = 1_000;

export class LiveExport {
  /** Assistant turns waiting for a reading, by session and turn id, with when they arrived. */
  private readonly pending = new Map<string, { turn: TurnEvent; since: number }>();
  /** What each flag was last exported as (`status/severity`). */
  private readonly flagStates = new Map<string, string>();
  /** Each session seen since it was last ended, with when its latest event arrived. */
  private readonly active = new Map<string, { source: AgentSource; sessionId: string; at: number }>();
  private readonly startedAt: number;

  constructor(
    private readonly feed: TelemetryFeed,
    private readonly reader: () => LiveValidity,
    private readonly readingWaitMs = 120_000,
    private readonly now: () => number = Date.now,
    /** A session with no event for this long is ended, so its session span goes out (see sweep). */
    private readonly sessionIdleMs = 10 * 60_000,
  ) {
    this.startedAt = now();
  }

  event(event: AgentEvent): void {
    this.feed.event(event);
    this.active.set(`${event.source}:${event.sessionId}`, {
      source: event.source,
      sessionId: event.sessionId,
      at: this.now(),
    });
    if (event.type !== 'turn') return;
    if (event.role !== 'assistant') {
      this.feed.turn(event, null, this.reader());
      return;
    }
    this.pending.set(turnKey(event.source, event.sessionId, event.turnId), { turn: event, since: this.now() });
    if (this.pending.size > MAX_PENDING_TURNS) this.release(this.pending.keys().next().value!);
  }

  /** A turn's reading (`sessionKey` as the store keys sessions: `source:sessionId`). */
  reading(sessionKey: string, turnId: string, reading: TurnReading): void {
    const key = `${sessionKey}\u0000${turnId}`;
    const waiting = this.pending.get(key);
    if (!waiting) return;
    this.pending.delete(key);
    this.feed.turn(waiting.turn, reading, this.reader());
  }

  /**
   * Sends the turns that waited too long for a reading without one, then ends the sessions idle
   * for `sessionIdleMs` (longer than the wait, so their turns are out): a trace viewer gets their
   * session spans now, not when export stops. One that resumes goes on under a new session span.
   */
  sweep(): void {
    const now = this.now();
    for (const [key, { since }] of this.pending) if (since <= now - this.readingWaitMs) this.release(key);
    for (const [key, { source, sessionId, at }] of this.active) {
      if (at > now - this.sessionIdleMs) continue;
      this.active.delete(key);
      this.feed.endSession(source, sessionId);
    }
  }

  private release(key: string): void {
    const waiting = this.pending.get(key)!;
    this.pending.delete(key);
    this.feed.turn(waiting.turn, null, this.reader());
  }

  /** Export stops: each session seen is ended, so its last turn and session spans go out. */
  end(): void {
    this.active.clear();
    this.feed.end();
  }

  /**
   * A flag as the flag store reports it. Flags the store already held when export started (it
   * reports them all at start) go out only when they change, so a restart does not count them again.
   */
  flag(flag: Flag, status: FlagStatus): void {
    const state = `${status}/${flag.severity}`;
    const previous = this.flagStates.get(flag.id);
    this.flagStates.set(flag.id, state);
    if (previous === state) return;
    if (previous === undefined && Date.parse(flag.ts) < this.startedAt - this.readingWaitMs) return;
    this.feed.flag(flag.source as AgentEvent['source'], flag.sessionId, { ...flag, status });
  }
}

function turnKey(source: string, sessionId: string, turnId: string): string {
  return `${source}:${sessionId}\u0000${turnId}`;
}
