// Messages between the host and an experiment panel, declared once for both ends. The host
// posts nothing until the panel says it is ready.
import { EXPERIMENT_NAMES, type ExperimentRequest, type ExperimentResult } from './experiments';

export type ReplayExportFormat = 'html' | 'csv' | 'json';

/** What a panel is opened with: the experiment and its starting parameters, and whether to run at once. */
export interface PanelInit {
  title: string;
  request: ExperimentRequest;
  autoRun: boolean;
}

export type ExperimentPanelHostMessage =
  | { type: 'init'; init: PanelInit }
  | { type: 'started' }
  | { type: 'progress'; done: number; total: number; message: string; partial?: unknown }
  | { type: 'result'; result: ExperimentResult }
  | { type: 'error'; message: string }
  | { type: 'cancelled' };

export type ExperimentPanelViewMessage =
  | { type: 'ready' }
  | { type: 'run'; request: ExperimentRequest }
  | { type: 'cancel' }
  | { type: 'export'; format: ReplayExportFormat };

const EXPORT_FORMATS: readonly ReplayExportFormat[] = ['html', 'csv', 'json'];

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function parseRequest(value: unknown): ExperimentPanelViewMessage | undefined {
  if (!isPlainObject(value) || !(EXPERIMENT_NAMES as readonly unknown[]).includes(value.name)) return undefined;
  if (value.params !== undefined && !isPlainObject(value.params)) return undefined;
  // Only the request's shape is checked here: the experiment's own parser checks every field where it runs.
  return { type: 'run', request: { name: value.name, params: value.params } as ExperimentRequest };
}

/** The message as the protocol declares it, or undefined when it is not one. */
export function parseExperimentPanelViewMessage(value: unknown): ExperimentPanelViewMessage | undefined {
  if (!isPlainObject(value)) return undefined;
  switch (value.type) {
    case 'ready':
      return { type: 'ready' };
    case 'cancel':
      return { type: 'cancel' };
    case 'run':
      return parseRequest(value.request);
    case 'export':
      return EXPORT_FORMATS.includes(value.format as ReplayExportFormat)
        ? { type: 'export', format: value.format as ReplayExportFormat }
        : undefined;
    default:
      return undefined;
  }
}
