// Messages between the host and an experiment panel, declared once for both ends. The host
// posts nothing until the panel says it is ready.
import type { ExperimentName, ExperimentResult } from '../../src/experiments/results';

export type { ExperimentName, ExperimentResult };

export type ReplayExportFormat = 'html' | 'csv' | 'json';

/** What a panel is opened with: the experiment, its starting parameters, and whether to run at once. */
export interface PanelInit {
  experiment: ExperimentName;
  title: string;
  params: Record<string, unknown>;
  autoRun: boolean;
}

export type HostMessage =
  | { type: 'init'; init: PanelInit }
  | { type: 'started' }
  | { type: 'progress'; done: number; total: number; message: string; partial?: unknown }
  | { type: 'result'; result: ExperimentResult }
  | { type: 'error'; message: string }
  | { type: 'cancelled' };

export type WebviewMessage =
  | { type: 'ready' }
  | { type: 'run'; params: Record<string, unknown> }
  | { type: 'cancel' }
  | { type: 'export'; format: ReplayExportFormat };
