// Read-only documents holding a flagged edit's before/after text, so the diff editor can show
// exactly what the agent changed even after the file moved on.
import * as vscode from 'vscode';

export const FLAG_SCHEME = 'agent-vitals-flag';

export class FlagDocuments implements vscode.TextDocumentContentProvider {
  constructor(private readonly lookup: (id: string) => Promise<{ before: string; after: string } | undefined>) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const side = new URLSearchParams(uri.query).get('side');
    const diff = await this.lookup(decodeURIComponent(uri.fragment));
    if (!diff) return '';
    return side === 'before' ? diff.before : diff.after;
  }

  static uris(id: string, path: string): { before: vscode.Uri; after: vscode.Uri } {
    const base = vscode.Uri.from({ scheme: FLAG_SCHEME, path, fragment: encodeURIComponent(id) });
    return { before: base.with({ query: 'side=before' }), after: base.with({ query: 'side=after' }) };
  }
}
