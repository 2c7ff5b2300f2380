// Fetches single files from the model hub into the cache, the way transformers.js addresses them
// (its env.remoteHost / env.remotePathTemplate / env.fetch), with progress, cancellation, and a
// size + sha256 check against what the hub announces. A file only appears under its final name
// once complete and verified; partial files are removed on any failure.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { env } from '@huggingface/transformers';
import { ModelStoreError } from './model-store-error';
import { refusedByHub, unreachableHub } from './hub-failures';
import { fetchViaProxy, proxyFor } from './hub-proxy';

export interface FileProgress {
  file: string;
  loadedBytes: number;
  totalBytes?: number;
  percent?: number;
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
  private readonly host: string;
  private readonly timeouts: HubTimeouts;
  private readonly cancel = () => this.controller.abort();

  constructor(url: string, private readonly file: string, private readonly opts: DownloadOptions) {
    this.host = new URL(url).host;
    this.timeouts = opts.timeouts ?? DEFAULT_HUB_TIMEOUTS;
    if (opts.signal?.aborted) this.controller.abort();
    opts.signal?.addEventListener('abort', this.cancel, { once: true });
  }

  awaitResponse(): void {
    this.arm(this.timeouts.headersMs, (s) => `did not answer within ${s} s (waiting for the response to ${this.file})`);
  }

  awaitBody(): void {
    this.arm(this.timeouts.idleMs, (s) => `sent nothing for ${s} s (downloading ${this.file})`);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.opts.signal?.removeEventListener('abort', this.cancel);
  }

  /** The error to report when the watchdog ended the request, else undefined. */
  timeoutError(): ModelStoreError | undefined {
    if (!this.expired) return undefined;
    return new ModelStoreError('download-failed', `The model hub ${this.host} ${this.expired}. Check the connection (or HF_ENDPOINT) and retry, or use a local model folder.`, { file: this.file });
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

const SHA256 = /^(?:W\/)?"?([0-9a-f]{64})"?$/;

/** What the hub says about a file before we fetch it; `undefined` when the file does not exist. */
export async function probeRemoteFile(
  repo: string,
  revision: string,
  file: string,
  opts: DownloadOptions = {},
): Promise<RemoteFileFacts | undefined> {
  const url = remoteFileUrl(repo, revision, file);
  const watchdog = new HubWatchdog(url, file, opts);
  let res: Response;
  try {
    watchdog.awaitResponse();
    // The hub answers large files with a redirect whose headers carry the LFS size and sha256.
    res = await hubFetch(url, { method: 'HEAD', redirect: 'manual', headers: requestHeaders(url), signal: watchdog.controller.signal });
  } catch (err) {
    const timeout = watchdog.timeoutError();
    if (timeout) throw timeout;
    if (isAbort(err)) throw cancelled(file);
    const unreachable = unreachableHub(url, err) ?? `Cannot reach the model hub for ${repo}/${file}: ${(err as Error).message}. Check the connection and retry, or use a local model folder.`;
    throw new ModelStoreError('download-failed', unreachable, { file });
  } finally {
    watchdog.stop();
  }
  if (res.status >= 400) {
    const refused = refusedByHub(url, res, repo, file);
    // A plain 404 is the hub saying it has no such file; the caller words it for what it needed.
    if (res.status === 404 && !refused.notFound) return undefined;
    throw new ModelStoreError(refused.notFound ? 'model-not-found' : 'download-failed', refused.message, { file });
  }
  const number = (v: string | null) => (v && /^\d+$/.test(v) ? Number(v) : undefined);
  const linkedSize = number(res.headers.get('x-linked-size'));
  const size = linkedSize ?? (res.status === 200 ? number(res.headers.get('content-length')) : undefined);
  const tag = res.headers.get('x-linked-etag') ?? res.headers.get('etag') ?? '';
  return { size, sha256: SHA256.exec(tag)?.[1] };
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
  const partial = `${dest}.part`;
  await mkdir(dirname(dest), { recursive: true });
  const hash = createHash('sha256');
  const watchdog = new HubWatchdog(url, file, opts);
  let loaded = 0;
  try {
    watchdog.awaitResponse();
    const res = await hubFetch(url, { headers: requestHeaders(url), signal: watchdog.controller.signal });
    if (res.status !== 200 || !res.body) {
      const refused = res.status >= 400 ? refusedByHub(url, res, repo, file) : undefined;
      throw new ModelStoreError(refused?.notFound ? 'model-not-found' : 'download-failed', refused?.message ?? `The hub answered HTTP ${res.status} while downloading ${repo}/${file}.`, { file });
    }
    const total = facts.size ?? (Number(res.headers.get('content-length')) || undefined);
    const out = createWriteStream(partial);
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
        hash.update(value);
        loaded += value.byteLength;
        if (!out.write(value)) await new Promise<void>((r) => (out.once('drain', r), out.once('close', r)));
        if (writeError) throw writeError;
        const percent = total ? Math.floor((loaded / total) * 100) : undefined;
        if (percent !== lastPercent) {
          lastPercent = percent ?? lastPercent;
          opts.onProgress?.({ file, loadedBytes: loaded, totalBytes: total, percent });
        }
      }
    } catch (err) {
      await reader.cancel().catch(() => undefined);
      throw err;
    } finally {
      if (writeError) out.destroy();
      else await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    }
    if (writeError) throw writeError;
    if (facts.size !== undefined && loaded !== facts.size) {
      throw new ModelStoreError('integrity-failed', `${repo}/${file}: got ${loaded} bytes, the hub announced ${facts.size}. The partial file was removed; retry the download.`, { file });
    }
    const digest = hash.digest('hex');
    if (facts.sha256 && digest !== facts.sha256) {
      throw new ModelStoreError('integrity-failed', `${repo}/${file}: sha256 ${digest} does not match the hub's ${facts.sha256}. The corrupted file was removed; retry the download.`, { file });
    }
    await rename(partial, dest);
    return { bytes: loaded, sha256: digest };
  } catch (err) {
    await rm(partial, { force: true });
    if (err instanceof ModelStoreError) throw err;
    const timeout = watchdog.timeoutError();
    if (timeout) throw timeout;
    if (isAbort(err) || opts.signal?.aborted) throw cancelled(file);
    if ((err as NodeJS.ErrnoException).code === 'ENOSPC') {
      throw new ModelStoreError('download-failed', `The disk is full: downloading ${repo}/${file} into ${dirname(dest)} stopped after ${loaded} bytes. The partial file was removed; free some space (or choose another cache folder) and retry.`, { file });
    }
    const unreachable = loaded === 0 ? unreachableHub(url, err) : undefined;
    throw new ModelStoreError('download-failed', unreachable ?? `Download of ${repo}/${file} failed after ${loaded} bytes: ${(err as Error).message}. Retry, or use a local model folder.`, { file });
  } finally {
    watchdog.stop();
  }
}

/** Honours HF_ENDPOINT (a hub mirror), as the hub's own clients do. */
export function useHubEndpointFromEnv(): void {
  const endpoint = process.env.HF_ENDPOINT;
  if (endpoint) env.remoteHost = endpoint.endsWith('/') ? endpoint : endpoint + '/';
}
