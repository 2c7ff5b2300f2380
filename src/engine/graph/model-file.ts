// Reading and writing ONNX files, and moving embedded weights out to an external data file.
import { closeSync, fstatSync, openSync, readSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { DataLocation, decodeModel, encodeModel, type ModelProto } from './proto';

/** Tensors at least this large leave the protobuf; smaller ones stay embedded, as onnx does. */
const EXTERNAL_THRESHOLD = 1024;
/** Large tensors start on a page boundary so onnxruntime can memory-map them. */
const PAGE = 4096;
const PAGE_ALIGN_FROM = 1 << 20;

/** Reads a whole file into one buffer; fs.readFileSync refuses files over 2 GiB. */
function readWholeFile(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const buffer = Buffer.allocUnsafe(size);
    for (let offset = 0; offset < size; ) {
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
  return decodeModel(readWholeFile(path));
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
      for (let written = 0; written < bytes.length; ) {
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
