// The smallest vector set the vector-file readers accept: one emotion (calm) on layer 1 of a
// two-layer model. Tests change the one thing they are about through `header` or the rows.
import { VECTOR_FILE_FORMAT, VECTOR_FILE_VERSION, type EmotionVectorSet } from '../../src/emotion/vectors';

export interface OneLayerOptions {
  hiddenSize?: number;
  /** Every value of the vector and the story mean; without it the vector is the first axis and the mean zero. */
  fill?: number;
  header?: Partial<EmotionVectorSet['header']>;
}

export function oneLayerVectorSet(
  model: EmotionVectorSet['header']['model'],
  { hiddenSize = 2, fill, header = {} }: OneLayerOptions = {},
): EmotionVectorSet {
  const row = (first: number) => {
    const values = new Float32Array(hiddenSize).fill(fill ?? 0);
    if (fill === undefined) values[0] = first;
    return values;
  };
  return {
    header: {
      format: VECTOR_FILE_FORMAT,
      version: VECTOR_FILE_VERSION,
      model,
      hiddenSize,
      numLayers: 2,
      emotions: ['calm'],
      tokenStart: 0,
      pcaSource: 'neutral-tokens',
      pcaVarianceShare: 0.5,
      neutralTokensSampled: 1,
      storiesUsed: 1,
      storiesSkipped: 0,
      corpusHash: 'c0',
      createdAt: '2026-11-27T00:00:00.000Z',
      choice: { layer: 1, reason: 'only layer', perLayer: [] },
      ...header,
    },
    layers: [
      {
        layer: 1,
        vectors: [row(1)],
        baseline: [{ mean: 0, std: 1 }],
        storyMean: row(0),
        componentsRemoved: 0,
        varianceRemoved: 0,
      },
    ],
  };
}
