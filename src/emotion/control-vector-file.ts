// llama.cpp control-vector files: GGUF version 3 with architecture `controlvector`, the keys
// repeng and llama.cpp's cvector-generator write (`controlvector.model_hint`,
// `controlvector.layer_count`) and one 1-D F32 tensor `direction.<n>` per steered layer.
// llama.cpp adds `direction.<n>` (times the user's scale) to the output of decoder layer n,
// counted from 0, and has no slot for n = 0: that index is refused here, not by the reader later.

const GGUF_MAGIC = 'GGUF';
const GGUF_VERSION = 3;
/** GGUF's default data alignment (no `general.alignment` key is written). */
export const GGUF_ALIGNMENT = 32;
const VALUE_TYPE = { uint32: 4, string: 8 } as const;
const TENSOR_TYPE_F32 = 0;

export interface ControlVector {
  /** The model family the directions were measured on (config.json's `model_type`). */
  modelHint: string;
  /** Layer (llama.cpp's numbering, ≥ 1) to the direction added there; all of one width. */
  directions: ReadonlyMap<number, Float32Array>;
}

export class ControlVectorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ControlVectorError';
  }
}

/** Bytes of a little-endian GGUF stream, written front to back. */
class GgufBytes {
  private readonly parts: Buffer[] = [];
  length = 0;

  raw(buf: Buffer): void {
    this.parts.push(buf);
    this.length += buf.length;
  }
  u32(n: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n);
    this.raw(b);
  }
  u64(n: number): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(n));
    this.raw(b);
  }
  string(s: string): void {
    const bytes = Buffer.from(s, 'utf8');
    this.u64(bytes.length);
    this.raw(bytes);
  }
  padTo(alignment: number): void {
    this.raw(Buffer.alloc((alignment - (this.length % alignment)) % alignment));
  }
  f32s(values: Float32Array): void {
    const b = Buffer.alloc(values.length * 4);
    values.forEach((v, i) => b.writeFloatLE(v, i * 4));
    this.raw(b);
  }
  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }
}

const alignUp = (n: number) => Math.ceil(n / GGUF_ALIGNMENT) * GGUF_ALIGNMENT;

export function encodeControlVector(cv: ControlVector): Buffer {
  const layers = [...cv.directions.keys()].sort((a, b) => a - b);
  if (layers.length === 0) throw new ControlVectorError('a control vector needs at least one layer');
  const width = cv.directions.get(layers[0])!.length;
  for (const layer of layers) {
    if (!Number.isInteger(layer) || layer < 1)
      throw new ControlVectorError(`llama.cpp control vectors have no slot for layer ${layer} (layers count from 1)`);
    const v = cv.directions.get(layer)!;
    if (v.length !== width || width === 0)
      throw new ControlVectorError(`direction for layer ${layer} has ${v.length} values, expected ${width}`);
    if (!v.every(Number.isFinite))
      throw new ControlVectorError(`direction for layer ${layer} holds a value that is not a finite number`);
  }
  const out = new GgufBytes();
  out.raw(Buffer.from(GGUF_MAGIC, 'ascii'));
  out.u32(GGUF_VERSION);
  out.u64(layers.length); // tensors
  out.u64(3); // metadata keys
  out.string('general.architecture');
  out.u32(VALUE_TYPE.string);
  out.string('controlvector');
  out.string('controlvector.model_hint');
  out.u32(VALUE_TYPE.string);
  out.string(cv.modelHint);
  out.string('controlvector.layer_count');
  out.u32(VALUE_TYPE.uint32);
  out.u32(layers.length);
  // Tensor infos: name, one dimension, type, offset from the start of the (aligned) data section.
  layers.forEach((layer, i) => {
    out.string(`direction.${layer}`);
    out.u32(1);
    out.u64(width);
    out.u32(TENSOR_TYPE_F32);
    out.u64(i * alignUp(width * 4));
  });
  // llama.cpp reads each tensor's size rounded up to the alignment, the last one included.
  out.padTo(GGUF_ALIGNMENT);
  for (const layer of layers) {
    out.f32s(cv.directions.get(layer)!);
    out.padTo(GGUF_ALIGNMENT);
  }
  return out.bytes();
}
