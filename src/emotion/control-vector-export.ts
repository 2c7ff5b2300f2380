// Which directions of a calibrated vector file become llama.cpp control vectors: one file per
// emotion, at chosen calibrated layers (default: the reading layer), refused when the model the
// file is written for does not have the file's shape.
import type { ControlVector } from './control-vector-file';
import { layerVectors, VectorFileError, type EmotionVectorSet } from './vectors';

export interface ControlVectorChoice {
  emotions: readonly string[];
  /** Calibrated layers (0-based decoder layers, as llama.cpp numbers them); default: the reading layer. */
  layers?: readonly number[];
}

export class ExportRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExportRefusedError';
  }
}

/** Refuses a model whose residual width or depth differs from the vector file's. */
export function checkModelShape(set: EmotionVectorSet, model: { hiddenSize?: number; numHiddenLayers?: number }): void {
  const { hiddenSize, numLayers } = set.header;
  if (model.hiddenSize !== hiddenSize || model.numHiddenLayers !== numLayers)
    throw new ExportRefusedError(
      `the model has hidden size ${model.hiddenSize ?? '?'} and ${model.numHiddenLayers ?? '?'} layers; the vectors were calibrated for hidden size ${hiddenSize} and ${numLayers} layers`,
    );
}

/**
 * The control vector of each chosen emotion. Directions are the calibrated unit vectors: llama.cpp's
 * scale is then a distance in residual units, and the research's α maps to α × the layer's mean
 * residual norm.
 */
export function controlVectorsFor(
  set: EmotionVectorSet,
  modelHint: string,
  choice: ControlVectorChoice,
): Map<string, ControlVector> {
  const { emotions } = set.header;
  const unknown = choice.emotions.filter((e) => !emotions.includes(e));
  if (unknown.length)
    throw new ExportRefusedError(`no calibrated vector for ${unknown.join(', ')} (have ${emotions.join(', ')})`);
  const layers = choice.layers ?? [set.header.choice.layer];
  // llama.cpp adds direction.<n> after decoder layer n and has no slot for n = 0.
  if (layers.includes(0))
    throw new ExportRefusedError('llama.cpp control vectors cannot steer after layer 0; choose layers from 1');
  const byLayer = layers.map((layer) => {
    try {
      return layerVectors(set, layer);
    } catch (err) {
      if (err instanceof VectorFileError) throw new ExportRefusedError(err.message);
      throw err;
    }
  });
  return new Map(
    choice.emotions.map((emotion) => {
      const index = emotions.indexOf(emotion);
      return [emotion, { modelHint, directions: new Map(byLayer.map((l) => [l.layer, l.vectors[index]])) }];
    }),
  );
}
