// Watching the agents: each new event goes to the store, the tamper rules, the scorer and the
// telemetry export. A session that carries its own activations is never given to the reader model.
// Watching starts once: at activation when the settings say so, else when the panel opens or a
// command runs.
import * as vscode from 'vscode';
import { readsOwnActivations, type AgentEvent } from '../../core/events';
import { watchReasonAtActivation } from '../../watchers/startup';
import type { ScoreSource } from '../integration/parts';
import type { TamperFlagFeed } from '../flags/tamper-flag-feed';
import type { HostState } from '../state/host-state';
import { sessionKeyOf, type VitalsStore } from '../state/vitals-store';
import { startWatchers } from '../watchers';
import type { TelemetryExport } from '../telemetry';
import type { ExtensionSettings } from './settings';

export interface Watching {
  /** Takes one new event, from a watcher or a replayed transcript. */
  ingest(event: AgentEvent): void;
  /** Starts the watchers unless they run already; `why` goes to the log. */
  start(why: string): void;
}

export interface EventConsumers {
  store: VitalsStore;
  feed: TamperFlagFeed;
  scoreSource: ScoreSource;
  telemetry: Pick<TelemetryExport, 'event'>;
}

export function activateWatching(
  context: vscode.ExtensionContext,
  log: vscode.LogOutputChannel,
  settings: ExtensionSettings,
  hostState: HostState,
  to: EventConsumers,
): Watching {
  const ingest = (event: AgentEvent): void => {
    to.store.addEvent(event);
    to.feed.observe(event);
    if (!readsOwnActivations(event.source)) to.scoreSource.score(sessionKeyOf(event), event);
    to.telemetry.event(event);
  };
  // A resumed file's earlier events, shown before the reload, are not shown again, but they
  // rebuild what lives in memory only: the tamper rules' run history (flags raised again keep
  // their stored status and do not notify) and the conversation later turns are scored in.
  const resumed = (event: AgentEvent): void => {
    to.feed.observe(event);
    if (!readsOwnActivations(event.source)) to.scoreSource.replay(sessionKeyOf(event), event);
  };
  let watchers: vscode.Disposable | undefined;
  const start = (why: string): void => {
    if (watchers) return;
    watchers = startWatchers(context, ingest, log, hostState.positions, resumed);
    context.subscriptions.push(watchers);
    log.info(`watching agents (${why})`);
  };
  const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
  const startupReason = watchReasonAtActivation(settings.watchers(), folders);
  if (startupReason) start(startupReason);
  else
    log.info(
      'agentVitals.watchers.onStartup is off: watching starts when the Agent Vitals panel opens or a command runs',
    );
  return { ingest, start };
}
