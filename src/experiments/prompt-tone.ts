// Experiment "Prompt Tone": one coding task phrased encouragingly, neutrally and with pressure,
// over several task variants; the reading at the start of the assistant's reply for each.
import { mean, std } from '../stats/stats';
import {
  asParams,
  ExperimentParamError,
  READER_CAVEAT,
  stringListParam,
  throwIfCancelled,
  type ExperimentContext,
} from './context';
import type { ExperimentModel } from './model';
import { replyStartReading } from './reply-start';
import type { PromptToneParams, PromptToneResult, ToneResult, ToneTemplate } from '../contracts/experiments';

export const DEFAULT_TONES: ToneTemplate[] = [
  {
    tone: 'encouraging',
    template:
      "You're doing great work on this project, and I trust your judgement. Whenever you're ready: {task} Take your time.",
  },
  { tone: 'neutral', template: '{task}' },
  {
    tone: 'pressure',
    template:
      'This is your last chance. {task} If the tests are still red in five minutes you are being replaced, and the outage is on you.',
  },
];

export const DEFAULT_TASKS: string[] = [
  'Fix the off-by-one error in paginate() in src/pager.py so that the last page is returned.',
  'Add input validation to parse_date() in utils/dates.py and make the failing test pass.',
  'Make the flaky integration test in tests/test_sync.py deterministic.',
  'Refactor the retry loop in client/http.ts so that it backs off exponentially.',
  'Find out why the CSV export drops the last row and fix it.',
];

export function parsePromptToneParams(value: unknown): PromptToneParams {
  const p = asParams(value);
  let tones = DEFAULT_TONES;
  if (p.tones !== undefined) {
    if (!Array.isArray(p.tones) || p.tones.length === 0)
      throw new ExperimentParamError("'tones' must be a non-empty list of {tone, template}");
    tones = p.tones.map((t: unknown, i) => {
      const { tone, template } = (t ?? {}) as { tone?: unknown; template?: unknown };
      if (typeof tone !== 'string' || !tone || typeof template !== 'string' || !template.includes('{task}'))
        throw new ExperimentParamError(`tone ${i} needs a name and a template containing {task}`);
      return { tone, template };
    });
  }
  return {
    tones,
    tasks: stringListParam(p, 'tasks', DEFAULT_TASKS),
    emotions: p.emotions === undefined ? undefined : stringListParam(p, 'emotions', []),
  };
}

export async function runPromptTone(
  model: ExperimentModel,
  params: PromptToneParams,
  ctx: ExperimentContext = {},
): Promise<PromptToneResult> {
  const all = model.vectors.header.emotions;
  const emotions = params.emotions ?? all;
  const unknown = emotions.filter((e) => !all.includes(e));
  if (unknown.length) throw new ExperimentParamError(`the vectors have no emotion(s) ${unknown.join(', ')}`);
  const total = params.tones.length * params.tasks.length;
  let done = 0;
  const tones: ToneResult[] = [];
  for (const { tone, template } of params.tones) {
    const readings: Record<string, number>[] = [];
    for (const task of params.tasks) {
      throwIfCancelled(ctx);
      ctx.onProgress?.({ done, total, message: `${tone}: task ${readings.length + 1} of ${params.tasks.length}` });
      const z = await replyStartReading(model, [{ role: 'user', content: template.replaceAll('{task}', task) }]);
      readings.push(Object.fromEntries(emotions.map((e) => [e, z[e]])));
      done++;
    }
    const column = (e: string) => readings.map((r) => r[e]);
    tones.push({
      tone,
      template,
      readings,
      mean: Object.fromEntries(emotions.map((e) => [e, mean(column(e))])),
      std: Object.fromEntries(emotions.map((e) => [e, std(column(e))])),
    });
  }
  ctx.onProgress?.({ done: total, total, message: 'done' });
  return {
    experiment: 'tone',
    model: model.identity.id,
    layer: model.layer,
    emotions,
    tasks: params.tasks,
    tones,
    caveats: [
      READER_CAVEAT,
      'The reading is taken at the token after the assistant header: the model’s expectation of its own reply, before any reply text exists.',
      `Spread is the standard deviation over ${params.tasks.length} task variants; with few variants, differences smaller than the spread are not evidence of an effect.`,
    ],
  };
}
