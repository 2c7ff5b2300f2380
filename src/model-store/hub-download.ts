// Fetches single files from the model hub into the cache, the way transformers.js addresses them
// (its env.remoteHost / env.remotePathTemplate / env.fetch), with progress, cancellation, and a
// size + sha256 check against what the hub announces, and retries for failures that pass (see
// hub-retry.ts), resuming with a Range request when the sha256 can check the joined bytes. A file
// only appears under its final name once complete and verified; the partial file is kept between
// attempts and removed when the download fails for good.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { env } from '@huggingface/transformers';
import { ModelStoreError } from './model-store-error';
import { droppedConnection, refusedByHub, unreachableHub } from './hub-failures';
import { fetchViaProxy, proxyFor } from './hub-proxy';
import type { RetryNotice } from '../contracts/download-retry';
import { DEFAULT_RETRY, parseRetryAfter, TransientHubFailure, withRetry, type RetryPolicy } from './hub-retry';

export interface FileProgress {
  file: string;
  loadedBytes: number;
  totalBytes?: number;
  percent?: number;
  /** Set when the last request failed in a way that passes and another is about to be made. */
  retry?: RetryNotice;
}

/** How long the hub may take to answer a request (connect and headers), and to send the next
 *  piece of a body, before the request is given up. */
export interface HubTimeouts {
  headersMs: number;
  idleMs: number;
}

export const DEFAULT_HUB_TIMEOUTS: HubTimeouts = { headersMs: 30_000, idleMs: 60_000 };

export interface DownloadOptions {
  signal?: AbortSignal;
  onProgress?: (p: FileProgress) => void;
  timeouts?: HubTimeouts;
  /** DEFAULT_RETRY when not given; `attempts: 1` turns retrying off. */
  retry?: RetryPolicy;
}

export interface RemoteFileFacts {
  size?: number;
  sha256?: string;
}

export function remoteFileUrl(repo: string, revision: string, file: string): string {
  const host = env.remoteHost.endsWith('/') ? env.remoteHost : env.remoteHost + '/';
  const path = env.remotePathTemplate
    .replaceAll('{model}', repo)
    .replaceAll('{revision}', encodeURIComponent(revision));
  return host + (path.endsWith('/') ? path : path + '/') + file;
}

function requestHeaders(url: string): Headers {
  const headers = new Headers();
  const token = process.env.HF_TOKEN;
  // The token only ever goes to the hub itself, never to a mirror.
  if (token && /^https:\/\/(huggingface\.co|hf\.co)\//.test(url)) headers.set('Authorization', `Bearer ${token}`);
  return headers;
}

/** fetch() for hub requests: through the proxy the environment names, else transformers.js' fetch. */
function hubFetch(url: string, init: RequestInit): Promise<Response> {
  const proxy = proxyFor(new URL(url));
  return proxy ? fetchViaProxy(proxy, url, init) : env.fetch(url, init);
}

/**
 * Aborts a hub request the caller cancels or the hub leaves waiting: armed with a limit for each
 * wait (the response, then each piece of the body), it remembers which wait ran out.
 */
class HubWatchdog {
  readonly controller = new AbortController();
  private timer?: NodeJS.Timeout;
  private expired?: string;
  private waitingFor?: 'response' | 'body';
  private readonly host: string;
  private readonly timeouts: HubTimeouts;
  private readonly cancel = () => this.controller.abort();

  constructor(
    url: string,
    private readonly file: string,
    private readonly opts: DownloadOptions,
  ) {
    this.host = new URL(url).host;
    this.timeouts = opts.timeouts ?? DEFAULT_HUB_TIMEOUTS;
    if (opts.signal?.aborted) this.controller.abort();
    opts.signal?.addEventListener('abort', this.cancel, { once: true });
  }

  awaitResponse(): void {
    this.waitingFor = 'response';
    this.arm(this.timeouts.headersMs, (s) => `did not answer within ${s} s (waiting for the response to ${this.file})`);
  }

  awaitBody(): void {
    this.waitingFor = 'body';
    this.arm(this.timeouts.idleMs, (s) => `sent nothing for ${s} s (downloading ${this.file})`);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.opts.signal?.removeEventListener('abort', this.cancel);
  }

  /** Whether the watchdog ended the request because its body stopped arriving. */
  get stalledBody(): boolean {
    return this.expired !== undefined && this.waitingFor === 'body';
  }

  /** The error to report when the watchdog ended the request, else undefined. */
  timeoutError(): ModelStoreError | undefined {
    if (!this.expired) return undefined;
    return new ModelStoreError(
      'download-failed',
      `The model hub ${this.host} ${this.expired}. Check the connection (or HF_ENDPOINT) and retry, or use a local model folder.`,
      { file: this.file },
    );
  }

  private arm(ms: number, what: (seconds: string) => string): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.expired = what(String(ms / 1000));
      this.controller.abort();
    }, ms);
  }
}

function isAbort(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError');
}

function cancelled(file: string): ModelStoreError {
  return new ModelStoreError('cancelled', `Download of ${file} was cancelled.`, { file });
}

