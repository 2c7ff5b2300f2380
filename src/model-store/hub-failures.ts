// Words for what went wrong between this machine and the hub, told apart by where it failed: the
// name did not resolve, nothing answered, a proxy refused or wanted credentials, the TLS
// certificate was not trusted, or the hub answered that there is no such repository or file.
// Each says what to do, then to retry.
import { ProxyError, proxyFor, proxyLabel } from './hub-proxy';

const RETRY = 'and retry, or use a local model folder';

function proxyVariable(url: URL): string {
  return url.protocol === 'https:' ? 'HTTPS_PROXY' : 'HTTP_PROXY';
}

function proxyWantsCredentials(url: URL, proxy: string | undefined): string {
  const which = proxy ? `The proxy ${proxy} (from ${proxyVariable(url)})` : `A proxy in front of ${url.host}`;
  return `${which} asked for credentials (HTTP 407 Proxy Authentication Required): put them in ${proxyVariable(url)} (http://user:password@host:port) ${RETRY}.`;
}

function errorCode(err: unknown): string | undefined {
  // fetch() wraps the socket's error as its cause; the proxy path throws it as is.
  const cause = (err as { cause?: unknown } | undefined)?.cause ?? err;
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * What a request that got no answer from the hub ran into, or undefined for errors that are not
 * about reaching it (the caller words those itself).
 */
export function unreachableHub(urlText: string, err: unknown): string | undefined {
  const url = new URL(urlText);
  if (err instanceof ProxyError) {
    const which = `The proxy ${err.proxy} (from ${proxyVariable(url)})`;
    if (err.status === 407) return proxyWantsCredentials(url, err.proxy);
    if (err.status !== undefined)
      return `${which} would not connect to ${url.host}: ${err.message}. Ask for ${url.host} to be allowed (or set HF_ENDPOINT to a mirror it allows) ${RETRY}.`;
    return `${which} is not reachable: ${err.message.replace(/^cannot reach the proxy: /, '')}. Check the variable (or add ${url.hostname} to NO_PROXY) ${RETRY}.`;
  }
  const code = errorCode(err);
  if (!code) return undefined;
  const start = `Cannot reach the model hub ${url.host}`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return `${start}: its name does not resolve (DNS ${code}), so this machine is offline or its DNS is down. Check the connection (or HF_ENDPOINT) ${RETRY}.`;
  if (code === 'ECONNREFUSED')
    return `${start}: the connection was refused (ECONNREFUSED). Check HF_ENDPOINT (or the connection) ${RETRY}.`;
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/.test(code))
    return `${start}: its TLS certificate is not trusted (${code}). Behind a proxy that inspects HTTPS, point NODE_EXTRA_CA_CERTS at the proxy's certificate ${RETRY}.`;
  if (/^(ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|ECONNRESET|EPIPE|UND_ERR_)/.test(code))
    return `${start}: the connection failed (${code}). Check the connection (or HF_ENDPOINT, or ${proxyVariable(url)} if this network needs a proxy) ${RETRY}.`;
  return undefined;
}

/** Connection failures that a moment later may not recur: the connection was dropped or timed
 *  out, or (once a download got going) refused by a hub that is restarting. A refusal on the first
 *  request means a wrong address or a hub that is down, and is told at once. */
export function droppedConnection(err: unknown, attempt: number): boolean {
  const code = errorCode(err);
  if (code === 'ECONNREFUSED') return attempt > 1;
  return code !== undefined && /^(ECONNRESET|EPIPE|ETIMEDOUT|ECONNABORTED|UND_ERR_SOCKET|UND_ERR_CLOSED)$/.test(code);
}

/**
 * The hub's answer for a file it does not have, naming host, repository, revision and file;
 * `advice` replaces the default "check the model id" when the caller knows better.
 */
export function noSuchEntry(urlText: string, repo: string, revision: string, file: string, advice?: string): string {
  const check = `Check the model id${revision === 'main' ? '' : ' and revision'} (and HF_ENDPOINT).`;
  return `No such repository/file on the hub (404): ${new URL(urlText).host} has no ${repo}@${revision}/${file}. ${advice ?? check}`;
}

/** A status the hub (or something in front of it) answered instead of the file, with what to do. */
export function refusedByHub(
  urlText: string,
  res: Response,
  repo: string,
  file: string,
): { notFound: boolean; message: string } {
  const url = new URL(urlText);
  const host = url.host;
  // The hub names the reason in X-Error-Code: a repo id that does not exist comes back as 401.
  const reason = res.headers.get('x-error-code');
  const what = `${repo}/${file}`;
  if (reason === 'RepoNotFound')
    return {
      notFound: true,
      message: `No such repository on the hub (HTTP ${res.status}, RepoNotFound): ${host} has no ${repo}. Check the model id (private repos need HF_TOKEN).`,
    };
  if (reason === 'RevisionNotFound')
    return {
      notFound: true,
      message: `No such revision on the hub (HTTP ${res.status}, RevisionNotFound) for ${repo}. Check the revision after '@'.`,
    };
  if (res.status === 401 || res.status === 403)
    return {
      notFound: true,
      message: `The hub refused ${what} (HTTP ${res.status}): the repo does not exist or needs access (HF_TOKEN).`,
    };
  if (res.status === 407) {
    const proxy = proxyFor(url);
    return { notFound: false, message: proxyWantsCredentials(url, proxy && proxyLabel(proxy)) };
  }
  if (res.status === 429 || res.status >= 500)
    return {
      notFound: false,
      message: `The hub ${host} could not serve ${what} now (HTTP ${res.status}). Wait a little ${RETRY}.`,
    };
  return {
    notFound: false,
    message: `The hub ${host} answered HTTP ${res.status} for ${what}. Check HF_ENDPOINT ${RETRY}.`,
  };
}
