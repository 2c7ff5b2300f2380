// The endpoint listens on this machine only: a model that runs code-writing agents must not be
// reachable from the network.
/** An --http address that is malformed or not loopback. */
export class AddressError extends Error {}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** `host:port` (IPv6 as `[::1]:port`) parsed, refusing any host that is not loopback. */
export function parseLoopbackAddress(value: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(value);
  if (!match) throw new AddressError(`--http takes host:port (e.g. 127.0.0.1:8765), not '${value}'`);
  const host = match[1] ?? match[2]!;
  const port = Number(match[3]);
  if (!LOOPBACK.has(host))
    throw new AddressError(`--http binds to loopback only (127.0.0.1, ::1 or localhost), not '${host}'`);
  if (port > 65535) throw new AddressError(`port ${port} is out of range`);
  return { host: host === 'localhost' ? '127.0.0.1' : host, port };
}
