// How the CLI shows a model download on stderr, as the editor does: per file, bytes received of
// the total. On a terminal each file's line is rewritten in place; otherwise (a log) one line per
// tenth of the file, or per 50 MB when the hub gave no size. Under --json with stderr not a
// terminal it stays quiet: a program reading the JSON should not find progress in its logs. A
// retry gets a line of its own: when, which attempt, and what went wrong.
import { retryWords } from '../contracts/download-retry';
import type { FileProgress } from '../model-store/hub-download';

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface DownloadProgress {
  update(p: FileProgress): void;
  /** Ends a line left open on a terminal. */
  finish(): void;
}

const LOG_STEP_BYTES = 50_000_000;

export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  if (n < 1e6) return `${(n / 1e3).toFixed(1)} kB`;
  if (n < 1e9) return `${(n / 1e6).toFixed(1)} MB`;
  return `${(n / 1e9).toFixed(2)} GB`;
}

export function downloadProgress(out: ProgressStream, json: boolean): DownloadProgress | undefined {
  if (json && !out.isTTY) return undefined;
  let file = '';
  let step = -1;
  let open = false;
  return {
    update(p) {
      if (p.retry) {
        out.write(`${open ? '\n' : ''}${retryWords(p.retry)}: ${p.retry.reason}\n`);
        open = false;
        return;
      }
      const line = `downloading ${p.file}: ${formatBytes(p.loadedBytes)}${p.totalBytes ? ` of ${formatBytes(p.totalBytes)} (${p.percent}%)` : ''}`;
      const done = p.totalBytes !== undefined && p.loadedBytes >= p.totalBytes;
      if (out.isTTY) {
        out.write(`${open && p.file !== file ? '\n' : ''}\r${line}\x1b[K${done ? '\n' : ''}`);
        file = p.file;
        open = !done;
        return;
      }
      const now = p.totalBytes ? Math.floor((p.percent ?? 0) / 10) : Math.floor(p.loadedBytes / LOG_STEP_BYTES);
      if (p.file === file && now === step) return;
      file = p.file;
      step = now;
      out.write(`${line}\n`);
    },
    finish() {
      if (open) out.write('\n');
      open = false;
    },
  };
}
