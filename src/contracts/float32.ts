// Float32 arrays cross JSON-RPC as base64 of their little-endian bytes: exact and ~4× smaller
// than a JSON number list.
import type { Float32Base64 } from './rpc-methods';

export function encodeFloat32(values: Float32Array): Float32Base64 {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
}

export function decodeFloat32(encoded: Float32Base64): Float32Array {
  const bytes = Buffer.from(encoded, 'base64');
  // Copy into a fresh, aligned buffer: Buffer slices may start at any offset.
  const out = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}
