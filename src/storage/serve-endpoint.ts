// While `serve --http` runs, `<cache>/serve/endpoint.json` says what it serves, where, and which
// transcript holds its own activations. The endpoint cannot know which workspace its agent works
// in; the extension follows the transcript this file names, so the session it shows is the live
// served one, in every window that watches the local model.
import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './cache-file';

export interface EndpointFile {
  url: string;
  pid: number;
  model: string;
  /** The self-read transcript this start appends to. */
  transcript: string;
  startedAt: string;
}

/** Everything `serve --http` keeps for the extension: key, endpoint file, transcripts, steering control. */
export function serveFolder(cacheDir: string): string {
  return join(cacheDir, 'serve');
}

export function endpointFilePath(folder: string): string {
  return join(folder, 'endpoint.json');
}

/** A file of the serve folder, owner-only in an owner-only folder, replaced whole. */
export function writeServeFile(path: string, folder: string, text: string): void {
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  writeFileAtomic(path, text, 0o600);
}

export function writeEndpointFile(folder: string, endpoint: EndpointFile): void {
  writeServeFile(endpointFilePath(folder), folder, `${JSON.stringify(endpoint, null, 2)}\n`);
}

/** Removes the file if it still names this process (a later start may have replaced it). */
export function removeEndpointFile(folder: string, pid: number): void {
  if (readEndpointFile(folder)?.pid === pid) rmSync(endpointFilePath(folder), { force: true });
}

/** Longest endpoint file read: what serve writes is a few hundred bytes. */
const MAX_ENDPOINT_FILE_BYTES = 64 * 1024;

/** The running endpoint, or undefined when none is recorded or the file is not one of ours. */
export function readEndpointFile(folder: string): EndpointFile | undefined {
  const path = endpointFilePath(folder);
  let value: unknown;
  try {
    if (statSync(path).size > MAX_ENDPOINT_FILE_BYTES) return undefined;
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (
    typeof v.url !== 'string' ||
    typeof v.model !== 'string' ||
    typeof v.transcript !== 'string' ||
    typeof v.startedAt !== 'string' ||
    !Number.isSafeInteger(v.pid)
  )
    return undefined;
  return { url: v.url, pid: v.pid as number, model: v.model, transcript: v.transcript, startedAt: v.startedAt };
}
