// Reading and writing ONNX files, and moving embedded weights out to an external data file.
import { closeSync, fstatSync, openSync, readSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { ModelFileError } from './errors';
import { DataLocation, decodeModel, encodeModel, type ModelProto } from './proto';

/** Tensors at least this large leave the protobuf; smaller ones stay embedded, as onnx does. */
const EXTERNAL_THRESHOLD = 1024;
/** Large tensors start on a page boundary so onnxruntime can memory-map them. */
const PAGE = 4096;
const PAGE_ALIGN_FROM = 1 << 20;

/** A protobuf message holds at most 2 GiB; larger weights live in external data files. */
const MAX_MODEL_BYTES = 2 ** 31 - 1;
/** ModelProto's field numbers and wire types (onnx.proto): a model file opens with one of them. */
const MODEL_FIELDS = new Map([
  [1, 0],
  [2, 2],
  [3, 2],
  [4, 2],
  [5, 0],
  [6, 2],
  [7, 2],
  [8, 2],
  [14, 2],
  [20, 2],
  [25, 2],
]);

/** Refuses, from its size and first bytes, a file that cannot be an ONNX model, before reading it whole. */
function checkModelHead(fd: number, size: number, path: string): void {
  if (size > MAX_MODEL_BYTES)
    throw new ModelFileError(
      path,
      `is ${size} bytes, more than an ONNX file can hold (2 GiB), so it is not an ONNX model`,
    );
  const head = Buffer.alloc(Math.min(size, 4));
  readSync(fd, head, 0, head.length, 0);
  // The first field's tag is a varint: field number and wire type.
  let tag = 0;
  for (let i = 0, shift = 0; i < head.length; i++, shift += 7) {
    tag |= (head[i] & 0x7f) << shift;
    if (head[i] < 0x80) break;
  }
  if (size === 0 || MODEL_FIELDS.get(tag >>> 3) !== (tag & 7))
    throw new ModelFileError(path, `is not an ONNX model (it starts with bytes ${head.toString('hex') || 'none'})`);
}

/** Reads a whole file into one buffer; fs.readFileSync refuses files over 2 GiB. */
function readWholeFile(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    checkModelHead(fd, size, path);
    const buffer = Buffer.allocUnsafe(size);
    for (let offset = 0; offset < size;) {
      const read = readSync(fd, buffer, offset, Math.min(size - offset, 1 << 30), offset);
      if (read === 0) throw new Error(`unexpected end of ${path}`);
      offset += read;
    }
    return buffer;
  } finally {
    closeSync(fd);
  }
}

/** Decoded tensor bytes stay views into the file buffer (protobufjs slices Node buffers). */
export function readModel(path: string): ModelProto {
  const bytes = readWholeFile(path);
  try {
    return decodeModel(bytes);
  } catch (err) {
    throw new ModelFileError(
      path,
      `cannot be decoded as an ONNX model (${(err as Error).message}): it is damaged or truncated`,
    );
  }
}

/** Writes via a temporary file and rename, so a crash never leaves a truncated model behind. */
export function writeModel(model: ModelProto, path: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, encodeModel(model));
  renameSync(tmp, path);
}

export function hasEmbeddedWeights(model: ModelProto): boolean {
  return (model.graph?.initializer ?? []).some((t) => (t.rawData?.length ?? 0) >= EXTERNAL_THRESHOLD);
}

/** Moves every large embedded initializer into `dataPath` (referenced from the model as
 *  `location`, relative to the model file's folder). Writes tensor by tensor, so memory holds
 *  nothing beyond the already-decoded file. */
export function moveWeightsOut(model: ModelProto, dataPath: string, location: string): void {
  const tmp = `${dataPath}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    let offset = 0;
    for (const tensor of model.graph?.initializer ?? []) {
      const bytes = tensor.rawData;
      if (!bytes || bytes.length < EXTERNAL_THRESHOLD) continue;
      const alignment = bytes.length >= PAGE_ALIGN_FROM ? PAGE : 64;
      offset = Math.ceil(offset / alignment) * alignment;
      for (let written = 0; written < bytes.length;) {
        written += writeSync(fd, bytes, written, bytes.length - written, offset + written);
      }
      tensor.externalData = [
        { key: 'location', value: location },
        { key: 'offset', value: String(offset) },
        { key: 'length', value: String(bytes.length) },
      ];
      tensor.dataLocation = DataLocation.EXTERNAL;
      tensor.rawData = new Uint8Array(0);
      offset += bytes.length;
    }
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, dataPath);
}

/** External data files a model refers to (their `location` entries). */
export function externalDataLocations(model: ModelProto): string[] {
  const locations = new Set<string>();
  for (const tensor of model.graph?.initializer ?? []) {
    if (tensor.dataLocation !== DataLocation.EXTERNAL) continue;
    const location = tensor.externalData?.find((e) => e.key === 'location')?.value;
    if (location) locations.add(location);
  }
  return [...locations];
}
