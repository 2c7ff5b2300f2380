// The sidebar webview view. Holds no state of its own: on every (re)creation it waits for the
// webview's `ready`, then sends the store's full snapshot, so hiding and reopening loses nothing.
import * as vscode from 'vscode';
import { isSidebarViewMessage, type SidebarHostMessage, type SidebarViewMessage } from '../contracts/sidebar-protocol';
import type { VitalsStore } from './state/vitals-store';
import { webviewPage, webviewResourceRoots } from './webview-content';

export const SIDEBAR_VIEW_ID = 'agentVitals.sidebar';

export class SidebarViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private ready = false;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly store: VitalsStore,
    private readonly onMessage: (message: SidebarViewMessage) => void,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(store.onDidChange(() => this.post()));
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.ready = false;
    const webview = view.webview;
    webview.options = { enableScripts: true, localResourceRoots: webviewResourceRoots(this.extensionUri) };
    webview.html = webviewPage(
      webview,
      this.extensionUri,
      { script: 'webview.js', style: 'sidebar.css' },
      'Agent Vitals',
    );
    const sub = webview.onDidReceiveMessage((raw: unknown) => {
      if (!isSidebarViewMessage(raw)) {
        this.log.warn(`sidebar: ignored malformed message ${JSON.stringify(raw).slice(0, 200)}`);
        return;
      }
      if (raw.type === 'ready') {
        this.ready = true;
        this.post();
        return;
      }
      this.onMessage(raw);
    });
    view.onDidDispose(() => {
      sub.dispose();
      if (this.view === view) {
        this.view = undefined;
        this.ready = false;
      }
    });
  }

  private post(): void {
    if (!this.view || !this.ready) return;
    const message: SidebarHostMessage = { type: 'state', state: this.store.snapshot() };
    void this.view.webview.postMessage(message);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
