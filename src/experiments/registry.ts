// The experiments by name: one entry point for the CLI and the sidecar's `runExperiment`. The
// table is keyed by the contract's map, so each parser must return exactly the parameters its
// experiment declares and each runner the result it declares.
import {
  EXPERIMENT_NAMES,
  type ExperimentName,
  type ExperimentParams,
  type ExperimentResult,
  type ExperimentResults,
} from '../contracts/experiments';
import { ExperimentCancelledError, ExperimentParamError, type ExperimentContext } from './context';
import type { ExperimentModel } from './model';
import { parseFailureStreakParams, runFailureStreak } from './failure-streak';
import { parsePromptToneParams, runPromptTone } from './prompt-tone';
import { parseReplayParams, runReplay } from './replay';
import { parseReportCardParams, runReportCardExperiment } from './report-card';
import { parseScoreTextParams, runScoreText } from './score-text';
import { parseSteeringParams, runSteering } from './steering';

export { EXPERIMENT_NAMES, type ExperimentName, type ExperimentResult };

interface Experiment<N extends ExperimentName> {
  /** Checks what came over the wire or the command line; defaults fill what is absent. */
  parse(value: unknown, model: ExperimentModel): ExperimentParams[N];
  run(model: ExperimentModel, params: ExperimentParams[N], ctx: ExperimentContext): Promise<ExperimentResults[N]>;
}

const EXPERIMENTS: { [N in ExperimentName]: Experiment<N> } = {
  score: { parse: parseScoreTextParams, run: runScoreText },
  replay: { parse: parseReplayParams, run: runReplay },
  tone: { parse: parsePromptToneParams, run: runPromptTone },
  streak: { parse: parseFailureStreakParams, run: runFailureStreak },
  steer: { parse: (value, model) => parseSteeringParams(value, model.vectors.header.emotions), run: runSteering },
  'report-card': { parse: parseReportCardParams, run: runReportCardExperiment },
};

export function isExperimentName(name: string): name is ExperimentName {
  return (EXPERIMENT_NAMES as readonly string[]).includes(name);
}

function dispatch<N extends ExperimentName>(
  name: N,
  params: unknown,
  model: ExperimentModel,
  ctx: ExperimentContext,
): Promise<ExperimentResults[N]> {
  const experiment: Experiment<N> = EXPERIMENTS[name];
  return experiment.run(model, experiment.parse(params, model), ctx);
}

/** Runs experiment `name`; any failure after cancellation is reported as the cancellation. */
export async function runExperiment(
  name: string,
  params: unknown,
  model: ExperimentModel,
  ctx: ExperimentContext = {},
): Promise<ExperimentResult> {
  if (!isExperimentName(name))
    throw new ExperimentParamError(`unknown experiment '${name}' (${EXPERIMENT_NAMES.join(', ')})`);
  try {
    return await dispatch(name, params, model, ctx);
  } catch (err) {
    if (ctx.signal?.aborted && !(err instanceof ExperimentCancelledError)) throw new ExperimentCancelledError();
    throw err;
  }
}
