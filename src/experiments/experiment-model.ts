// A loaded model seen as an ExperimentModel, in the sidecar or in the CLI. Every model call goes
// through the model's queue one at a time, so a long experiment interleaves with live scoring
// instead of blocking it.
import type { ExecutionProvider } from '../contracts/execution-provider';
import type { KvCache, Steering } from '../engine';
import { MissingVectorsError, vectorFilePath } from '../emotion/vector-store';
import { VectorFileError } from '../emotion/vectors';
import type { ExperimentModel, SteerableDecoder } from './model';
import { readModelConfig } from '../model-store/model-config';
import type { ResolvedModel } from '../model-store/model-store';
import { findVectors } from '../model/loaded-vectors';
import type { ResidualEncoder } from '../model/residual-encoder';
import { identifyModel, LoadedModel } from '../model/loaded-model';

/** The model's own vectors, or those of `vectorsPath` when given. */
export function experimentModel(model: LoadedModel, cacheDir: string, vectorsPath?: string): ExperimentModel {
  // Vectors calibrated (e.g. by the CLI) after the model loaded are picked up from the cache too.
  const found =
    vectorsPath || !model.vectors
      ? findVectors(model.identity, cacheDir, model.info.hiddenSize, vectorsPath, model.resolved.folder).loaded
      : undefined;
  const vectors = found ? found.set : model.vectors;
  if (!vectors) throw new MissingVectorsError(vectorsPath ?? cacheDir, model.identity);
  const layer = vectors.header.choice.layer;
  const steered = async (): Promise<SteerableDecoder> => {
    const decoder = await model.steeredModel();
    return {
      layers: decoder.layers,
      forward: (ids, past, steering?: Steering[]) => model.serial(() => decoder.forward(ids, past, steering)),
      generate: (ids, options) => model.serial(() => decoder.generate(ids, options)),
    };
  };
  // Read through the probe when it was loaded with the vectors' layer, else through the
  // steerable decoder (which exposes every layer) with no steering.
  const encoder: ResidualEncoder<KvCache> = model.encoder.layers.includes(layer)
    ? { layers: model.encoder.layers, forward: (ids, past) => model.serial(() => model.encoder.forward(ids, past)) }
    : {
        layers: [layer],
        forward: async (ids, past) => {
          const decoder = await steered();
          const step = await decoder.forward(ids, past, []);
          return { activations: step.residuals, past: step.past };
        },
      };
  return {
    identity: model.identity,
    hiddenSize: model.info.hiddenSize,
    numLayers: model.info.numLayers,
    tokenizer: model.tokenizer,
    encoder,
    vectors,
    vectorsPath: found ? found.info.path : model.info.vectors?.path,
    layer,
    contextLimit: model.contextLimit,
    stopIds: model.stopTokenIds(),
    steered,
  };
}

export interface OpenExperimentModelOptions {
  /** Root of the product's cache (vectors and rewritten graphs live under it). */
  cacheDir: string;
  threads?: number;
  executionProvider?: ExecutionProvider;
  /** A vector file to use instead of the cached or shipped one for this model. */
  vectorsPath?: string;
}

/** An open model and the way to free it. */
export interface OpenedExperimentModel {
  model: ExperimentModel;
  release(): Promise<void>;
}

/**
 * Opens a model in this process (the CLI's way) with its vectors (a given file, the cache, or
 * the ones shipped in the model folder), probing their layer.
 */
export async function openExperimentModel(
  name: string,
  resolved: ResolvedModel,
  options: OpenExperimentModelOptions,
): Promise<OpenedExperimentModel> {
  const identity = await identifyModel(name, resolved, options.cacheDir);
  const { loaded, problem } = findVectors(
    identity,
    options.cacheDir,
    readModelConfig(resolved.folder).hiddenSize,
    options.vectorsPath,
    resolved.folder,
  );
  if (problem) throw new VectorFileError(problem);
  if (!loaded) throw new MissingVectorsError(vectorFilePath(options.cacheDir, identity), identity);
  const model = await LoadedModel.open(name, resolved, {
    vectors: loaded,
    threads: options.threads,
    executionProvider: options.executionProvider,
    cacheDir: options.cacheDir,
  });
  return { model: experimentModel(model, options.cacheDir), release: () => model.release() };
}
