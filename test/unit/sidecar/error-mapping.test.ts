import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toSidecarError } from '../../../src/sidecar/error-mapping';
import { SidecarError } from '../../../src/contracts/rpc-errors';
import { UnsupportedArchitectureError } from '../../../src/engine';
import { ModelStoreError } from '../../../src/model-store/model-store-error';

test('engine and runtime failures become typed protocol errors', () => {
  const arch = toSidecarError(new UnsupportedArchitectureError('model.onnx', 'no residual chain found'));
  assert.equal(arch.kind, 'unsupported-architecture');
  assert.match(arch.message, /no residual chain found/);
  const oom = toSidecarError(new Error('Failed to allocate memory for requested buffer of size 1073741824'));
  assert.equal(oom.kind, 'out-of-memory');
  assert.match(oom.message, /smaller variant/);
  assert.equal(toSidecarError(new RangeError('Array buffer allocation failed')).kind, 'out-of-memory');
  const abort = new Error('aborted');
  abort.name = 'AbortError';
  assert.equal(toSidecarError(abort).kind, 'cancelled');
  const typed = new SidecarError('model-not-found', 'x');
  assert.equal(toSidecarError(typed), typed);
  assert.equal(toSidecarError('boom').kind, 'internal');
});

test('a model-store failure keeps its kind, message and facts across the sidecar edge', () => {
  const mapped = toSidecarError(
    new ModelStoreError('offline-missing', 'onnx/model.onnx is not cached', { missingFiles: ['onnx/model.onnx'] }),
  );
  assert.ok(mapped instanceof SidecarError);
  assert.equal(mapped.kind, 'offline-missing');
  assert.equal(mapped.message, 'onnx/model.onnx is not cached');
  assert.deepEqual(mapped.data, { kind: 'offline-missing', missingFiles: ['onnx/model.onnx'] });
});
