// Makes the residual after a decoder layer readable as a named float32 tensor.
import { ModelRequestError } from './errors';
import { layerOutputStep, SKIP_NORM_SUM_OUTPUT, type ResidualStream } from './residual-stream';
import { DataType, makeCast, makeNode, type GraphProto } from './proto';
import { tensorElementType } from './tensor-types';

function residualOutputName(layer: number): string {
  return `residual.${layer}`;
}

export function checkLayers(stream: ResidualStream, layers: readonly number[]): void {
  if (layers.length === 0) throw new ModelRequestError('At least one layer must be requested.');
  for (const layer of layers) {
    if (!Number.isInteger(layer) || layer < 0 || layer >= stream.numLayers) {
      throw new ModelRequestError(`Layer ${layer} does not exist: the model has layers 0..${stream.numLayers - 1}.`);
    }
  }
}

/** Name of the tensor holding the residual after `layer`, creating the fused node's missing sum
 *  output (output 3 of the last layer's Skip…Normalization) when needed. */
export function residualTensor(stream: ResidualStream, layer: number): string {
  const step = layerOutputStep(stream, layer);
  if (step.output !== undefined) return step.output;
  const outputs = step.node.output ?? [];
  while (outputs.length < SKIP_NORM_SUM_OUTPUT) outputs.push('');
  const sum = `residual.${layer}.sum`;
  outputs[SKIP_NORM_SUM_OUTPUT] = sum;
  step.node.output = outputs;
  return sum;
}

/** Appends a node that copies (or casts to float32) `tensor` into `residual.<layer>`; appending
 *  keeps the node list topologically sorted. Returns the new tensor's name. */
export function exposeResidual(graph: GraphProto, tensor: string, layer: number): string {
  const name = residualOutputName(layer);
  const isFloat32 = tensorElementType(graph, tensor) === DataType.FLOAT;
  const node = isFloat32
    ? makeNode('Identity', [tensor], [name], `vitals/${name}`)
    : makeCast(tensor, name, DataType.FLOAT);
  graph.node = [...(graph.node ?? []), node];
  return name;
}
