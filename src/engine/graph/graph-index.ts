// Lookup tables over a graph: who produces and who consumes each tensor, in topological order.
import { inputsOf, outputsOf, type GraphProto, type NodeProto } from './proto';

export class GraphIndex {
  readonly nodes: NodeProto[];
  private readonly producerIndex = new Map<string, number>();
  private readonly consumerIndex = new Map<string, number[]>();
  readonly initializers: Set<string>;
  readonly graphInputs: Set<string>;

  constructor(readonly graph: GraphProto) {
    this.nodes = graph.node ?? [];
    this.nodes.forEach((node, i) => {
      for (const out of outputsOf(node)) if (out) this.producerIndex.set(out, i);
      for (const input of inputsOf(node)) {
        if (!input) continue;
        const list = this.consumerIndex.get(input) ?? [];
        list.push(i);
        this.consumerIndex.set(input, list);
      }
    });
    this.initializers = new Set((graph.initializer ?? []).map((t) => t.name ?? ''));
    this.graphInputs = new Set((graph.input ?? []).map((v) => v.name ?? ''));
  }

  /** Index (topological position) of the node producing `tensor`, if a node produces it. */
  producerOf(tensor: string): number | undefined {
    return this.producerIndex.get(tensor);
  }

  consumersOf(tensor: string): NodeProto[] {
    return (this.consumerIndex.get(tensor) ?? []).map((i) => this.nodes[i]!);
  }

  /** True when the node at `ancestor` lies on some path that computes `tensor`. ONNX nodes are
   *  topologically sorted, so the search never needs to look at nodes before `ancestor`. */
  dependsOnNode(tensor: string, ancestor: number): boolean {
    const seen = new Set<number>();
    const stack: string[] = [tensor];
    while (stack.length > 0) {
      const current = stack.pop()!;
      const producer = this.producerIndex.get(current);
      if (producer === undefined || producer < ancestor || seen.has(producer)) continue;
      if (producer === ancestor) return true;
      seen.add(producer);
      for (const input of inputsOf(this.nodes[producer]!)) if (input) stack.push(input);
    }
    return false;
  }

  /** Indices of every node needed to compute `outputs`. */
  nodesNeededFor(outputs: Iterable<string>): Set<number> {
    const needed = new Set<number>();
    const stack = [...outputs];
    while (stack.length > 0) {
      const producer = this.producerIndex.get(stack.pop()!);
      if (producer === undefined || needed.has(producer)) continue;
      needed.add(producer);
      for (const input of inputsOf(this.nodes[producer]!)) if (input) stack.push(input);
      // Subgraph attributes (If/Loop/Scan bodies) may read outer-scope tensors.
      for (const attr of this.nodes[producer]!.attribute ?? []) {
        for (const sub of [attr.g, ...(attr.graphs ?? [])]) {
          for (const inner of sub?.node ?? []) for (const input of inputsOf(inner)) if (input) stack.push(input);
        }
      }
    }
    return needed;
  }
}
