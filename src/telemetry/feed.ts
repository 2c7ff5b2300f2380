// The one entry every surface exports through: events, turn readings and flags of any number of
// sessions, each routed to its session's recorder. `recordSession` backfills a whole recorded
// session in stream order, as live watching would have seen it, and ends it; live watching ends a
// session when it goes idle and every session when export stops (`end`), which is when their
// session spans go out.
import type { AgentEvent, AgentSource, TurnEvent } from '../core/events';
import type { LiveValidity } from '../contracts/reading';
import type { TextField } from './config';
import { SessionRecorder, type FlagRecordInput, type TelemetrySink, type TurnReading } from './records';

export class TelemetryFeed {
  private readonly sessions = new Map<string, SessionRecorder>();
  /** Stretches ended so far per session: one that resumes is traced as the next stretch. */
  private readonly stretches = new Map<string, number>();

  constructor(
    private readonly sink: TelemetrySink,
    private readonly includeText: ReadonlySet<TextField>,
    private readonly workspaceRoot?: string,
    /**
     * Undefined while the exporter can take more, else a promise of room (a backfill waits on it;
     * see VitalsExporter.room). Most events need no wait, so most cost no promise.
     */
    readonly room: () => Promise<void> | undefined = () => undefined,
  ) {}

  /** The session of the previous call: events mostly come a session at a time. */
  private last: { source: AgentSource; sessionId: string; recorder: SessionRecorder } | undefined;

  private recorder(source: AgentSource, sessionId: string): SessionRecorder {
    const last = this.last;
    if (last && last.source === source && last.sessionId === sessionId) return last.recorder;
    const key = sessionKey(source, sessionId);
    let recorder = this.sessions.get(key);
    if (!recorder) {
      recorder = new SessionRecorder(
        source,
        sessionId,
        this.includeText,
        this.sink,
        this.workspaceRoot,
        this.stretches.get(key),
      );
      this.sessions.set(key, recorder);
    }
    this.last = { source, sessionId, recorder };
    return recorder;
  }

  event(event: AgentEvent): void {
    this.recorder(event.source, event.sessionId).event(event);
  }

  turn(turn: TurnEvent, reading: TurnReading | null, reader: LiveValidity): void {
    this.recorder(turn.source, turn.sessionId).turn(turn, reading, reader);
  }

  flag(source: AgentSource, sessionId: string, flag: FlagRecordInput): void {
    this.recorder(source, sessionId).flag(flag);
  }

  /** One session is over (or, live, has gone idle): its spans are closed and sent. */
  endSession(source: AgentSource, sessionId: string): void {
    const key = sessionKey(source, sessionId);
    const recorder = this.sessions.get(key);
    if (!recorder) return;
    recorder.end();
    this.sessions.delete(key);
    this.stretches.set(key, (this.stretches.get(key) ?? 0) + 1);
    this.last = undefined;
  }

  /** Export stops: every session seen is ended. */
  end(): void {
    for (const recorder of this.sessions.values()) recorder.end();
    this.sessions.clear();
    this.last = undefined;
  }
}

function sessionKey(source: AgentSource, sessionId: string): string {
  return `${source}\u0000${sessionId}`;
}

/**
 * A recorded session: its events in stream order with each turn recorded as it is seen (its
 * reading from `turnEmotions`, aligned with the session's turn events), then its flags.
 */
export async function recordSession(
  feed: TelemetryFeed,
  events: readonly AgentEvent[],
  turnEmotions: readonly (Record<string, number> | null)[],
  flags: readonly FlagRecordInput[],
  reader: LiveValidity,
): Promise<void> {
  const emotionsByTurn = new Map<TurnEvent, Record<string, number> | null>();
  events
    .filter((e): e is TurnEvent => e.type === 'turn')
    .forEach((t, i) => emotionsByTurn.set(t, turnEmotions[i] ?? null));
  // Sessions come in stream order; sorting tens of thousands of events that are costs more than
  // the check.
  const ordered = events.every((e, i) => i === 0 || events[i - 1].seq <= e.seq)
    ? events
    : [...events].sort((a, b) => a.seq - b.seq);
  for (const event of ordered) {
    if (feed.room()) await room(feed);
    feed.event(event);
    if (event.type !== 'turn') continue;
    feed.turn(event, emotionsByTurn.get(event) ?? null, reader);
  }
  const first = ordered[0];
  if (!first) return;
  for (const flag of flags) {
    if (feed.room()) await room(feed);
    feed.flag(first.source, first.sessionId, flag);
  }
  if (feed.room()) await room(feed);
  feed.endSession(first.source, first.sessionId);
}

/**
 * Until the exporter has room again for what one event may send (log records and spans alike).
 * Called only when it has none: most events cost no promise.
 */
async function room(feed: TelemetryFeed): Promise<void> {
  for (let wait = feed.room(); wait; wait = feed.room()) await wait;
}
