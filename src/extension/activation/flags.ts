// Flags: the tamper rules over the event stream, their flags stored per workspace, shown in the
// store and as editor decorations, notified once when they escalate, and their edits as diffs.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { FlagDecorations } from '../flags/flag-decorations';
import { FlagDocuments, FLAG_SCHEME } from '../flags/flag-documents';
import { FlagNotifier } from '../flags/flag-notifier';
import { FlagActions } from '../flags/flag-actions';
import { flagStoreDir } from '../flags/flag-store-dir';
import { TamperFlagFeed } from '../flags/tamper-flag-feed';
import { GuardDecisions } from '../guard/guard-decisions';
import { sessionKeyOf, type VitalsStore } from '../state/vitals-store';
import type { TelemetryExport } from '../telemetry';
import type { ExtensionSettings } from './settings';

export interface Flags {
  feed: TamperFlagFeed;
  actions: FlagActions;
  /** The guard's decisions share the flags' list, actions and legitimate memory. */
  guardDecisions: GuardDecisions;
}

/** Guard decisions the user said were right, by id, for this workspace. */
const DISMISSED_GUARD_DECISIONS = 'agentVitals.guard.dismissed';

export function activateFlags(
  context: vscode.ExtensionContext,
  log: vscode.LogOutputChannel,
  store: VitalsStore,
  settings: ExtensionSettings,
  telemetry: Pick<TelemetryExport, 'flag'>,
): Flags {
  const decorations = new FlagDecorations();
  const notifier = new FlagNotifier(() => settings.current.notificationMinIntervalMs);
  const feed: TamperFlagFeed = new TamperFlagFeed({
    storageDir: flagStoreDir(
      context.globalStorageUri.fsPath,
      (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath),
    ),
    earlierStorageDir: context.storageUri && path.join(context.storageUri.fsPath, 'flags'),
    severity: settings.severity().settings,
    turnDesperation: (edit) => store.turnDesperation(sessionKeyOf(edit)),
    readerValidity: () => store.reader(),
    onUpdate: ({ flag, status, escalated }) => {
      store.setFlag(flag, status);
      telemetry.flag(flag, status);
      decorations.update(flag);
      // Only a flag that escalates notifies; stored flags restored by the constructor do not.
      if (escalated)
        void notifier.notify(flag, {
          claim: (id, severity) => feed.claimNotification(id, severity),
          showDiff: (id) => actions.showDiff(id),
          dismiss: (id) => actions.perform(id, 'dismiss'),
        });
    },
    onError: (err) => log.error(`flags: ${err instanceof Error ? err.message : String(err)}`),
  });
  const dismissed = context.workspaceState;
  const guardDecisions = new GuardDecisions(store, feed, {
    has: (id) => (dismissed.get<string[]>(DISMISSED_GUARD_DECISIONS) ?? []).includes(id),
    add: (id) =>
      Promise.resolve(
        dismissed.update(DISMISSED_GUARD_DECISIONS, [
          ...(dismissed.get<string[]>(DISMISSED_GUARD_DECISIONS) ?? []),
          id,
        ]),
      ),
  });
  const actions = new FlagActions(store, feed, guardDecisions);
  context.subscriptions.push(
    decorations,
    vscode.workspace.registerTextDocumentContentProvider(FLAG_SCHEME, new FlagDocuments((id) => feed.diff(id))),
  );
  return { feed, actions, guardDecisions };
}
