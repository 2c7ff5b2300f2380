// The experiment panels' HTML shell: the shared webview shell with the panel's own title.
import { renderWebviewHtml, type WebviewAssets } from '../webviewHtml';

export { newNonce } from '../webviewHtml';
export type PanelAssets = WebviewAssets;

export function renderPanelHtml(assets: PanelAssets, nonce: string, title: string): string {
  return renderWebviewHtml(assets, nonce, title);
}
