// What the model store throws: one of the product's error kinds with its facts, free of the
// sidecar protocol, which maps it to its own error at its edge (sidecar/error-mapping.ts).
import type { ErrorFacts, ErrorKind } from '../contracts/error-kinds';

export type ModelStoreErrorKind = Extract<
  ErrorKind,
  | 'model-not-found'
  | 'offline-missing'
  | 'download-failed'
  | 'integrity-failed'
  | 'unsupported-architecture'
  | 'invalid-params'
  | 'cancelled'
>;

export class ModelStoreError extends Error {
  constructor(
    readonly kind: ModelStoreErrorKind,
    message: string,
    readonly facts: ErrorFacts = {},
  ) {
    super(message);
    this.name = 'ModelStoreError';
  }
}
