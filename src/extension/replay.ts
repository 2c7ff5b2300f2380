// Replays a recorded transcript into the event stream at a watchable pace, so a session can be
// followed without a live agent (post-mortems, demos). The file is decoded by the same readers
// the live watchers use.
import * as vscode from 'vscode';
import type { AgentEvent } from '../core/events';
import { readTranscript } from '../watchers/read-transcript';
import { sessionKeyOf } from './state/vitals-store';

/** Pause after each replayed assistant turn; other events follow immediately. */
const TURN_INTERVAL_MS = 600;

export async function replayTranscript(
  given: vscode.Uri | undefined,
  ingest: (e: AgentEvent) => void,
  endSession: (key: string) => void,
  log: vscode.LogOutputChannel,
): Promise<void> {
  const uri =
    given ??
    (
      await vscode.window.showOpenDialog({
        title: 'Replay a recorded agent transcript',
        canSelectMany: false,
        filters: { Transcripts: ['jsonl', 'json', 'md'] },
      })
    )?.[0];
  if (!uri) return;
  const session = await readTranscript(uri.fsPath);
  if (!session) {
    void vscode.window.showErrorMessage(
      `Agent Vitals: ${vscode.workspace.asRelativePath(uri)} is not a transcript of a known agent (Claude Code, Codex, Copilot, Cline, Roo, Gemini CLI, Aider).`,
    );
    return;
  }
  log.info(
    `replaying ${uri.fsPath} as ${session.source}: ${session.events.length} events, ${session.skippedRecords} records skipped`,
  );
  // A replay is its own session, so it never merges into a live one with the same id.
  const sessionId = `${session.sessionId} (replay ${new Date().toLocaleTimeString()})`;
  for (const event of session.events) {
    ingest({ ...event, sessionId });
    if (event.type === 'turn' && event.role === 'assistant') await delay(TURN_INTERVAL_MS);
  }
  endSession(sessionKeyOf({ source: session.source, sessionId }));
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
