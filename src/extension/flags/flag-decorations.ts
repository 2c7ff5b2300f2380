// Marks the lines a flagged edit changed in the test file, while the file still holds the
// flagged text (after later edits the line numbers would point at the wrong code).
import * as vscode from 'vscode';
import { textSha256 } from '../../tamper/edit-record';
import type { StoredFlag } from '../../tamper/flag-store';
import { flagHoverMarkdown } from '../markdown-text';

export class FlagDecorations implements vscode.Disposable {
  private readonly type = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('diffEditor.insertedLineBackground'),
    overviewRulerColor: new vscode.ThemeColor('editorWarning.foreground'),
    overviewRulerLane: vscode.OverviewRulerLane.Right,
    after: { contentText: '  ⚑ Agent Vitals flag', color: new vscode.ThemeColor('editorWarning.foreground') },
  });
  private readonly open = new Map<string, StoredFlag>();
  private readonly subscriptions: vscode.Disposable[];

  constructor() {
    this.subscriptions = [
      vscode.window.onDidChangeVisibleTextEditors(() => this.refresh()),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if ([...this.open.values()].some((f) => f.path === e.document.uri.fsPath)) this.refresh();
      }),
    ];
  }

  update(flag: StoredFlag): void {
    if (flag.status === 'open' && flag.subject === 'edit' && flag.changedLines.length > 0) this.open.set(flag.id, flag);
    else this.open.delete(flag.id);
    this.refresh();
  }

  private refresh(): void {
    for (const editor of vscode.window.visibleTextEditors) {
      const options: vscode.DecorationOptions[] = [];
      let digest: string | undefined;
      for (const flag of this.open.values()) {
        if (flag.path !== editor.document.uri.fsPath) continue;
        digest ??= textSha256(editor.document.getText());
        if (flag.edit.afterSha256 !== digest) continue;
        const hover = new vscode.MarkdownString(flagHoverMarkdown(flag));
        // Never run command: links, render HTML or icons, whatever the text holds.
        hover.isTrusted = false;
        hover.supportHtml = false;
        hover.supportThemeIcons = false;
        for (const line of flag.changedLines) {
          if (line < 1 || line > editor.document.lineCount) continue;
          options.push({ range: editor.document.lineAt(line - 1).range, hoverMessage: hover });
        }
      }
      editor.setDecorations(this.type, options);
    }
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.type.dispose();
  }
}
