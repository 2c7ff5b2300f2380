// What the sidebar's messages do: follow a session, select a turn, pick the heat map's emotion,
// act on a flag, run a command, cancel a calibration, steer the served model.
import * as vscode from 'vscode';
import type { SidebarViewMessage } from '../contracts/sidebar-protocol';
import type { SteeringSetting } from '../contracts/steering';
import type { FlagActions } from './flags/flag-actions';
import { reportError } from './report-error';
import type { SidecarHost } from './sidecar-host';
import type { VitalsStore } from './state/vitals-store';

export interface SidebarMessageTargets {
  store: VitalsStore;
  actions: Pick<FlagActions, 'perform'>;
  host: Pick<SidecarHost, 'cancelCalibration'>;
  log: Pick<vscode.LogOutputChannel, 'info' | 'error' | 'show'>;
  /** Changes the served model's steering setting. */
  steer: (setting: SteeringSetting) => Promise<void>;
}

export function sidebarMessageRouter({
  store,
  actions,
  host,
  log,
  steer,
}: SidebarMessageTargets): (m: SidebarViewMessage) => void {
  return (m) => {
    switch (m.type) {
      case 'follow':
        return store.follow(m.sessionKey);
      case 'select-turn':
        return store.selectTurn(m.turnId);
      case 'heat-emotion':
        return store.setHeatEmotion(m.emotion);
      case 'flag-action':
        void actions.perform(m.flagId, m.action).catch((err: unknown) => reportError(log, 'flag action', err));
        return;
      case 'command':
        void vscode.commands.executeCommand(
          m.command,
          ...(m.command === 'workbench.action.openSettings' ? ['agentVitals'] : []),
        );
        return;
      case 'cancel-calibration':
        if (!host.cancelCalibration()) log.info('cancel: no calibration is running');
        return;
      case 'steering':
        void steer(m.steering).catch((err: unknown) => reportError(log, 'steering', err));
        return;
      case 'ready':
        return;
    }
  };
}
