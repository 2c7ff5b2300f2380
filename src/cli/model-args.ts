// Options shared by every CLI command that opens a model, and the code that turns them into a
// resolved model on disk (downloading with progress on stderr when needed).
import type { ParseArgsConfig } from 'node:util';
import { useHubEndpointFromEnv } from '../model-store/hub-download';
import { readModelConfig } from '../model-store/model-config';
import { DEFAULT_MODEL } from '../model-store/model-spec';
import { defaultCacheDir, resolveModel, type ResolvedModel } from '../model-store/model-store';
import { isModelDtype } from '../model-store/variants';
import type { ModelDtype } from '../protocol/methods';
import { ModelActivationReader } from '../emotion/model-reader';
import { MissingVectorsError, vectorFilePath } from '../emotion/vector-store';
import type { EmotionVectorSet } from '../emotion/vectors';
import { findVectors, identifyModel } from '../sidecar/session-vectors';

export const MODEL_OPTIONS = {
  model: { type: 'string' },
  dtype: { type: 'string' },
  'cache-dir': { type: 'string' },
  offline: { type: 'boolean' },
  threads: { type: 'string' },
} satisfies NonNullable<ParseArgsConfig['options']>;

export const MODEL_USAGE =
  `[--model <hub id|folder|fixture:name> (default ${DEFAULT_MODEL})] [--dtype fp32|fp16|q8|q4 (default fp32)] ` +
  '[--cache-dir d (default $AGENT_VITALS_CACHE or ~/.cache/agent-vitals)] [--offline] [--threads n]';

export class UsageError extends Error {}

export interface ModelArgs {
  model: string;
  dtype: ModelDtype;
  cacheDir: string;
  offline: boolean;
  threads?: number;
}

export function parseModelArgs(values: Record<string, unknown>): ModelArgs {
  const dtype = (values.dtype as string | undefined) ?? 'fp32';
  if (!isModelDtype(dtype)) throw new UsageError(`unknown --dtype '${dtype}' (fp32, fp16, q8, q4)`);
  const threads = values.threads === undefined ? undefined : Number(values.threads);
  if (threads !== undefined && !(Number.isInteger(threads) && threads > 0)) throw new UsageError('--threads takes a positive integer');
  return {
    model: (values.model as string | undefined) ?? DEFAULT_MODEL,
    dtype,
    cacheDir: (values['cache-dir'] as string | undefined) ?? defaultCacheDir(),
    offline: values.offline === true,
    threads,
  };
}

/** Resolves (and if needed downloads) the model, reporting download progress on `stderr`. */
export async function resolveModelArgs(args: ModelArgs, stderr: NodeJS.WritableStream, signal?: AbortSignal): Promise<ResolvedModel> {
  useHubEndpointFromEnv();
  let lastPercent = -1;
  return resolveModel(args.model, {
    dtype: args.dtype,
    cacheDir: args.cacheDir,
    offline: args.offline,
    signal,
    onProgress: (p) => {
      if (p.percent === undefined || p.percent === lastPercent || p.percent % 10 !== 0) return;
      lastPercent = p.percent;
      stderr.write(`downloading ${p.file}: ${p.percent}%\n`);
    },
  });
}

/** An AbortSignal that fires on Ctrl-C, so long commands stop cleanly. */
export function interruptSignal(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onInterrupt = () => controller.abort();
  process.once('SIGINT', onInterrupt);
  return { signal: controller.signal, dispose: () => process.off('SIGINT', onInterrupt) };
}

/**
 * The model's vectors (a given file, the cache, or the ones shipped in the model folder) and a
 * reader probing their layer. Says how to calibrate when there are none.
 */
export async function openCalibratedReader(args: ModelArgs, resolved: ResolvedModel, stderr: NodeJS.WritableStream, vectorsPath?: string): Promise<{ reader: ModelActivationReader; vectors: EmotionVectorSet; path: string }> {
  const identity = await identifyModel(args.model, resolved, args.cacheDir);
  const { loaded, problem } = findVectors(identity, args.cacheDir, readModelConfig(resolved.folder).hiddenSize, vectorsPath, resolved.folder);
  if (!loaded) {
    if (problem) stderr.write(`${problem}\n`);
    throw new MissingVectorsError(vectorFilePath(args.cacheDir, identity), identity);
  }
  const reader = await ModelActivationReader.open(args.model, resolved, { layers: [loaded.set.header.choice.layer], threads: args.threads, cacheDir: args.cacheDir });
  return { reader, vectors: loaded.set, path: loaded.info.path };
}
