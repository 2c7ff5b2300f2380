// Typed errors shared by the sidecar and its client. Every failure crosses the JSON-RPC boundary
// as a ResponseError whose numeric code maps one-to-one to a stable string `kind`, so hosts can
// branch on the kind without parsing messages.
import { ErrorCodes, ResponseError } from 'vscode-jsonrpc';
import type { ErrorFacts, ErrorKind } from './error-kinds';

export const SIDECAR_ERROR_CODES: Readonly<Record<ErrorKind, number>> = {
  'model-not-found': -33001,
  'out-of-memory': -33002,
  'unsupported-architecture': -33003,
  // LSP's RequestCancelled, which JSON-RPC tooling already recognises.
  cancelled: -32800,
  'offline-missing': -33005,
  'download-failed': -33006,
  'integrity-failed': -33007,
  'no-model-loaded': -33008,
  'conversation-not-found': -33009,
  'context-overflow': -33010,
  'invalid-params': ErrorCodes.InvalidParams,
  'sidecar-crashed': -33012,
  'sidecar-gave-up': -33013,
  'vectors-missing': -33014,
  internal: ErrorCodes.InternalError,
};

export interface SidecarErrorData extends ErrorFacts {
  kind: ErrorKind;
}

export class SidecarError extends Error {
  readonly kind: ErrorKind;
  readonly data: SidecarErrorData;

  constructor(kind: ErrorKind, message: string, extra: ErrorFacts = {}) {
    super(message);
    this.name = 'SidecarError';
    this.kind = kind;
    this.data = { kind, ...extra };
  }

  get code(): number {
    return SIDECAR_ERROR_CODES[this.kind];
  }

  toResponseError(): ResponseError<SidecarErrorData> {
    return new ResponseError(this.code, this.message, this.data);
  }
}

function kindForCode(code: number): ErrorKind {
  for (const [kind, c] of Object.entries(SIDECAR_ERROR_CODES)) if (c === code) return kind as ErrorKind;
  return 'internal';
}

function isErrorData(value: unknown): value is SidecarErrorData {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { kind?: unknown }).kind === 'string' &&
    (value as { kind: string }).kind in SIDECAR_ERROR_CODES
  );
}

/** Rebuilds a typed error on the client side from what came over the wire. */
export function fromResponseError(err: ResponseError<unknown>): SidecarError {
  const data = isErrorData(err.data) ? err.data : undefined;
  const kind = data?.kind ?? kindForCode(err.code);
  const { kind: _ignored, ...extra } = data ?? { kind };
  return new SidecarError(kind, err.message, extra);
}
