// Messages between the host and an experiment panel, declared once for both ends. The host
// posts nothing until the panel says it is ready.
import type { ExperimentName, ExperimentResult } from '../experiments/results';

export type { ExperimentName, ExperimentResult };

export type ReplayExportFormat = 'html' | 'csv' | 'json';

/** What a panel is opened with: the experiment, its starting parameters, and whether to run at once. */
export interface PanelInit {
  experiment: ExperimentName;
  title: string;
  params: Record<string, unknown>;
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
  | { type: 'run'; params: Record<string, unknown> }
  | { type: 'cancel' }
  | { type: 'export'; format: ReplayExportFormat };

const EXPORT_FORMATS: readonly ReplayExportFormat[] = ['html', 'csv', 'json'];

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
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
      return isPlainObject(value.params) ? { type: 'run', params: value.params } : undefined;
    case 'export':
      return EXPORT_FORMATS.includes(value.format as ReplayExportFormat) ? { type: 'export', format: value.format as ReplayExportFormat } : undefined;
    default:
      return undefined;
  }
}
