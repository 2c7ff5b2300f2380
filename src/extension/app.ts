// Wires the extension together: parts that are present feed the store; the store feeds the
// sidebar, the status bar and notifications; commands act on all of them.
import * as vscode from 'vscode';
import type { AgentEvent } from '../core/events';
import type { FlagAction, SidebarViewMessage, WatchInfo } from '../contracts/sidebar-protocol';
import { CONFIG_SECTION, readConfig, type AgentVitalsConfig } from './config';
import { FlagDocuments, FLAG_SCHEME } from './flagDocuments';
import { FlagNotifier } from './flagNotifier';
import type { ScoreSource } from './integration/parts';
import { TamperFlagFeed } from './flags/tamperFlagFeed';
import { flagStoreDir } from './flags/flagStoreDir';
import { FlagDecorations } from './flagDecorations';
import { readSeveritySettings } from '../tamper/settings';
import * as path from 'node:path';
import { SidecarScoreSource } from './integration/sidecarScoreSource';
import { registerModelCommands } from './modelCommands';
import { modelChoice, SidecarHost } from './sidecarHost';
import { SIDEBAR_VIEW_ID, SidebarViewProvider } from './sidebarView';
import { VitalsStatusBar } from './statusBar';
import { HostState } from './state/hostState';
import { sessionKeyOf, VitalsStore, type StoreSettings } from './state/vitalsStore';
import { AGENTS } from '../watchers/agents/registry';
import { readWatcherSettings, watchList } from '../watchers/settings';
import { replayTranscript } from './replay';
import { startWatchers } from './watchers';
import { startTelemetryExport } from './telemetry';
import { watchReasonAtActivation } from '../watchers/startup';

