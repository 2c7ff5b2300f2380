import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ResponseError } from 'vscode-jsonrpc';
import { fromResponseError, SIDECAR_ERROR_CODES, SidecarError } from '../../../src/contracts/rpc-errors';
import { decodeFloat32, encodeFloat32 } from '../../../src/contracts/float32';

test('typed errors survive the wire with their kind and data', () => {
  const original = new SidecarError('offline-missing', 'missing files', { missingFiles: ['onnx/model.onnx'] });
  const wire = JSON.parse(JSON.stringify(original.toResponseError().toJson())) as {
    code: number;
    message: string;
    data: unknown;
  };
  const back = fromResponseError(new ResponseError(wire.code, wire.message, wire.data));
  assert.equal(back.kind, 'offline-missing');
  assert.equal(back.code, SIDECAR_ERROR_CODES['offline-missing']);
  assert.deepEqual(back.data.missingFiles, ['onnx/model.onnx']);
  assert.equal(back.message, 'missing files');
});

test('codes are unique, and an error without data is recognised by its code', () => {
  const codes = Object.values(SIDECAR_ERROR_CODES);
  assert.equal(new Set(codes).size, codes.length);
  assert.equal(fromResponseError(new ResponseError(-32800, 'cancelled')).kind, 'cancelled');
  assert.equal(fromResponseError(new ResponseError(-1, 'odd')).kind, 'internal');
});

test('float32 payloads round-trip exactly, including from unaligned buffers', () => {
  const values = new Float32Array([0, -1.5, 3.4028234663852886e38, 1e-45, Number.NaN]);
  assert.deepEqual(decodeFloat32(encodeFloat32(values)), values);
  const offset = new Float32Array(new ArrayBuffer(32), 8, 3);
  offset.set([1, 2, 3]);
  assert.deepEqual([...decodeFloat32(encodeFloat32(offset))], [1, 2, 3]);
});
