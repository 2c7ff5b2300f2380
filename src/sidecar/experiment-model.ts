// The sidecar's loaded session seen as an ExperimentModel. Every model call goes through the
// session's queue one at a time, so a long experiment interleaves with live scoring instead of
// blocking it.
import type { KvCache, Steering } from '../engine';
import { loadVectorsFor } from '../emotion/vector-store';
import type { ExperimentModel, SteerableDecoder } from '../experiments/model';
import type { ResidualEncoder } from './conversation';
import type { ModelSession } from './model-session';
import { identifyModel } from './session-vectors';

/**
 * Uses the session's own vectors unless `vectorsPath` names others; a session loaded before its
 * model was calibrated picks up the cached file written since.
 */
export async function sessionExperimentModel(session: ModelSession, cacheDir: string, vectorsPath?: string): Promise<ExperimentModel> {
  const identity = await identifyModel(session.info.model, session.resolved, cacheDir);
  const vectors = (!vectorsPath && session.vectors) || loadVectorsFor(identity, cacheDir, vectorsPath, session.info.hiddenSize);
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
  const encoder: ResidualEncoder<KvCache> = session.probe.layers.includes(layer)
    ? { layers: session.probe.layers, forward: (ids, past) => session.serial(() => session.probe.forward(ids, past)) }
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
    layer,
    contextLimit: session.info.contextLimit,
    stopIds: session.stopTokenIds(),
    steered,
  };
}
