// Steer graph: the full model with one extra input `steer.<L>` ([hidden], float32) per steered
// layer, added to the residual stream after layer L. The caller scales the vector; a zero
// vector leaves every output unchanged.
import { readModelShape } from './model-shape';
import { onnx } from 'onnx-proto';
import { DataType, makeCast, makeNode, makeValueInfo, type GraphProto, type ModelProto, type NodeProto } from './proto';
import type { RewrittenGraph } from './probe-graph';
import { checkLayers, exposeResidual, residualTensor } from './residual-outputs';
import { findResidualStream, layerOutputStep, type ResidualStep } from './residual-stream';
import { tensorElementType } from './tensor-types';

/** Position of the optional `bias` input, which is summed into the residual on fused nodes. */
const SKIP_NORM_BIAS_INPUT: Record<string, number> = { SkipSimplifiedLayerNormalization: 3, SkipLayerNormalization: 4 };

export function steerInputName(layer: number): string {
  return `steer.${layer}`;
}

/** Rewrites `model` in place; also exposes the (steered) residual at each steered layer. */
export function buildSteerGraph(model: ModelProto, layers: readonly number[], sourcePath: string): RewrittenGraph {
  const graph = model.graph!;
  const stream = findResidualStream(graph, sourcePath);
  const shape = readModelShape(graph, stream, sourcePath);
  checkLayers(stream, layers);
  const residualOutputs: Record<number, string> = {};
  const exposed = [];
  for (const layer of [...new Set(layers)].sort((a, b) => a - b)) {
    const step = layerOutputStep(stream, layer);
    const residualType = tensorElementType(graph, step.input);
    const input = steerInputName(layer);
    graph.input = [...(graph.input ?? []), makeValueInfo(input, DataType.FLOAT, [shape.hiddenSize])];
    const steer = residualType === DataType.FLOAT ? input : castSteer(graph, input, residualType);
    let steered: string;
    if (step.kind === 'add') {
      steered = addAfterStep(graph, step, steer, layer);
    } else {
      addAsSkipBias(graph, step, steer, layer);
      steered = residualTensor(stream, layer);
    }
    const name = exposeResidual(graph, steered, layer);
    residualOutputs[layer] = name;
    exposed.push(makeValueInfo(name, DataType.FLOAT, ['batch', 'sequence', shape.hiddenSize]));
  }
  graph.output = [...(graph.output ?? []), ...exposed];
  lastPositionLogits(graph);
  return { shape, residualOutputs };
}

/** Nodes between the LM head and the `logits` output that keep every row as it is. */
const PASS_THROUGH = new Set(['Identity', 'Cast']);
/** LM heads whose first input is the hidden states, row by row. */
const HEADS = new Set(['MatMul', 'MatMulNBits']);

/**
 * Generation reads only the last position's logits, so the LM head runs on that row alone: a
 * 4,000-token prompt pass would otherwise compute and return a [4,000 × vocab] block (2.4 GB
 * for Qwen2.5's vocabulary). Any other head is left whole (the graph then returns every row).
 */
function lastPositionLogits(graph: GraphProto): void {
  const producer = (tensor: string) => graph.node?.find((node) => (node.output ?? []).includes(tensor));
  let head = producer('logits');
  while (head && PASS_THROUGH.has(head.opType ?? '')) head = producer(head.input?.[0] ?? '');
  if (!head || !HEADS.has(head.opType ?? '')) return;
  const hidden = head.input![0]!;
  const bound = (name: string, value: number) =>
    onnx.TensorProto.create({
      name: `vitals/last-position.${name}`,
      dataType: DataType.INT64,
      dims: [1],
      int64Data: [value],
    });
  // Slice [-1, end) on the sequence axis keeps the rank: logits stay [batch, 1, vocab].
  const bounds = [bound('starts', -1), bound('ends', Number.MAX_SAFE_INTEGER), bound('axes', 1)];
  graph.initializer = [...(graph.initializer ?? []), ...bounds];
  const last = `${hidden}.last-position`;
  const slice = makeNode('Slice', [hidden, ...bounds.map((b) => b.name)], [last], 'vitals/last-position');
  graph.node = (graph.node ?? []).flatMap((node) => (node === head ? [slice, node] : [node]));
  head.input = [last, ...head.input!.slice(1)];
}

function castSteer(graph: GraphProto, input: string, to: number): string {
  const cast = `${input}.cast`;
  graph.node = [makeCast(input, cast, to), ...(graph.node ?? [])];
  return cast;
}

/** r' = r + steer right after the residual Add, with every later reader of r moved to r'.
 *  Returns r'. */
function addAfterStep(graph: GraphProto, step: ResidualStep, steer: string, layer: number): string {
  const residual = step.output!;
  const steered = `residual.${layer}.steered`;
  const add = makeNode('Add', [residual, steer], [steered], `vitals/steer.${layer}`);
  const nodes: NodeProto[] = [];
  for (const node of graph.node ?? []) {
    if (node !== step.node) node.input = (node.input ?? []).map((i) => (i === residual ? steered : i));
    nodes.push(node);
    if (node === step.node) nodes.push(add);
  }
  graph.node = nodes;
  return steered;
}

/** Fused nodes compute input + skip + bias; the steering vector joins the bias. */
function addAsSkipBias(graph: GraphProto, step: ResidualStep, steer: string, layer: number): void {
  const position = SKIP_NORM_BIAS_INPUT[step.node.opType ?? '']!;
  const inputs = [...(step.node.input ?? [])];
  while (inputs.length <= position) inputs.push('');
  const bias = inputs[position];
  if (bias) {
    const combined = `steer.${layer}.bias`;
    const add = makeNode('Add', [bias, steer], [combined], `vitals/steer.${layer}`);
    graph.node = (graph.node ?? []).flatMap((n) => (n === step.node ? [add, n] : [n]));
    inputs[position] = combined;
  } else {
    inputs[position] = steer;
  }
  step.node.input = inputs;
}