/** Statuses of a hub that is busy or restarting: the same request may succeed a little later. */
const PASSING_STATUSES = new Set([429, 502, 503, 504]);

/** The hub's error status as the error to throw, one worth retrying when the status passes. */
function refusal(url: string, res: Response, repo: string, file: string): Error {
  const refused = refusedByHub(url, res, repo, file);
  const error = new ModelStoreError(refused.notFound ? 'model-not-found' : 'download-failed', refused.message, {
    file,
  });
  return PASSING_STATUSES.has(res.status)
    ? new TransientHubFailure(error, parseRetryAfter(res.headers.get('retry-after')))
    : error;
}

/**
 * A request that ended without an answer: cancelled, timed out, or cut off by the network.
 * A body that stalled or a dropped connection is worth retrying; a hub that never answered is not
 * (waiting for it again would only multiply the wait).
 */
function requestFailure(
  err: unknown,
  watchdog: HubWatchdog,
  file: string,
  attempt: number,
  opts: DownloadOptions,
  message: (err: Error) => string,
): Error {
  const timeout = watchdog.timeoutError();
  if (timeout) return watchdog.stalledBody ? new TransientHubFailure(timeout) : timeout;
  if (isAbort(err) || opts.signal?.aborted) return cancelled(file);
  const error = new ModelStoreError('download-failed', message(err as Error), { file });
  return droppedConnection(err, attempt) ? new TransientHubFailure(error) : error;
}

/** Reports a coming retry through the download's progress callback. */
function reportRetry(
  file: string,
  opts: DownloadOptions,
  loaded: () => number,
  totalBytes?: number,
): (retry: RetryNotice) => void {
  return (retry) => opts.onProgress?.({ file, loadedBytes: loaded(), totalBytes, retry });
}

const SHA256 = /^(?:W\/)?"?([0-9a-f]{64})"?$/;

/** What the hub says about a file before we fetch it; `undefined` when the file does not exist. */
export async function probeRemoteFile(
  repo: string,
  revision: string,
  file: string,
  opts: DownloadOptions = {},
): Promise<RemoteFileFacts | undefined> {
  const url = remoteFileUrl(repo, revision, file);
  try {
    return await withRetry(
      opts.retry ?? DEFAULT_RETRY,
      opts.signal,
      reportRetry(file, opts, () => 0),
      (n) => probeOnce(url, repo, file, opts, n),
    );
  } catch (err) {
    throw isAbort(err) ? cancelled(file) : err;
  }
}

async function probeOnce(
  url: string,
  repo: string,
  file: string,
  opts: DownloadOptions,
  attempt: number,
): Promise<RemoteFileFacts | undefined> {
  const watchdog = new HubWatchdog(url, file, opts);
  let res: Response;
  try {
    watchdog.awaitResponse();
    // The hub answers large files with a redirect whose headers carry the LFS size and sha256.
    res = await hubFetch(url, {
      method: 'HEAD',
      redirect: 'manual',
      headers: requestHeaders(url),
      signal: watchdog.controller.signal,
    });
  } catch (err) {
    throw requestFailure(
      err,
      watchdog,
      file,
      attempt,
      opts,
      (e) =>
        unreachableHub(url, e) ??
        `Cannot reach the model hub for ${repo}/${file}: ${e.message}. Check the connection and retry, or use a local model folder.`,
    );
  } finally {
    watchdog.stop();
  }
  if (res.status >= 400) {
    // A plain 404 is the hub saying it has no such file; the caller words it for what it needed.
    if (res.status === 404 && !refusedByHub(url, res, repo, file).notFound) return undefined;
    throw refusal(url, res, repo, file);
  }
  const number = (v: string | null) => (v && /^\d+$/.test(v) ? Number(v) : undefined);
  const linkedSize = number(res.headers.get('x-linked-size'));
  const size = linkedSize ?? (res.status === 200 ? number(res.headers.get('content-length')) : undefined);
  const tag = res.headers.get('x-linked-etag') ?? res.headers.get('etag') ?? '';
  return { size, sha256: SHA256.exec(tag)?.[1] };
}

/** The `.part` file being written, with the sha256 and length of what it holds so far, kept across
 *  attempts so that a retry can ask the hub for the rest only. */
class PartialFile {
  hash = createHash('sha256');
  loaded = 0;

  constructor(
    readonly path: string,
    /** Resuming is only safe when the whole file's sha256 is known to check the joined bytes. */
    readonly resumable: boolean,
  ) {}

  add(chunk: Uint8Array): void {
    this.hash.update(chunk);
    this.loaded += chunk.byteLength;
  }

  restart(): void {
    this.hash = createHash('sha256');
    this.loaded = 0;
  }
}

/** Where a 206 answer's body starts in the file ("bytes 100-199/200"), or undefined. */
function rangeStart(res: Response): number | undefined {
  const m = /^bytes (\d+)-/.exec(res.headers.get('content-range') ?? '');
  return m ? Number(m[1]) : undefined;
}