export function startAgentVitals(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): SidecarHost {
  let config = readConfig(context.globalStorageUri);
  const host = new SidecarHost(context.extensionPath, () => modelChoice(config), log);
  const scoreSource: ScoreSource = new SidecarScoreSource(host, log);
  const store = new VitalsStore(storeSettings(config), scoreSource.status());
  // Timelines and read positions come back from workspace storage; the watchers resume there.
  const hostState = new HostState(context.workspaceState, store);
  if (hostState.skippedOnRestore > 0) log.warn(`restored timelines: ${hostState.skippedOnRestore} saved entr(ies) could not be read and were left out`);
  const notifier = new FlagNotifier(() => config.notificationMinIntervalMs);
  const subs = context.subscriptions;
  void vscode.commands.executeCommand('setContext', 'agentVitals.scoringAvailable', true);
  store.setWatching(watchInfo());
  let hasSessions = false;
  subs.push(
    store.onDidChange(() => {
      if (hasSessions === store.sessionKeys().length > 0) return;
      hasSessions = !hasSessions;
      void vscode.commands.executeCommand('setContext', 'agentVitals.hasSessions', hasSessions);
    }),
  );

  const showDiff = async (id: string): Promise<void> => {
    const flag = store.flag(id);
    if (!flag || !(await flagFeed.diff(id))) {
      void vscode.window.showWarningMessage('Agent Vitals: the edit behind this flag is no longer available.');
      return;
    }
    const { before, after } = FlagDocuments.uris(id, flag.path);
    await vscode.commands.executeCommand('vscode.diff', before, after, `${vscode.workspace.asRelativePath(flag.path)} (flagged edit)`);
  };
  const decorations = new FlagDecorations();
  subs.push(decorations);
  const telemetry = startTelemetryExport(log, scoreSource, () => store.reader());
  subs.push(telemetry);
  const flagFeed = new TamperFlagFeed({
    storageDir: flagStoreDir(context.globalStorageUri.fsPath, (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath)),
    earlierStorageDir: context.storageUri && path.join(context.storageUri.fsPath, 'flags'),
    severity: severitySettings().settings,
    turnDesperation: (edit) => store.turnDesperation(sessionKeyOf(edit)),
    readerValidity: () => store.reader(),
    onUpdate: ({ flag, status, escalated }) => {
      store.setFlag(flag, status);
      telemetry.flag(flag, status);
      decorations.update(flag);
      if (escalated) void notifier.notify(flag, { claim: (id, severity) => flagFeed.claimNotification(id, severity), showDiff, dismiss: (id) => flagAction(id, 'dismiss') });
    },
    onError: (err) => log.error(`flags: ${err instanceof Error ? err.message : String(err)}`),
  });

  const ingest = (event: AgentEvent): void => {
    store.addEvent(event);
    flagFeed.observe(event);
    scoreSource.score(sessionKeyOf(event), event);
    telemetry.event(event);
  };

  const flagAction = async (id: string, action: FlagAction): Promise<void> => {
    if (action === 'diff') return showDiff(id);
    const flag = store.flag(id);
    if (!flag) return;
    if (action === 'dismiss') return flagFeed.dismiss(id);
    if (action === 'legitimate') return flagFeed.markLegitimate(id);
    const file = vscode.workspace.asRelativePath(flag.path);
    const root = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(flag.path)) ?? vscode.workspace.workspaceFolders?.[0];
    if (!root) return;
    let declined = false;
    const outcome = await flagFeed.revert(id, root.uri.fsPath, async (_flag, text) => {
      const ok = await vscode.window.showWarningMessage(
        text === null ? `Delete ${file}? The flagged edit created it.` : `Revert ${file} to its content before the flagged edit?`,
        { modal: true, detail: `${revertPreview(text)}\n\nOnly the flagged edit is undone; Agent Vitals checks that the file still holds it, and checks again as it writes.` },
        'Revert',
      );
      declined = ok !== 'Revert';
      return !declined;
    });
    // A declined confirmation needs no message; any other refusal says why.
    if (!outcome.reverted && !declined) void vscode.window.showWarningMessage(`Agent Vitals: not reverted. ${outcome.reason}`);
  };

  subs.push(vscode.workspace.registerTextDocumentContentProvider(FLAG_SCHEME, new FlagDocuments((id) => flagFeed.diff(id))));
  subs.push(
    host,
    scoreSource,
    scoreSource.onStatus((s) => store.setScoring(s)),
    scoreSource.onScore((key, turnId, score) => store.setTurnScore(key, turnId, score)),
  );

  // A resumed file's earlier events, shown before the reload, are not shown again, but they
  // rebuild what lives in memory only: the tamper rules' run history (flags raised again keep
  // their stored status and do not notify) and the conversation later turns are scored in.
  const replayed = (event: AgentEvent): void => {
    flagFeed.observe(event);
    scoreSource.replay(sessionKeyOf(event), event);
  };
  subs.push(hostState);
  let watchers: vscode.Disposable | undefined;
  /** Watching starts once: at activation, or when the panel opens or a command runs. */
  const startWatching = (why: string): void => {
    if (watchers) return;
    watchers = startWatchers(context, ingest, log, hostState.positions, replayed);
    subs.push(watchers);
    log.info(`watching agents (${why})`);
  };
  const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
  const startupReason = watchReasonAtActivation(readWatcherSettings((key) => vscode.workspace.getConfiguration(CONFIG_SECTION).get(key)), folders);
  if (startupReason) startWatching(startupReason);
  else log.info('agentVitals.watchers.onStartup is off: watching starts when the Agent Vitals panel opens or a command runs');

  const onMessage = (m: SidebarViewMessage): void => {
    switch (m.type) {
      case 'follow':
        return store.follow(m.sessionKey);
      case 'select-turn':
        return store.selectTurn(m.turnId);
      case 'heat-emotion':
        return store.setHeatEmotion(m.emotion);
      case 'flag-action':
        void flagAction(m.flagId, m.action).catch((err: unknown) => reportError(log, 'flag action', err));
        return;
      case 'command':
        void vscode.commands.executeCommand(m.command, ...(m.command === 'workbench.action.openSettings' ? ['agentVitals'] : []));
        return;
      case 'cancel-calibration':
        if (!host.cancelCalibration()) log.info('cancel: no calibration is running');
        return;
      case 'ready':
        return;
    }
  };
  const sidebar = new SidebarViewProvider(context.extensionUri, store, onMessage, log);
  subs.push(
    sidebar,
    vscode.window.registerWebviewViewProvider(SIDEBAR_VIEW_ID, {
      resolveWebviewView: (view) => {
        startWatching('the panel opened');
        sidebar.resolveWebviewView(view);
      },
    }),
    new VitalsStatusBar(store, () => ({ desperationWarning: config.desperationWarning, pressureWarning: config.pressureWarning })),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration(CONFIG_SECTION)) return;
      config = readConfig(context.globalStorageUri);
      store.updateSettings(storeSettings(config));
      store.setWatching(watchInfo());
    }),
  );

  const register = (id: string, run: (...args: unknown[]) => unknown): void => {
    subs.push(
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        startWatching(`${id} ran`);
        try {
          await run(...args);
        } catch (err) {
          reportError(log, id, err);
        }
      }),
    );
  };
  register('agentVitals.openLog', () => log.show());
  register('agentVitals.showFlags', () => vscode.commands.executeCommand(`${SIDEBAR_VIEW_ID}.focus`));
  register('agentVitals.followSession', () => pickSession(store));
  register('agentVitals.replayTranscript', (arg) =>
    replayTranscript(arg instanceof vscode.Uri ? arg : undefined, ingest, (key) => store.endSession(key), log),
  );
  register('agentVitals.showFlagDiff', (id) => typeof id === 'string' && showDiff(id));
  register('agentVitals.dismissFlag', (id) => typeof id === 'string' && flagAction(id, 'dismiss'));
  registerModelCommands(register, host, log);
  register('agentVitals.runReportCard', () => vscode.commands.executeCommand('agentVitals.experiment.reportCard'));
  register('agentVitals.scoreSelection', () => vscode.commands.executeCommand('agentVitals.experiment.scoreSelection'));
  register('agentVitals.restartSidecar', () => scoreSource.restart());
  log.info(`Agent Vitals started: flags ${flagFeed ? 'available' : 'unavailable'}; the model sidecar starts when a turn needs scoring`);
  return host;
}

