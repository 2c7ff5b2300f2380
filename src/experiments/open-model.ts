// Opens an ExperimentModel in this process (the CLI's way; the sidecar builds one from its
// loaded session): finds the model's vectors (a given file, the cache, or the ones shipped in the
// model folder) and opens the probe at their layer.
import { join } from 'node:path';
import { ResidualProbe, SteeredModel } from '../engine';
import { sourceDigest } from '../engine/graph/graph-cache';
import { modelIdentity } from '../emotion/model-reader';
import { MissingVectorsError, vectorFilePath } from '../emotion/vector-store';
import { VectorFileError } from '../emotion/vectors';
import { readModelConfig } from '../model-store/model-config';
import { readerContextLimit } from '../model/read-passes';
import type { ResolvedModel } from '../model-store/model-store';
import { ModelTokenizer } from '../model/chat-tokenizer';
import { stopTokenIds } from '../model/model-session';
import { findVectors } from '../model/session-vectors';
import type { ExperimentModel } from './model';

export interface OpenExperimentModelOptions {
  /** Root of the product's cache (vectors and rewritten graphs live under it). */
  cacheDir: string;
  threads?: number;
  /** A vector file to use instead of the cached or shipped one for this model. */
  vectorsPath?: string;
}

/** An open model and the way to free its sessions. */
export interface OpenedExperimentModel {
  model: ExperimentModel;
  release(): Promise<void>;
}

export async function openExperimentModel(name: string, resolved: ResolvedModel, options: OpenExperimentModelOptions): Promise<OpenedExperimentModel> {
  const graphs = join(options.cacheDir, 'graphs');
  const [tokenizer, fileHash] = await Promise.all([ModelTokenizer.load(resolved.folder), sourceDigest(resolved.onnxPath, graphs)]);
  const identity = modelIdentity(name, resolved, fileHash);
  const config = readModelConfig(resolved.folder);
  const { loaded, problem } = findVectors(identity, options.cacheDir, config.hiddenSize, options.vectorsPath, resolved.folder);
  if (problem) throw new VectorFileError(problem);
  if (!loaded) throw new MissingVectorsError(vectorFilePath(options.cacheDir, identity), identity);
  const vectors = loaded.set;
  const layer = vectors.header.choice.layer;
  const probe = await ResidualProbe.load(resolved.onnxPath, { layers: [layer], threads: options.threads, cacheDir: graphs });
  let steered: Promise<SteeredModel> | undefined;
  const model: ExperimentModel = {
    identity,
    hiddenSize: probe.shape.hiddenSize,
    numLayers: probe.shape.numLayers,
    tokenizer,
    encoder: probe,
    vectors,
    layer,
    contextLimit: readerContextLimit(config, probe.shape),
    vectorsPath: loaded.info.path,
    stopIds: stopTokenIds(resolved.folder, tokenizer),
    steered: () => (steered ??= SteeredModel.load(resolved.onnxPath, { layers: [layer], threads: options.threads, cacheDir: graphs })),
  };
  return {
    model,
    async release() {
      await probe.release();
      await (await steered?.catch(() => undefined))?.release();
    },
  };
}
