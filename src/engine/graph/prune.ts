// Drops every node, input, initializer and value_info that no graph output needs.
import { GraphIndex } from './graph-index';
import type { GraphProto } from './proto';

export function pruneToOutputs(graph: GraphProto): void {
  const index = new GraphIndex(graph);
  const outputs = (graph.output ?? []).map((o) => o.name ?? '');
  const needed = index.nodesNeededFor(outputs);
  graph.node = index.nodes.filter((_, i) => needed.has(i));

  const used = new Set<string>(outputs);
  for (const node of graph.node) {
    for (const input of node.input ?? []) used.add(input);
    for (const attr of node.attribute ?? []) {
      for (const sub of [attr.g, ...(attr.graphs ?? [])]) {
        for (const inner of sub?.node ?? []) for (const input of inner.input ?? []) used.add(input);
      }
    }
  }
  const produced = new Set(graph.node.flatMap((n) => n.output ?? []));
  graph.input = (graph.input ?? []).filter((i) => used.has(i.name ?? ''));
  graph.initializer = (graph.initializer ?? []).filter((t) => used.has(t.name ?? ''));
  graph.valueInfo = (graph.valueInfo ?? []).filter((v) => produced.has(v.name ?? '') && used.has(v.name ?? ''));
}
