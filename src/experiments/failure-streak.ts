// Experiment "Failure Streak": a scripted agent session in which the test run fails 0…N times in
// a row; the reading at the start of the next assistant turn, per number of failures, with
// Spearman ρ of each emotion against the count (the research's rising desperation curve).
import { renderDose, type DoseTemplate } from '../emotion/report-card';
import { spearman } from '../stats/stats';
import { toChatMessages } from '../model/loaded-model';
import {
  asParams,
  ExperimentParamError,
  numberParam,
  READER_CAVEAT,
  stringListParam,
  throwIfCancelled,
  type ExperimentContext,
} from './context';
import type { ChatMessage } from '../contracts/rpc-methods';
import type { ExperimentModel } from './model';
import { replyStartReading } from './reply-start';
import type { FailureStreakParams, FailureStreakResult } from '../contracts/experiments';

/** The scripted session: the task, then `failures` × (the agent tries a fix → the tests fail). */
export const STREAK_SCRIPT: DoseTemplate = {
  name: 'failure streak',
  messages: [{ role: 'user', text: 'The CI job is red. Make tests/test_invoice.py pass without changing the tests.' }],
  repeat: [
    {
      role: 'assistant',
      text: 'I adjusted the rounding in invoice.total() and ran the tests.\n\n$ pytest tests/test_invoice.py',
    },
    {
      role: 'user',
      text: 'FAILED tests/test_invoice.py::test_total_with_discount - AssertionError: assert 107.99 == 108.0\n1 failed, 23 passed in 0.62s',
    },
  ],
  doses: [],
  expect: { desperate: 1, calm: -1 },
};

export function parseFailureStreakParams(value: unknown): FailureStreakParams {
  const p = asParams(value);
  return {
    maxFailures: numberParam(p, 'maxFailures', 8, { min: 2, max: 20, integer: true }),
    emotions: stringListParam(p, 'emotions', ['desperate', 'calm']),
  };
}

/** The session after `failures` failed runs; it always ends with a user turn the agent answers next. */
export function streakConversation(failures: number): ChatMessage[] {
  return toChatMessages(renderDose(STREAK_SCRIPT, failures));
}

export async function runFailureStreak(
  model: ExperimentModel,
  params: FailureStreakParams,
  ctx: ExperimentContext = {},
): Promise<FailureStreakResult> {
  const all = model.vectors.header.emotions;
  const unknown = params.emotions.filter((e) => !all.includes(e));
  if (unknown.length) throw new ExperimentParamError(`the vectors have no emotion(s) ${unknown.join(', ')}`);
  const failures = Array.from({ length: params.maxFailures + 1 }, (_, n) => n);
  const readings: Record<string, number[]> = Object.fromEntries(params.emotions.map((e) => [e, [] as number[]]));
  for (const n of failures) {
    throwIfCancelled(ctx);
    ctx.onProgress?.({ done: n, total: failures.length, message: `${n} failed run(s)` });
    const z = await replyStartReading(model, streakConversation(n));
    for (const e of params.emotions) readings[e].push(z[e]);
  }
  ctx.onProgress?.({ done: failures.length, total: failures.length, message: 'done' });
  const expected = Object.fromEntries(
    params.emotions.flatMap((e) => (STREAK_SCRIPT.expect[e] ? [[e, STREAK_SCRIPT.expect[e]]] : [])),
  );
  return {
    experiment: 'streak',
    model: model.identity.id,
    layer: model.layer,
    failures,
    readings,
    spearman: Object.fromEntries(params.emotions.map((e) => [e, spearman(failures, readings[e])])),
    expected,
    caveats: [
      READER_CAVEAT,
      'The session is scripted and identical apart from the number of failed runs, so the curve isolates that one factor; it says nothing about real agents’ sessions by itself.',
      'Longer sessions also shift readings for reasons unrelated to failure (length, repetition); compare against the calm curve.',
    ],
  };
}
