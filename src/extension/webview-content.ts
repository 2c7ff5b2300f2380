// Loads one of the extension's webview bundles into a webview: resources only from the
// extension's dist and media folders, the bundle's script and style in the shared shell.
import * as vscode from 'vscode';
import { newNonce, renderWebviewHtml } from './webview-html';

/** The only folders a webview may load from. */
export function webviewResourceRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')];
}

/** The page for `script` (in dist/) and `style` (in media/), titled `title`. */
export function webviewPage(
  webview: vscode.Webview,
  extensionUri: vscode.Uri,
  files: { script: string; style: string },
  title: string,
): string {
  const [dist, media] = webviewResourceRoots(extensionUri);
  const uri = (folder: vscode.Uri, file: string) => webview.asWebviewUri(vscode.Uri.joinPath(folder, file)).toString();
  return renderWebviewHtml(
    {
      cspSource: webview.cspSource,
      scriptUri: uri(dist, files.script),
      styleUri: uri(media, files.style),
      codiconCssUri: uri(dist, 'codicon.css'),
    },
    newNonce(),
    title,
  );
}
