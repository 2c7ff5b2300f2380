// Replays a recorded transcript into the event stream at a watchable pace, so a session can be
// followed without a live agent (demo workspace, e2e tests, post-mortems).
import * as fs from 'node:fs/promises';
import * as vscode from 'vscode';
import type { AgentEvent } from '../core/events';
import type { TranscriptReader } from './integration/parts';
import { sessionKeyOf } from './state/vitalsStore';

/** Pause between replayed turns; other events follow immediately. */
const TURN_INTERVAL_MS = 600;

export async function replayTranscript(
  readers: readonly TranscriptReader[],
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
  const head = (await readHead(uri.fsPath)).split('\n').slice(0, 20);
  const reader = readers.find((r) => r.accepts(head));
  if (!reader) {
    const known = readers.map((r) => r.source).join(', ') || 'none in this build';
    void vscode.window.showErrorMessage(
      `Agent Vitals: no transcript reader recognises ${vscode.workspace.asRelativePath(uri)} (readers: ${known}).`,
    );
    return;
  }
  log.info(`replaying ${uri.fsPath} as ${reader.source}`);
  const keys = new Set<string>();
  let count = 0;
  for await (const event of reader.read(uri.fsPath)) {
    keys.add(sessionKeyOf(event));
    ingest(event);
    count++;
    if (event.type === 'turn' && event.role === 'assistant') await delay(TURN_INTERVAL_MS);
  }
  for (const key of keys) endSession(key);
  log.info(`replay finished: ${count} events`);
}

async function readHead(file: string): Promise<string> {
  const handle = await fs.open(file, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
