// Reaches the hub through the proxy named by HTTPS_PROXY / HTTP_PROXY (minus NO_PROXY), as the
// hub's own clients, curl and npm do: Node 20's fetch ignores these variables, so a machine that
// can only go out through a proxy would otherwise never reach the hub. HTTPS goes through a
// CONNECT tunnel (the proxy sees only the host name); plain HTTP is sent to the proxy as is.
import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';

/** The proxy refused or could not reach the hub (before the hub itself answered). */
export class ProxyError extends Error {
  constructor(
    readonly proxy: string,
    /** The proxy's HTTP status for the tunnel, when it answered. */
    readonly status: number | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'ProxyError';
  }
}

function variable(name: string, env: NodeJS.ProcessEnv): string | undefined {
  return env[name.toLowerCase()] || env[name.toUpperCase()] || undefined;
}

function bypassed(url: URL, noProxy: string | undefined): boolean {
  if (!noProxy) return false;
  const host = url.hostname.toLowerCase();
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return noProxy.split(/[\s,]+/).some((entry) => {
    if (entry === '*') return true;
    const [name, entryPort] = entry.toLowerCase().split(':');
    if (!name || (entryPort && entryPort !== port)) return false;
    const domain = name.replace(/^\*?\./, '');
    return host === domain || host.endsWith(`.${domain}`);
  });
}

/** The proxy requests to `url` go through, by the usual variables; undefined when none. */
export function proxyFor(url: URL, env: NodeJS.ProcessEnv = process.env): URL | undefined {
  const named =
    url.protocol === 'https:'
      ? variable('https_proxy', env)
      : url.protocol === 'http:'
        ? variable('http_proxy', env)
        : undefined;
  if (!named || bypassed(url, variable('no_proxy', env))) return undefined;
  return new URL(named.includes('://') ? named : `http://${named}`);
}

/** How the proxy variable names itself in messages: without its credentials. */
export function proxyLabel(proxy: URL): string {
  return `${proxy.protocol}//${proxy.host}`;
}

function proxyAuthorization(proxy: URL): OutgoingHttpHeaders {
  if (!proxy.username) return {};
  const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
  return { 'proxy-authorization': `Basic ${Buffer.from(credentials).toString('base64')}` };
}

function proxyPort(proxy: URL): number {
  return Number(proxy.port || (proxy.protocol === 'https:' ? 443 : 80));
}

/** Opens a CONNECT tunnel to `url`'s host through `proxy`, then TLS inside it. */
function tunnel(proxy: URL, url: URL, signal: AbortSignal | undefined): Promise<TLSSocket> {
  const target = `${url.hostname}:${url.port || 443}`;
  return new Promise((resolve, reject) => {
    const req = httpRequest({
      host: proxy.hostname,
      port: proxyPort(proxy),
      method: 'CONNECT',
      path: target,
      headers: { host: target, ...proxyAuthorization(proxy) },
      signal,
    });
    req.once('connect', (res: IncomingMessage, socket) => {
      if (res.statusCode !== 200) {
        socket.destroy();
        reject(
          new ProxyError(
            proxyLabel(proxy),
            res.statusCode,
            `the proxy answered HTTP ${res.statusCode} ${res.statusMessage ?? ''}`.trim() + ` to CONNECT ${target}`,
          ),
        );
        return;
      }
      const tls = tlsConnect({ socket, servername: url.hostname });
      tls.once('secureConnect', () => resolve(tls));
      tls.once('error', reject);
    });
    req.once('error', (err: NodeJS.ErrnoException) => reject(unreachable(proxy, err)));
    req.end();
  });
}

function toResponse(res: IncomingMessage, method: string): Response {
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, v);
  }
  const status = res.statusCode ?? 502;
  const noBody = method === 'HEAD' || status === 204 || status === 304;
  if (noBody) res.resume();
  return new Response(noBody ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>), {
    status,
    statusText: res.statusMessage,
    headers,
  });
}

function unreachable(proxy: URL, err: NodeJS.ErrnoException): Error {
  return err.name === 'AbortError'
    ? err
    : new ProxyError(proxyLabel(proxy), undefined, `cannot reach the proxy: ${err.code ?? err.message}`);
}

async function once(proxy: URL, url: URL, init: RequestInit): Promise<Response> {
  const method = init.method ?? 'GET';
  const headers: OutgoingHttpHeaders = Object.fromEntries(new Headers(init.headers).entries());
  const signal = init.signal ?? undefined;
  const socket = url.protocol === 'https:' ? await tunnel(proxy, url, signal) : undefined;
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = socket
      ? httpsRequest(url, { method, headers, signal, createConnection: () => socket })
      : httpRequest({
          host: proxy.hostname,
          port: proxyPort(proxy),
          method,
          path: url.href,
          headers: { ...headers, host: url.host, ...proxyAuthorization(proxy) },
          signal,
        });
    req.once('response', resolve);
    // Without a tunnel every byte goes to the proxy, so a failed connection is the proxy's.
    req.once('error', (err: NodeJS.ErrnoException) => reject(socket ? err : unreachable(proxy, err)));
    req.end();
  });
  return toResponse(res, method);
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** fetch() through `proxy`, following redirects unless told not to (as fetch does). */
export async function fetchViaProxy(proxy: URL, input: string, init: RequestInit = {}): Promise<Response> {
  let url = new URL(input);
  for (let hops = 0; ; hops++) {
    const res = await once(proxy, url, init);
    const location = res.headers.get('location');
    if (init.redirect === 'manual' || !REDIRECTS.has(res.status) || !location) return res;
    if (hops === 20) throw new TypeError(`too many redirects fetching ${input}`);
    await res.body?.cancel();
    url = new URL(location, url);
  }
}
