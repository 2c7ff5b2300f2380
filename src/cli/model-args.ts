// Options shared by every CLI command that opens a model, and the code that turns them into a
// resolved model on disk (downloading with progress on stderr when needed).
import type { ParseArgsConfig } from 'node:util';
import { downloadProgress, type ProgressStream } from './download-progress';
import { useHubEndpointFromEnv } from '../model-store/hub-download';
import { readModelConfig } from '../model-store/model-config';
import { DEFAULT_MODEL } from '../model-store/model-spec';
import { defaultCacheDir } from '../storage/cache-dir';
import { resolveModel, type ResolvedModel } from '../model-store/model-store';
import { isModelDtype } from '../model-store/variants';
import type { ModelDtype } from '../contracts/model-dtype';
import { EXECUTION_PROVIDERS, isExecutionProvider, type ExecutionProvider } from '../contracts/execution-provider';
import { MissingVectorsError, vectorFilePath } from '../emotion/vector-store';
import type { EmotionVectorSet } from '../emotion/vectors';
import { identifyModel, LoadedModel } from '../model/loaded-model';
import { findVectors, type LoadedVectors } from '../model/loaded-vectors';

export const MODEL_OPTIONS = {
  model: { type: 'string' },
  dtype: { type: 'string' },
  'cache-dir': { type: 'string' },
  offline: { type: 'boolean' },
  threads: { type: 'string' },
  ep: { type: 'string' },
} satisfies NonNullable<ParseArgsConfig['options']>;

export const MODEL_USAGE =
  `[--model <hub id|folder|fixture:name> (default ${DEFAULT_MODEL})] [--dtype fp32|fp16|q8|q4 (default fp32)] ` +
  '[--cache-dir d (default $AGENT_VITALS_CACHE or ~/.cache/agent-vitals)] [--offline] [--threads n] [--ep cpu|cuda|dml|coreml (default cpu)]';

export class UsageError extends Error {}

export interface ModelArgs {
  model: string;
  dtype: ModelDtype;
  cacheDir: string;
  offline: boolean;
  threads?: number;
  executionProvider: ExecutionProvider;
}

export function parseModelArgs(values: Record<string, unknown>): ModelArgs {
  const dtype = (values.dtype as string | undefined) ?? 'fp32';
  if (!isModelDtype(dtype)) throw new UsageError(`unknown --dtype '${dtype}' (fp32, fp16, q8, q4)`);
  const threads = values.threads === undefined ? undefined : Number(values.threads);
  if (threads !== undefined && !(Number.isInteger(threads) && threads > 0))
    throw new UsageError('--threads takes a positive integer');
  const executionProvider = (values.ep as string | undefined) ?? 'cpu';
  if (!isExecutionProvider(executionProvider))
    throw new UsageError(`unknown --ep '${executionProvider}' (${EXECUTION_PROVIDERS.join(', ')})`);
  return {
    model: (values.model as string | undefined) ?? DEFAULT_MODEL,
    dtype,
    cacheDir: (values['cache-dir'] as string | undefined) ?? defaultCacheDir(),
    offline: values.offline === true,
    threads,
    executionProvider,
  };
}

/**
 * Resolves (and if needed downloads) the model, showing download progress on `stderr` (quiet
 * under --json when it is not a terminal).
 */
export async function resolveModelArgs(
  args: ModelArgs,
  stderr: ProgressStream,
  json: boolean,
  signal?: AbortSignal,
): Promise<ResolvedModel> {
  useHubEndpointFromEnv();
  const progress = downloadProgress(stderr, json);
  try {
    return await resolveModel(args.model, {
      dtype: args.dtype,
      cacheDir: args.cacheDir,
      offline: args.offline,
      signal,
      onProgress: progress?.update,
    });
  } finally {
    progress?.finish();
  }
}

/** An AbortSignal that fires on Ctrl-C, so long commands stop cleanly. */
export function interruptSignal(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onInterrupt = () => controller.abort();
  process.once('SIGINT', onInterrupt);
  return { signal: controller.signal, dispose: () => process.off('SIGINT', onInterrupt) };
}

/** The model's calibrated vectors (a given file, the cache, or the ones shipped in the model
 *  folder). Says how to calibrate when there are none. */
export async function findCalibratedVectors(
  args: ModelArgs,
  resolved: ResolvedModel,
  stderr: NodeJS.WritableStream,
  vectorsPath?: string,
): Promise<LoadedVectors> {
  const identity = await identifyModel(args.model, resolved, args.cacheDir);
  const { loaded, problem } = findVectors(
    identity,
    args.cacheDir,
    readModelConfig(resolved.folder).hiddenSize,
    vectorsPath,
    resolved.folder,
  );
  if (!loaded) {
    if (problem) stderr.write(`${problem}\n`);
    throw new MissingVectorsError(vectorFilePath(args.cacheDir, identity), identity);
  }
  return loaded;
}

/** The model, probing the layer of its calibrated vectors. */
export async function openCalibratedModel(
  args: ModelArgs,
  resolved: ResolvedModel,
  stderr: NodeJS.WritableStream,
  vectorsPath?: string,
): Promise<{ model: LoadedModel; vectors: EmotionVectorSet; path: string }> {
  const loaded = await findCalibratedVectors(args, resolved, stderr, vectorsPath);
  const model = await LoadedModel.open(args.model, resolved, {
    vectors: loaded,
    threads: args.threads,
    executionProvider: args.executionProvider,
    cacheDir: args.cacheDir,
  });
  return { model, vectors: loaded.set, path: loaded.info.path };
}