/** One GET of `file` into `part`, resuming after what it holds when the hub honours a Range. */
async function fetchInto(
  url: string,
  repo: string,
  file: string,
  part: PartialFile,
  facts: RemoteFileFacts,
  opts: DownloadOptions,
  attempt: number,
): Promise<void> {
  const watchdog = new HubWatchdog(url, file, opts);
  const headers = requestHeaders(url);
  const resumeAt = part.resumable ? part.loaded : 0;
  if (resumeAt > 0) headers.set('Range', `bytes=${resumeAt}-`);
  let received = 0;
  try {
    watchdog.awaitResponse();
    const res = await hubFetch(url, { headers, signal: watchdog.controller.signal });
    const resumed = resumeAt > 0 && res.status === 206 && rangeStart(res) === resumeAt;
    if ((!resumed && res.status !== 200) || !res.body) {
      await res.body?.cancel().catch(() => undefined);
      throw res.status >= 400
        ? refusal(url, res, repo, file)
        : new ModelStoreError(
            'download-failed',
            `The hub answered HTTP ${res.status} while downloading ${repo}/${file}.`,
            { file },
          );
    }
    if (!resumed) part.restart();
    const length = Number(res.headers.get('content-length')) || undefined;
    const total = facts.size ?? (length && length + part.loaded);
    const out = createWriteStream(part.path, { flags: resumed ? 'a' : 'w' });
    // A failed write (disk full, permissions) must end the download, not the process.
    let writeError: Error | undefined;
    out.on('error', (e) => (writeError = e));
    const reader = res.body.getReader();
    try {
      let lastPercent = -1;
      for (;;) {
        watchdog.awaitBody();
        const { done, value } = await reader.read();
        if (done) break;
        part.add(value);
        received += value.byteLength;
        if (!out.write(value)) await new Promise<void>((r) => (out.once('drain', r), out.once('close', r)));
        if (writeError) throw writeError;
        const percent = total ? Math.floor((part.loaded / total) * 100) : undefined;
        if (percent !== lastPercent) {
          lastPercent = percent ?? lastPercent;
          opts.onProgress?.({ file, loadedBytes: part.loaded, totalBytes: total, percent });
        }
      }
    } catch (err) {
      await reader.cancel().catch(() => undefined);
      throw err;
    } finally {
      if (writeError) out.destroy();
      else
        await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    }
    if (writeError) throw writeError;
  } catch (err) {
    if (err instanceof ModelStoreError || err instanceof TransientHubFailure) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ENOSPC') {
      throw new ModelStoreError(
        'download-failed',
        `The disk is full: downloading ${repo}/${file} into ${dirname(part.path)} stopped after ${part.loaded} bytes. The partial file was removed; free some space (or choose another cache folder) and retry.`,
        { file },
      );
    }
    throw requestFailure(
      err,
      watchdog,
      file,
      attempt,
      opts,
      (e) =>
        (received === 0 ? unreachableHub(url, e) : undefined) ??
        `Download of ${repo}/${file} failed after ${part.loaded} bytes: ${e.message}. Retry, or use a local model folder.`,
    );
  } finally {
    watchdog.stop();
  }
}

/** Downloads `file` to `dest`, verifying size and hash when known; returns what was written. */
export async function downloadFile(
  repo: string,
  revision: string,
  file: string,
  dest: string,
  facts: RemoteFileFacts,
  opts: DownloadOptions = {},
): Promise<{ bytes: number; sha256: string }> {
  const url = remoteFileUrl(repo, revision, file);
  await mkdir(dirname(dest), { recursive: true });
  const part = new PartialFile(`${dest}.part`, facts.sha256 !== undefined);
  try {
    await withRetry(
      opts.retry ?? DEFAULT_RETRY,
      opts.signal,
      reportRetry(file, opts, () => part.loaded, facts.size),
      (n) => fetchInto(url, repo, file, part, facts, opts, n),
    );
    if (facts.size !== undefined && part.loaded !== facts.size) {
      throw new ModelStoreError(
        'integrity-failed',
        `${repo}/${file}: got ${part.loaded} bytes, the hub announced ${facts.size}. The partial file was removed; retry the download.`,
        { file },
      );
    }
    const digest = part.hash.digest('hex');
    if (facts.sha256 && digest !== facts.sha256) {
      throw new ModelStoreError(
        'integrity-failed',
        `${repo}/${file}: sha256 ${digest} does not match the hub's ${facts.sha256}. The corrupted file was removed; retry the download.`,
        { file },
      );
    }
    await rename(part.path, dest);
    return { bytes: part.loaded, sha256: digest };
  } catch (err) {
    await rm(part.path, { force: true });
    throw isAbort(err) ? cancelled(file) : err;
  }
}

/** Honours HF_ENDPOINT (a hub mirror), as the hub's own clients do. */
export function useHubEndpointFromEnv(): void {
  const endpoint = process.env.HF_ENDPOINT;
  if (endpoint) env.remoteHost = endpoint.endsWith('/') ? endpoint : endpoint + '/';
}
