// The kinds of failure the product reports, each a stable name a caller can branch on without
// parsing messages. The sidecar protocol gives each a numeric code (rpc-errors.ts); libraries
// below it throw their own errors with these kinds and the sidecar maps them at its edge.

export type ErrorKind =
  | 'model-not-found'
  | 'out-of-memory'
  | 'unsupported-architecture'
  | 'cancelled'
  | 'offline-missing'
  | 'download-failed'
  | 'integrity-failed'
  | 'no-model-loaded'
  | 'conversation-not-found'
  | 'context-overflow'
  | 'invalid-params'
  | 'sidecar-crashed'
  | 'sidecar-gave-up'
  /** The loaded model has no calibrated emotion vectors (calibrate it first). */
  | 'vectors-missing'
  | 'internal';

/** Extra facts that travel with an error (e.g. which files are missing offline). */
export interface ErrorFacts {
  missingFiles?: string[];
  file?: string;
  detail?: string;
}
