// Probe graph: the decoder cut just after the highest requested layer, returning the residual
// stream at the requested layers plus the KV cache of the layers it keeps.
import { readModelShape, type ModelShape } from './model-shape';
import { pruneToOutputs } from './prune';
import { DataType, makeValueInfo, type ModelProto } from './proto';
import { checkLayers, exposeResidual, residualTensor } from './residual-outputs';
import { findResidualStream, kvOutputLayer } from './residual-stream';

export interface RewrittenGraph {
  readonly shape: ModelShape;
  /** Graph output name per probed (or steered) layer. */
  readonly residualOutputs: Record<number, string>;
}

/** Rewrites `model` in place. `sourcePath` names the original file (for errors and config.json). */
export function buildProbeGraph(model: ModelProto, layers: readonly number[], sourcePath: string): RewrittenGraph {
  const graph = model.graph!;
  const stream = findResidualStream(graph, sourcePath);
  const shape = readModelShape(graph, stream, sourcePath);
  checkLayers(stream, layers);
  const top = Math.max(...layers);
  const residualOutputs: Record<number, string> = {};
  const outputs = [];
  for (const layer of [...new Set(layers)].sort((a, b) => a - b)) {
    const name = exposeResidual(graph, residualTensor(stream, layer), layer);
    residualOutputs[layer] = name;
    outputs.push(makeValueInfo(name, DataType.FLOAT, ['batch', 'sequence', shape.hiddenSize]));
  }
  const keptKv = (graph.output ?? []).filter((o) => {
    const layer = kvOutputLayer(o.name ?? '');
    return layer !== undefined && layer <= top;
  });
  graph.output = [...outputs, ...keptKv];
  pruneToOutputs(graph);
  return { shape, residualOutputs };
}
