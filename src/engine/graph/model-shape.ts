// Depth, width and KV-cache layout of a decoder, read from its graph.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UnsupportedArchitectureError } from './errors';
import { GraphIndex } from './graph-index';
import { DataType, declaredShape, elementType, toNumber, type GraphProto } from './proto';
import type { ResidualStream } from './residual-stream';

export type KvDtype = 'float32' | 'float16';

export interface ModelShape {
  numLayers: number;
  hiddenSize: number;
  numKvHeads: number;
  headDim: number;
  kvDtype: KvDtype;
  /** Positions the graph can encode, when its attention reads a precomputed rotary table
   *  (GroupQueryAttention's cos_cache): a longer sequence is an error, not a slower run. */
  maxPositions?: number;
}

const PAST_KEY = /^past_key_values[._]0[._]key$/;
/** onnxruntime contrib ops that take a [positions × rotary/2] cos table, and its input index. */
const COS_CACHE_INPUT: Record<string, number> = { GroupQueryAttention: 7, RotaryEmbedding: 2 };

export function readModelShape(graph: GraphProto, stream: ResidualStream, modelPath: string): ModelShape {
  const past = (graph.input ?? []).find((i) => PAST_KEY.test(i.name ?? ''));
  if (!past) throw new UnsupportedArchitectureError(modelPath, 'no KV-cache input past_key_values.0.key');
  const kvType = elementType(past);
  if (kvType !== DataType.FLOAT && kvType !== DataType.FLOAT16) {
    throw new UnsupportedArchitectureError(
      modelPath,
      `a KV cache of element type ${kvType} (float32 or float16 expected)`,
    );
  }
  const [, heads, , dim] = declaredShape(past);
  const config = readConfig(modelPath);
  const numKvHeads = typeof heads === 'number' && heads > 0 ? heads : config.num_key_value_heads;
  const hiddenSize = embeddingWidth(graph) ?? config.hidden_size;
  const headDim =
    typeof dim === 'number' && dim > 0
      ? dim
      : (config.head_dim ??
        (config.hidden_size && config.num_attention_heads
          ? config.hidden_size / config.num_attention_heads
          : undefined));
  if (!numKvHeads || !headDim)
    throw new UnsupportedArchitectureError(modelPath, 'the KV-cache layout (heads × head size)');
  if (!hiddenSize) throw new UnsupportedArchitectureError(modelPath, 'the hidden size (token embedding)');
  const shape: ModelShape = {
    numLayers: stream.numLayers,
    hiddenSize,
    numKvHeads,
    headDim,
    kvDtype: kvType === DataType.FLOAT16 ? 'float16' : 'float32',
  };
  const maxPositions = rotaryTableLength(graph);
  if (maxPositions !== undefined) shape.maxPositions = maxPositions;
  return shape;
}

/** Rows of the shortest constant cos table a rotary-applying contrib op reads, if any. */
function rotaryTableLength(graph: GraphProto): number | undefined {
  const initializers = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  let shortest: number | undefined;
  for (const node of graph.node ?? []) {
    const position = node.domain === 'com.microsoft' ? COS_CACHE_INPUT[node.opType ?? ''] : undefined;
    const table = position === undefined ? undefined : initializers.get(node.input?.[position] ?? '');
    const rows = table?.dims?.length === 2 ? toNumber(table.dims[0]) : undefined;
    if (rows && (shortest === undefined || rows < shortest)) shortest = rows;
  }
  return shortest;
}

/** Width of the token-embedding table that `input_ids` indexes (possibly through a dequantize). */
function embeddingWidth(graph: GraphProto): number | undefined {
  const index = new GraphIndex(graph);
  const initializers = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  for (const node of index.consumersOf('input_ids')) {
    if (node.opType !== 'Gather') continue;
    const table = initializers.get(node.input?.[0] ?? '');
    const dims = table?.dims?.map(toNumber);
    if (dims?.length === 2) return dims[1];
  }
  return undefined;
}

interface DecoderConfig {
  hidden_size?: number;
  num_attention_heads?: number;
  num_key_value_heads?: number;
  head_dim?: number;
}

/** Hub layout keeps config.json one folder above onnx/model.onnx. */
function readConfig(modelPath: string): DecoderConfig {
  for (const dir of [dirname(modelPath), dirname(dirname(modelPath))]) {
    const file = join(dir, 'config.json');
    if (!existsSync(file)) continue;
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as DecoderConfig;
    } catch (error) {
      throw new UnsupportedArchitectureError(
        modelPath,
        `a readable config.json (${file}: ${(error as Error).message})`,
      );
    }
  }
  return {};
}
