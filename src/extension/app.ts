// The composition root: the settings, then each feature's activator in the order they depend on
// each other. Scoring feeds the state; flags act on it; watching feeds events to all three and to
// the telemetry export; the
// views and commands act on everything.
import type * as vscode from 'vscode';
import { activateCommands } from './activation/commands';
import { activateFlags } from './activation/flags';
import { activateGuard } from './activation/guard';
import { activateScoring } from './activation/scoring';
import { ExtensionSettings } from './activation/settings';
import { activateSidebar } from './activation/sidebar';
import { activateState } from './activation/vitals-state';
import { activateWatching } from './activation/watching';
import { startTelemetryExport } from './telemetry';
import type { SidecarHost } from './sidecar-host';

export function startAgentVitals(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): SidecarHost {
  const settings = new ExtensionSettings(context.globalStorageUri);
  context.subscriptions.push(settings);
  const { host, scoreSource } = activateScoring(context, log, settings);
  const { store, hostState } = activateState(context, log, settings, scoreSource);
  const telemetry = startTelemetryExport(log, scoreSource, () => store.reader());
  context.subscriptions.push(telemetry);
  const { feed, actions, guardDecisions } = activateFlags(context, log, store, settings, telemetry);
  activateGuard(context, log, store, guardDecisions, telemetry);
  const watching = activateWatching(context, log, settings, hostState, { store, feed, scoreSource, telemetry });
  activateSidebar(context, log, { settings, store, actions, host, watching, telemetry });
  activateCommands(context, log, { store, actions, host, scoreSource, watching });
  log.info('Agent Vitals started: flags available; the model sidecar starts when a turn needs scoring');
  return host;
}
