// The quick pick behind "Follow Session": the latest session, or one of those seen.
import * as vscode from 'vscode';
import { AGENTS } from '../watchers/agents/registry';
import type { VitalsStore } from './state/vitals-store';

export async function pickSession(store: VitalsStore): Promise<void> {
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
