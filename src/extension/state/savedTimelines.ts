// The form in which the store's timelines outlive the extension host (workspace storage): the
// most recent sessions, each with its latest turns, test runs and scores. Bounded so workspace
// state stays small: per-token heat is kept for the newest turns only, run output not at all.
// Pure (no vscode import); what comes back from storage is checked, never trusted.
import type { AgentSource, TestRunEvent, TurnEvent } from '../../core/events';
import type { TurnScore } from './vitalsStore';

export const SAVED_SESSIONS = 30;
export const SAVED_TURNS_PER_SESSION = 2_000;
/** Turns per session whose per-token heat map is kept (the rest keep their emotion summary). */
export const SAVED_TOKEN_TURNS = 10;

export interface SavedSession {
  key: string;
  source: AgentSource;
  sessionId: string;
  startedAt: string;
  lastTs: string;
  /** Epoch ms when its last event arrived (decides whether it still counts as live). */
  lastSeen: number;
  ended: boolean;
  turns: TurnEvent[];
  testRuns: TestRunEvent[];
  scores: [turnId: string, score: TurnScore][];
}

export interface SavedTimelines {
  version: 1;
  sessions: SavedSession[];
}

/** Sessions as read back: the valid ones, and how many entries were not (left out). */
export function readSavedTimelines(value: unknown): { sessions: SavedSession[]; skipped: number } {
  if (!isObject(value) || value.version !== 1 || !Array.isArray(value.sessions)) return { sessions: [], skipped: value === undefined ? 0 : 1 };
  const sessions = value.sessions.filter(isSavedSession);
  return { sessions, skipped: value.sessions.length - sessions.length };
}

/** A session trimmed to what is saved. */
export function savedSession(s: SavedSession): SavedSession {
  const turns = s.turns.slice(-SAVED_TURNS_PER_SESSION);
  const kept = new Set(turns.map((t) => t.turnId));
  const withTokens = new Set(turns.slice(-SAVED_TOKEN_TURNS).map((t) => t.turnId));
  return {
    ...s,
    turns,
    testRuns: s.testRuns.map(({ output: _output, ...run }) => run),
    scores: s.scores
      .filter(([id]) => kept.has(id))
      .map(([id, score]) => [id, withTokens.has(id) ? score : { emotions: score.emotions }]),
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isEnvelope(e: unknown): e is Record<string, unknown> {
  return isObject(e) && typeof e.source === 'string' && typeof e.sessionId === 'string' && typeof e.seq === 'number' && typeof e.ts === 'string';
}

function isTurn(e: unknown): e is TurnEvent {
  return isEnvelope(e) && e.type === 'turn' && typeof e.turnId === 'string' && typeof e.text === 'string' && typeof e.role === 'string';
}

function isTestRun(e: unknown): e is TestRunEvent {
  return isEnvelope(e) && e.type === 'test-run' && typeof e.command === 'string' && typeof e.passed === 'number' && typeof e.failed === 'number';
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
