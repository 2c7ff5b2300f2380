// The experiments by name: one entry point for the CLI and the sidecar's `runExperiment`.
import { ExperimentCancelledError, ExperimentParamError, type ExperimentContext } from './context';
import type { ExperimentModel } from './model';
import { EXPERIMENT_NAMES, type ExperimentName, type ExperimentResult } from './results';
import { parseFailureStreakParams, runFailureStreak } from './failure-streak';
import { parsePromptToneParams, runPromptTone } from './prompt-tone';
import { parseReplayParams, runReplay } from './replay';
import { parseReportCardParams, runReportCardExperiment } from './report-card';
import { parseScoreTextParams, runScoreText } from './score-text';
import { parseSteeringParams, runSteering } from './steering';

export { EXPERIMENT_NAMES, type ExperimentName, type ExperimentResult };

export function isExperimentName(name: string): name is ExperimentName {
  return (EXPERIMENT_NAMES as readonly string[]).includes(name);
}

function dispatch(name: ExperimentName, params: unknown, model: ExperimentModel, ctx: ExperimentContext): Promise<ExperimentResult> {
  switch (name) {
    case 'score':
      return runScoreText(model, parseScoreTextParams(params), ctx);
    case 'replay':
      return runReplay(model, parseReplayParams(params), ctx);
    case 'tone':
      return runPromptTone(model, parsePromptToneParams(params), ctx);
    case 'streak':
      return runFailureStreak(model, parseFailureStreakParams(params), ctx);
    case 'steer':
      return runSteering(model, parseSteeringParams(params, model.vectors.header.emotions), ctx);
    case 'report-card':
      return runReportCardExperiment(model, parseReportCardParams(params), ctx);
  }
}

/** Runs experiment `name`; any failure after cancellation is reported as the cancellation. */
export async function runExperiment(name: string, params: unknown, model: ExperimentModel, ctx: ExperimentContext = {}): Promise<ExperimentResult> {
  if (!isExperimentName(name)) throw new ExperimentParamError(`unknown experiment '${name}' (${EXPERIMENT_NAMES.join(', ')})`);
  try {
    return await dispatch(name, params, model, ctx);
  } catch (err) {
    if (ctx.signal?.aborted && !(err instanceof ExperimentCancelledError)) throw new ExperimentCancelledError();
    throw err;
  }
}
