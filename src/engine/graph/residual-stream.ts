// Finds the residual stream of a decoder-only transformer from the graph's topology.
//
// A pre-norm decoder layer updates the residual twice: r ← r + attention(norm(r)) and
// r ← r + mlp(norm(r)). In an optimum-style export each update is an `Add` whose one operand
// is (a pass-through Cast/Identity of) the previous residual and whose other operand is
// computed from that same residual. After onnxruntime's fusion the update is a
// Skip(Simplified)LayerNormalization node: input + skip is the new residual (output 3) and
// output 0 is already the next norm. Chaining these updates, each one consuming the previous
// one's residual, gives the stream; its length divided by the layer count (from the KV outputs)
// is the number of updates per layer.
import { UnsupportedArchitectureError } from './errors';
import { GraphIndex } from './graph-index';
import { inputsOf, outputsOf, type GraphProto, type NodeProto } from './proto';

export type ResidualStepKind = 'add' | 'skip-norm';

export interface ResidualStep {
  readonly node: NodeProto;
  readonly kind: ResidualStepKind;
  /** The incoming residual operand as the node reads it. */
  readonly input: string;
  /** The updated residual; undefined for a fused node that does not emit its sum (output 3). */
  readonly output: string | undefined;
}

export interface ResidualStream {
  readonly numLayers: number;
  readonly stepsPerLayer: number;
  readonly steps: readonly ResidualStep[];
}

const SKIP_NORMS = new Set(['SkipSimplifiedLayerNormalization', 'SkipLayerNormalization']);
const PASS_THROUGH = new Set(['Cast', 'Identity']);
/** Index of the residual-sum output on the fused nodes. */
export const SKIP_NORM_SUM_OUTPUT = 3;
const KV_OUTPUT = /^present[._](\d+)[._](key|value)$/;

/** Layer index of a KV-cache graph output (`present.<n>.key|value`), if it is one. */
export function kvOutputLayer(name: string): number | undefined {
  const match = KV_OUTPUT.exec(name);
  return match ? Number(match[1]) : undefined;
}

export function findResidualStream(graph: GraphProto, modelPath: string): ResidualStream {
  const index = new GraphIndex(graph);
  const numLayers = countKvLayers(graph);
  if (numLayers === 0) throw new UnsupportedArchitectureError(modelPath, 'no KV-cache outputs (present.<n>.key/value)');
  const chain = longestChain(index, candidateSteps(index));
  if (chain.length === 0)
    throw new UnsupportedArchitectureError(modelPath, 'no residual Add or SkipLayerNormalization chain');
  if (chain.length % numLayers !== 0) {
    throw new UnsupportedArchitectureError(
      modelPath,
      `a residual chain of ${chain.length} updates that does not divide into ${numLayers} layers`,
    );
  }
  return { numLayers, stepsPerLayer: chain.length / numLayers, steps: chain };
}

/** The step whose output is the residual after decoder layer `layer` (0-based). */
export function layerOutputStep(stream: ResidualStream, layer: number): ResidualStep {
  return stream.steps[(layer + 1) * stream.stepsPerLayer - 1]!;
}

function countKvLayers(graph: GraphProto): number {
  const layers = new Set<number>();
  for (const output of graph.output ?? []) {
    const layer = kvOutputLayer(output.name ?? '');
    if (layer !== undefined) layers.add(layer);
  }
  return layers.size;
}

/** Nodes that add a branch computed from a residual back onto that residual. */
function candidateSteps(index: GraphIndex): ResidualStep[] {
  const steps: ResidualStep[] = [];
  index.nodes.forEach((node) => {
    const isAdd = node.opType === 'Add' && !node.domain;
    const isSkipNorm = SKIP_NORMS.has(node.opType ?? '');
    if (!isAdd && !isSkipNorm) return;
    const [a, b] = inputsOf(node);
    if (!a || !b) return;
    const input = residualOperand(index, a, b) ?? residualOperand(index, b, a);
    if (input === undefined) return;
    const output = isAdd ? outputsOf(node)[0] : outputsOf(node)[SKIP_NORM_SUM_OUTPUT] || undefined;
    steps.push({ node, kind: isAdd ? 'add' : 'skip-norm', input, output });
  });
  return steps;
}

/** `residual` if the node producing it also feeds the computation of `branch`. */
function residualOperand(index: GraphIndex, residual: string, branch: string): string | undefined {
  const producer = index.producerOf(residual);
  if (producer === undefined) return undefined;
  return index.dependsOnNode(branch, producer) ? residual : undefined;
}

/** Follows Cast/Identity back to the tensor they forward. */
function throughPassThrough(index: GraphIndex, tensor: string): string {
  let current = tensor;
  for (;;) {
    const producer = index.producerOf(current);
    const node = producer === undefined ? undefined : index.nodes[producer];
    if (!node || !PASS_THROUGH.has(node.opType ?? '') || !node.input?.[0]) return current;
    current = node.input[0];
  }
}

function longestChain(index: GraphIndex, candidates: ResidualStep[]): ResidualStep[] {
  const byInput = new Map<string, ResidualStep>();
  for (const step of candidates) {
    const source = throughPassThrough(index, step.input);
    if (!byInput.has(source)) byInput.set(source, step);
  }
  const produced = new Set(candidates.map((s) => s.output).filter((o): o is string => o !== undefined));
  let best: ResidualStep[] = [];
  for (const head of candidates) {
    if (produced.has(throughPassThrough(index, head.input))) continue;
    const chain: ResidualStep[] = [head];
    for (let step = head; step.output !== undefined;) {
      const next = byInput.get(step.output);
      if (!next || chain.includes(next)) break;
      chain.push(next);
      step = next;
    }
    if (chain.length > best.length) best = chain;
  }
  return best;
}
