// The one entry every surface exports through: events, turn readings and flags of any number of
// sessions, each routed to its session's recorder. `recordSession` backfills a whole recorded
// session in stream order, as live watching would have seen it.
import type { AgentEvent, AgentSource, TurnEvent } from '../core/events';
import type { LiveValidity } from '../contracts/reading';
import type { TextField } from './config';
import { SessionRecorder, type FlagRecordInput, type TurnReading, type VitalsRecord } from './records';

export class TelemetryFeed {
  private readonly sessions = new Map<string, SessionRecorder>();

  constructor(
    private readonly emit: (record: VitalsRecord) => void,
    private readonly includeText: ReadonlySet<TextField>,
    private readonly workspaceRoot?: string,
    /** Resolves when the exporter can take more (a backfill waits on it; see VitalsExporter.room). */
    readonly room: () => Promise<void> = () => Promise.resolve(),
  ) {}

  private recorder(source: AgentSource, sessionId: string): SessionRecorder {
    const key = `${source}\u0000${sessionId}`;
    let recorder = this.sessions.get(key);
    if (!recorder) {
      recorder = new SessionRecorder(source, sessionId, this.includeText, this.emit, this.workspaceRoot);
      this.sessions.set(key, recorder);
    }
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
  const ordered = [...events].sort((a, b) => a.seq - b.seq);
  for (const event of ordered) {
    await feed.room();
    feed.event(event);
    if (event.type !== 'turn') continue;
    const means = emotionsByTurn.get(event);
    feed.turn(
      event,
      means ? Object.fromEntries(Object.entries(means).map(([e, mean]) => [e, { mean }])) : null,
      reader,
    );
  }
  const first = ordered[0];
  if (!first) return;
  for (const flag of flags) {
    await feed.room();
    feed.flag(first.source, first.sessionId, flag);
  }
}
