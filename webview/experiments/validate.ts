// Messages from a panel are untrusted input (the page runs whatever its script does): the host
// accepts only the shapes the protocol declares and drops anything else.
import type { ReplayExportFormat, WebviewMessage } from './protocol';

const EXPORT_FORMATS: readonly ReplayExportFormat[] = ['html', 'csv', 'json'];

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** The message as the protocol declares it, or undefined when it is not one. */
export function parseWebviewMessage(value: unknown): WebviewMessage | undefined {
  if (!isPlainObject(value)) return undefined;
  switch (value.type) {
    case 'ready':
      return { type: 'ready' };
    case 'cancel':
      return { type: 'cancel' };
    case 'run':
      return isPlainObject(value.params) ? { type: 'run', params: value.params } : undefined;
    case 'export':
      return EXPORT_FORMATS.includes(value.format as ReplayExportFormat) ? { type: 'export', format: value.format as ReplayExportFormat } : undefined;
    default:
      return undefined;
  }
}