function storeSettings(c: AgentVitalsConfig): StoreSettings {
  return {
    model: modelChoice(c).model,
    emotionsShown: c.emotionsShown,
    smoothingTurns: c.smoothingTurns,
    risingSlope: c.risingSlope,
    reference: c.readingReference,
    pressure: severitySettings().settings,
  };
}

function severitySettings(): ReturnType<typeof readSeveritySettings> {
  return readSeveritySettings((key) => vscode.workspace.getConfiguration().get(key));
}

function watchInfo(): WatchInfo[] {
  const config = vscode.workspace.getConfiguration(CONFIG_SECTION);
  return watchList(readWatcherSettings((key) => config.get(key)));
}

async function pickSession(store: VitalsStore): Promise<void> {
  const state = store.snapshot();
  type Item = vscode.QuickPickItem & { key: string | null };
  const items: Item[] = [
    { label: '$(pin) Follow latest', description: 'switch to whichever session is active', key: null },
    ...state.sessions.map((s) => ({
      label: `${s.live ? '$(circle-filled)' : '$(circle-outline)'} ${AGENTS[s.source].label}`,
      description: `${new Date(s.startedAt).toLocaleString()} · ${s.turns} turns · ${s.live ? 'live' : 'ended'}`,
      detail: s.sessionId,
      key: s.key,
    })),
  ];
  const picked = await vscode.window.showQuickPick(items, { placeHolder: 'Follow which agent session?' });
  if (picked) store.follow(picked.key);
}

function reportError(log: vscode.LogOutputChannel, what: string, err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  log.error(`${what}: ${message}`);
  void vscode.window.showErrorMessage(`Agent Vitals: ${what} failed: ${message}`, 'Open Log').then((c) => {
    if (c) log.show();
  });
}

/** What a revert will write, as the confirmation shows it: the start of the text, clipped. */
function revertPreview(text: string | null): string {
  if (text === null) return 'The file will be deleted.';
  const lines = text.split('\n');
  const shown = lines.slice(0, 30).join('\n').slice(0, 2000);
  const rest = lines.length - shown.split('\n').length;
  return `The file will hold:\n\n${shown}${rest > 0 ? `\n… (${rest} more lines; open the diff to see them all)` : ''}`;
}
