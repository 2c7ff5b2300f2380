// Maps whatever a handler threw to one of the protocol's typed errors.
import { SidecarError } from '../contracts/rpc-errors';
import { ModelStoreError } from '../model-store/model-store-error';

const OUT_OF_MEMORY =
  /bad_alloc|out of memory|failed to allocate|ENOMEM|Array buffer allocation failed|heap out of memory/i;

export function toSidecarError(err: unknown): SidecarError {
  if (err instanceof SidecarError) return err;
  if (err instanceof ModelStoreError) return new SidecarError(err.kind, err.message, err.facts);
  const e = err instanceof Error ? err : new Error(String(err));
  if (e.name === 'UnsupportedArchitectureError' || e.name === 'ModelFileError') {
    return new SidecarError('unsupported-architecture', e.message);
  }
  if (e.name === 'AbortError') return new SidecarError('cancelled', 'The request was cancelled.');
  if (OUT_OF_MEMORY.test(e.message) || (e instanceof RangeError && /allocation/i.test(e.message))) {
    return new SidecarError(
      'out-of-memory',
      `Out of memory: ${e.message}. Close other conversations, pick a smaller variant (q8/q4), or lower the context limit.`,
    );
  }
  // A provider the user chose that cannot run here: the setting is what to change.
  if (e.name === 'ModelRequestError' || e.name === 'ExecutionProviderUnavailableError')
    return new SidecarError('invalid-params', e.message);
  return new SidecarError('internal', e.message, { detail: e.stack });
}
