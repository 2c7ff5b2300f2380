// Small helpers over onnx-proto's generated types.
import { onnx } from 'onnx-proto';

export type ModelProto = onnx.ModelProto;
export type GraphProto = onnx.IGraphProto;
export type NodeProto = onnx.INodeProto;
export type ValueInfoProto = onnx.IValueInfoProto;
export const DataType = onnx.TensorProto.DataType;
export const DataLocation = onnx.TensorProto.DataLocation;

/** A Cast node to element type `to`. */
export function makeCast(input: string, output: string, to: number): onnx.NodeProto {
  return makeNode('Cast', [input], [output], `vitals/${output}`, [
    { name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: to },
  ]);
}

/** protobufjs decodes int64 fields as Long objects when the `long` package is present. */
export function toNumber(value: number | { toNumber(): number } | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'number' ? value : value.toNumber();
}

export function decodeModel(bytes: Uint8Array): ModelProto {
  return onnx.ModelProto.decode(bytes);
}

export function encodeModel(model: ModelProto): Uint8Array {
  return onnx.ModelProto.encode(model).finish();
}

export function inputsOf(node: NodeProto): string[] {
  return node.input ?? [];
}

export function outputsOf(node: NodeProto): string[] {
  return node.output ?? [];
}

/** Shape of a graph input/output as declared (numbers for fixed dims, names for symbolic ones). */
export function declaredShape(info: ValueInfoProto): (number | string)[] {
  const dims = info.type?.tensorType?.shape?.dim ?? [];
  return dims.map((d) => (d.dimParam ? d.dimParam : toNumber(d.dimValue)));
}

export function elementType(info: ValueInfoProto): number {
  return info.type?.tensorType?.elemType ?? DataType.UNDEFINED;
}

export function makeValueInfo(name: string, elemType: number, shape: (number | string)[]): onnx.ValueInfoProto {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  });
}

export function makeNode(
  opType: string,
  input: string[],
  output: string[],
  name: string,
  attribute: onnx.IAttributeProto[] = [],
): onnx.NodeProto {
  return onnx.NodeProto.create({ opType, input, output, name, attribute });
}

export function intAttribute(node: NodeProto, name: string): number | undefined {
  const attr = node.attribute?.find((a) => a.name === name);
  return attr ? toNumber(attr.i) : undefined;
}
