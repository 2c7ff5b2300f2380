// The sidecar's loaded session seen as an ExperimentModel. Every model call goes through the
// session's queue one at a time, so a long experiment interleaves with live scoring instead of
// blocking it.
import type { KvCache, Steering } from '../engine';
import { MissingVectorsError } from '../emotion/vector-store';
import type { ExperimentModel, SteerableDecoder } from '../experiments/model';
import { findVectors, identifyModel } from './session-vectors';
import type { ResidualEncoder } from './conversation';
import type { ModelSession } from './model-session';

/** The session's own vectors, or those of `vectorsPath` when given. */
export async function sessionExperimentModel(session: ModelSession, cacheDir: string, vectorsPath?: string): Promise<ExperimentModel> {
  const identity = await identifyModel(session.info.model, session.resolved, cacheDir);
  // Vectors calibrated (e.g. by the CLI) after the model loaded are picked up from the cache too.
  const found = vectorsPath || !session.vectors ? findVectors(identity, cacheDir, session.info.hiddenSize, vectorsPath, session.resolved.folder).loaded : undefined;
  const vectors = found ? found.set : session.vectors;
  if (!vectors) throw new MissingVectorsError(vectorsPath ?? cacheDir, identity);
  const layer = vectors.header.choice.layer;
  const steered = async (): Promise<SteerableDecoder> => {
    const model = await session.steeredModel();
    return {
      layers: model.layers,
      forward: (ids, past, steering?: Steering[]) => session.serial(() => model.forward(ids, past, steering)),
      generate: (ids, options) => session.serial(() => model.generate(ids, options)),
    };
  };
  // Read through the probe when it was loaded with the vectors' layer, else through the
  // steerable decoder (which exposes every layer) with no steering.
  const encoder: ResidualEncoder<KvCache> = session.encoder.layers.includes(layer)
    ? { layers: session.encoder.layers, forward: (ids, past) => session.serial(() => session.encoder.forward(ids, past)) }
    : {
        layers: [layer],
        forward: async (ids, past) => {
          const decoder = await steered();
          const step = await decoder.forward(ids, past, []);
          return { activations: step.residuals, past: step.past };
        },
      };
  return {
    identity,
    hiddenSize: session.info.hiddenSize,
    numLayers: session.info.numLayers,
    tokenizer: session.tokenizer,
    encoder,
    vectors,
    vectorsPath: found ? found.info.path : session.info.vectors?.path,
    layer,
    contextLimit: session.info.contextLimit,
    stopIds: session.stopTokenIds(),
    steered,
  };
}
