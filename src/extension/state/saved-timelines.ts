// The form in which the store's timelines outlive the extension host (workspace storage): the
// most recent sessions, each with its latest turns, test runs and scores. Compact and bounded so
// workspace state stays a few MB at most: the newest turns keep their whole text (the newest its
// per-token heat too), older ones the start of their text (what the timeline shows); scores keep
// the emotions the views show; events keep only the fields the views use. Pure (no vscode
// import); what comes back from storage is checked, never trusted.
import type { AgentSource, OwnReading, TestRunEvent, TestRunOrigin, TurnEvent } from '../../core/events';
import type { TurnScore } from '../../contracts/reading';

export const SAVED_SESSIONS = 20;
export const SAVED_TURNS_PER_SESSION = 500;
/** Turns per session kept with their whole text. */
export const SAVED_WHOLE_TURNS = 5;
/** Turns per session kept with their per-token heat map (the turn view opens on the newest). */
export const SAVED_HEAT_TURNS = 1;
/** Text kept of older turns. */
export const SAVED_TEXT_CHARS = 120;

interface SavedTurn {
  seq: number;
  ts: string;
  turnId: string;
  text: string;
  model?: string;
  /** An own-activations turn's steering and validity (its per-token readings are in `scores`). */
  own?: Omit<OwnReading, 'tokens'>;
}

interface SavedTestRun {
  seq: number;
  ts: string;
  command: string;
  framework: string;
  passed: number | null;
  failed: number;
  skipped: number;
  origin: TestRunOrigin;
  exitCode?: number;
}

/** What identifies a session and its state, saved or held. */
interface SessionHeader {
  key: string;
  source: AgentSource;
  sessionId: string;
  startedAt: string;
  lastTs: string;
  /** Epoch ms when its last event arrived (decides whether it still counts as live). */
  lastSeen: number;
  ended: boolean;
}

export interface SavedSession extends SessionHeader {
  turns: SavedTurn[];
  testRuns: SavedTestRun[];
  scores: [turnId: string, score: TurnScore][];
}

export interface SavedTimelines {
  version: 1;
  sessions: SavedSession[];
}

/** A session as the store holds it. */
export interface TimelineSession extends SessionHeader {
  turns: readonly TurnEvent[];
  testRuns: readonly TestRunEvent[];
  scores: ReadonlyMap<string, TurnScore>;
}

/** A session trimmed to what is saved; `emotions`: the ones whose scores are kept. */
export function saveSession(s: TimelineSession, emotions: ReadonlySet<string>): SavedSession {
  const kept = s.turns.slice(-SAVED_TURNS_PER_SESSION);
  // Runs before the first kept turn would sit at the start of a timeline they do not belong to.
  const dropped = s.turns[s.turns.length - kept.length - 1];
  const withHeat = new Set(kept.slice(-SAVED_HEAT_TURNS).map((t) => t.turnId));
  const firstWhole = kept.length - SAVED_WHOLE_TURNS;
  const scores: [string, TurnScore][] = [];
  for (const t of kept) {
    const score = s.scores.get(t.turnId);
    if (!score) continue;
    const shown = { emotions: Object.fromEntries(Object.entries(score.emotions).filter(([e]) => emotions.has(e))) };
    scores.push([t.turnId, withHeat.has(t.turnId) && score.tokens ? { ...shown, tokens: score.tokens } : shown]);
  }
  return {
    key: s.key,
    source: s.source,
    sessionId: s.sessionId,
    startedAt: s.startedAt,
    lastTs: s.lastTs,
    lastSeen: s.lastSeen,
    ended: s.ended,
    turns: kept.map((t, i) => ({
      seq: t.seq,
      ts: t.ts,
      turnId: t.turnId,
      text: i >= firstWhole || t.text.length <= SAVED_TEXT_CHARS ? t.text : `${t.text.slice(0, SAVED_TEXT_CHARS)}…`,
      ...(t.model !== undefined ? { model: t.model } : {}),
      ...(t.own ? { own: { steering: t.own.steering, validity: t.own.validity } } : {}),
    })),
    testRuns: s.testRuns
      .filter((r) => !dropped || r.seq > dropped.seq)
      .map((r) => ({
        seq: r.seq,
        ts: r.ts,
        command: r.command,
        framework: r.framework,
        passed: r.passed,
        failed: r.failed,
        skipped: r.skipped,
        origin: r.origin,
        ...(r.exitCode !== undefined ? { exitCode: r.exitCode } : {}),
      })),
    scores,
  };
}

/** Saved sessions read back as the store holds them, and how many saved entries were unreadable. */
export function restoreSessions(value: unknown): { sessions: TimelineSession[]; skipped: number } {
  if (!isObject(value) || value.version !== 1 || !Array.isArray(value.sessions))
    return { sessions: [], skipped: value === undefined ? 0 : 1 };
  const valid = value.sessions.filter(isSavedSession);
  const sessions = valid.map((s): TimelineSession => {
    const envelope = { source: s.source, sessionId: s.sessionId };
    return {
      ...s,
      turns: s.turns.map(({ own, ...t }) => ({
        ...envelope,
        ...t,
        type: 'turn',
        role: 'assistant',
        ...(own ? { own: { ...own, tokens: null } } : {}),
      })),
      testRuns: s.testRuns.map((r) => ({ ...envelope, ...r, type: 'test-run', failingIds: [] })),
      scores: new Map(s.scores),
    };
  });
  return { sessions, skipped: value.sessions.length - valid.length };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isTurn(t: unknown): t is SavedTurn {
  return (
    isObject(t) &&
    typeof t.seq === 'number' &&
    typeof t.ts === 'string' &&
    typeof t.turnId === 'string' &&
    typeof t.text === 'string' &&
    (t.model === undefined || typeof t.model === 'string') &&
    (t.own === undefined || isOwn(t.own))
  );
}

function isOwn(o: unknown): o is SavedTurn['own'] {
  if (!isObject(o) || !isObject(o.validity)) return false;
  const { steering, validity } = o;
  return (
    typeof validity.valid === 'boolean' &&
    typeof validity.why === 'string' &&
    (steering === null ||
      (isObject(steering) &&
        typeof steering.emotion === 'string' &&
        typeof steering.alpha === 'number' &&
        typeof steering.layer === 'number'))
  );
}

function isTestRun(r: unknown): r is SavedTestRun {
  return (
    isObject(r) &&
    typeof r.seq === 'number' &&
    typeof r.ts === 'string' &&
    typeof r.command === 'string' &&
    typeof r.framework === 'string' &&
    typeof r.origin === 'string' &&
    (typeof r.passed === 'number' || r.passed === null) &&
    [r.failed, r.skipped].every((n) => typeof n === 'number')
  );
}

function isScore(entry: unknown): entry is [string, TurnScore] {
  return Array.isArray(entry) && typeof entry[0] === 'string' && isObject(entry[1]) && isObject(entry[1].emotions);
}

function isSavedSession(s: unknown): s is SavedSession {
  return (
    isObject(s) &&
    typeof s.key === 'string' &&
    typeof s.source === 'string' &&
    typeof s.sessionId === 'string' &&
    typeof s.startedAt === 'string' &&
    typeof s.lastTs === 'string' &&
    typeof s.lastSeen === 'number' &&
    typeof s.ended === 'boolean' &&
    Array.isArray(s.turns) &&
    s.turns.every(isTurn) &&
    Array.isArray(s.testRuns) &&
    s.testRuns.every(isTestRun) &&
    Array.isArray(s.scores) &&
    s.scores.every(isScore)
  );
}
