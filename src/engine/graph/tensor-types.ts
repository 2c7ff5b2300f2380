// Element type of an intermediate tensor. Exports rarely carry value_info for every tensor, so
// the type is followed back through the producing ops.
import { GraphIndex } from './graph-index';
import { DataType, elementType, intAttribute, type GraphProto } from './proto';

/** Ops whose output type is not the type of their first input. */
const OUTPUT_TYPE_FROM_INPUT: Record<string, number> = { DequantizeLinear: 1 };
const FIXED_OUTPUT_TYPE: Record<string, number> = {
  Shape: DataType.INT64,
  Size: DataType.INT64,
  MatMulInteger: DataType.INT32,
  ConvInteger: DataType.INT32,
  DynamicQuantizeLinear: DataType.UINT8,
};

export function tensorElementType(graph: GraphProto, tensor: string): number {
  const declared = new Map<string, number>();
  for (const info of [...(graph.input ?? []), ...(graph.output ?? []), ...(graph.valueInfo ?? [])]) {
    declared.set(info.name ?? '', elementType(info));
  }
  for (const init of graph.initializer ?? []) declared.set(init.name ?? '', init.dataType ?? DataType.UNDEFINED);
  const index = new GraphIndex(graph);

  let current = tensor;
  for (let hops = 0; hops < index.nodes.length + 1; hops++) {
    const known = declared.get(current);
    if (known) return known;
    const producer = index.producerOf(current);
    if (producer === undefined) break;
    const node = index.nodes[producer]!;
    const op = node.opType ?? '';
    if (op === 'Cast') return intAttribute(node, 'to') ?? DataType.UNDEFINED;
    if (op === 'Constant') return node.attribute?.find((a) => a.name === 'value')?.t?.dataType ?? DataType.UNDEFINED;
    if (op in FIXED_OUTPUT_TYPE) return FIXED_OUTPUT_TYPE[op]!;
    current = node.input?.[OUTPUT_TYPE_FROM_INPUT[op] ?? 0] ?? '';
  }
  return DataType.UNDEFINED;
}
