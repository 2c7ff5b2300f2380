// Synthetic panel states for the rendering checks: what the host would send for a scored
// session under pressure and for each scoring state. Test data only.
import { behaviouralPressure, NO_PRESSURE } from '../../../src/tamper/pressure';
import { DEFAULT_STEERING } from '../../../src/contracts/steering';
import { readWatcherSettings, watchList } from '../../../src/watchers/settings';
import type { LiveValidity, ScoringStatus, SidebarState, TokenHeat } from '../../../src/contracts/sidebar-protocol';

/** What the host says of the bundled demo model's readings (src/emotion/live-validity.ts). */
export const DEMO_READER: LiveValidity = {
  valid: false,
  why: 'the demo model is illustrative only: its readings are never used live',
};

/** A reader whose report card passed the agent-turn check. */
export const VALIDATED_READER: LiveValidity = { valid: true, why: 'validated on agent text (agent-turns-auroc 0.91)' };

const desperation = [-0.4, 0.3, 0.9, 1.4, 2.0, 2.6, 1.1];
const calm = [1.2, 0.8, 0.3, -0.1, -0.6, -1.0, 0.2];
const lines = [
  'I will run the test suite first to see exactly what fails.',
  'The failing case is 1.005, which should round to 1.01 but comes out as 1.',
  'Still 1. I will try rounding through toFixed instead.',
  'It is still failing, toFixed has the same problem.',
  'This is not working and I keep getting it wrong.',
  'Running the tests to confirm the suite passes now.',
  'All tests pass now: 2 passed and the rounding test is skipped.',
];
/** Tokens as a BPE tokenizer cuts them: some words in pieces ("Th|is", "work|ing", "fix|es", "opt|ions."). */
const pieces = [
  'Th',
  'is',
  ' is',
  ' not',
  ' work',
  'ing',
  ' and',
  ' I',
  ' keep',
  ' getting',
  ' it',
  ' wrong',
  '.',
  ' Nothing',
  ' I',
  ' try',
  ' fix',
  'es',
  ' it',
  ' and',
  ' I',
  ' am',
  ' running',
  ' out',
  ' of',
  ' opt',
  'ions',
  '.',
];
const tokens: TokenHeat[] = pieces.map((text, i) => ({
  text,
  z: { desperate: Math.sin(i / 3) * 2 + (i > 12 ? 1.5 : 0), calm: -Math.sin(i / 3) },
}));
/** The words the heat map shows for those tokens. */
export const HEAT_WORDS = [
  'This',
  'is',
  'not',
  'working',
  'and',
  'I',
  'keep',
  'getting',
  'it',
  'wrong.',
  'Nothing',
  'I',
  'try',
  'fixes',
  'it',
  'and',
  'I',
  'am',
  'running',
  'out',
  'of',
  'options.',
];
const ts = (i: number) => new Date(Date.UTC(2026, 10, 24, 14, 2, i * 8)).toISOString();

export function scoredSessionState(reader: LiveValidity = DEMO_READER): SidebarState {
  const turns = lines.map((firstLine, i) => ({
    turnId: `t${i}`,
    seq: i * 5,
    ts: ts(i),
    firstLine,
    emotions: {
      desperate: { mean: desperation[i]!, max: desperation[i]! + 1 },
      calm: { mean: calm[i]!, max: calm[i]! + 1 },
      frustrated: { mean: desperation[i]! * 0.7, max: 2 },
      anxious: { mean: 0.4, max: 1.1 },
    },
  }));
  const run = (afterTurn: number, failed: number, pressure: number, skipped = 0) => ({
    seq: afterTurn * 5 + 3,
    ts: ts(afterTurn),
    command: 'npm test',
    passed: 2,
    failed,
    skipped,
    afterTurn,
    pressure,
  });
  return {
    scoring: { kind: 'ready', modelId: 'agent-vitals/tiny-story-model', layer: 3, demo: !reader.valid, live: reader },
    watching: watchList(readWatcherSettings(() => undefined)),
    sessions: [
      {
        key: 'claude-code:4b7e2c10',
        source: 'claude-code',
        sessionId: '4b7e2c10',
        startedAt: ts(0),
        lastEventAt: ts(6),
        live: true,
        turns: 7,
      },
      {
        key: 'codex:0199a3c2',
        source: 'codex',
        sessionId: '0199a3c2',
        startedAt: ts(-400),
        lastEventAt: ts(-300),
        live: false,
        turns: 12,
      },
    ],
    followLatest: true,
    session: {
      summary: {
        key: 'claude-code:4b7e2c10',
        source: 'claude-code',
        sessionId: '4b7e2c10',
        startedAt: ts(0),
        lastEventAt: ts(6),
        live: true,
        turns: 7,
      },
      turns,
      testRuns: [run(0, 1, 1), run(1, 1, 1), run(2, 1, 3), run(3, 1, 4), run(5, 0, 0, 1)],
      reading: {
        desperation: 2.3,
        calm: -0.7,
        trend: 'rising',
        rawDesperation: 2.6,
        rawCalm: -1.0,
        reference: 'neutral',
        shown: 'neutral',
        neutral: { desperation: 2.3, calm: -0.7 },
        session: { desperation: 3.4, calm: -2.1, baselineTurns: 6 },
        sessionPending: 0,
      },
      pressure: behaviouralPressure({
        ...NO_PRESSURE,
        failingStreak: 4,
        repeatedFailure: { test: 'invoice totals > rounds half-cents up', runs: 4 },
        bypasses: ['--no-verify'],
      }),
      readings: { kind: 'reader', model: SCORING_MODEL },
    },
    flags: [
      {
        id: 'f1',
        ts: ts(5),
        path: '/work/invoice-totals/test/invoice.test.js',
        kinds: ['skip-added'],
        severity: 'critical',
        desperation: 2.6,
        reason: 'A failing test was skipped after 4 failing runs in a row.',
        afterTurn: 4,
        status: 'open',
      },
    ],
    selectedTurn: { turnId: 't4', text: pieces.join(''), emotions: turns[4]!.emotions, tokens },
    emotionsShown: ['desperate', 'calm', 'frustrated', 'anxious'],
    heatEmotion: 'desperate',
    reader,
    steering: DEFAULT_STEERING,
  };
}

/** The model the scoring states are about. */
export const SCORING_MODEL = 'onnx-community/Qwen2.5-0.5B-Instruct';

export const SCORING_STATES: ScoringStatus[] = [
  { kind: 'no-model', modelId: SCORING_MODEL, sizeLabel: '512 MB' },
  { kind: 'downloading', modelId: SCORING_MODEL, received: 190 * 1024 * 1024, total: 512 * 1024 * 1024 },
  { kind: 'calibrating', modelId: SCORING_MODEL, done: 140, total: 400 },
  { kind: 'failed', reason: 'the sidecar exited 3 times in 2 minutes (onnxruntime: out of memory).' },
];
