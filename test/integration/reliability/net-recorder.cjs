// Preload (`node --require`) that records every attempt to reach the network — TCP connects,
// listening sockets, DNS lookups — as JSON lines in $AV_NET_LOG, then lets it proceed. The
// privacy tests run the host and the sidecar under it and read the log.
'use strict';
const { appendFileSync } = require('node:fs');
const net = require('node:net');
const dns = require('node:dns');

const logFile = process.env.AV_NET_LOG;
function record(kind, detail) {
  if (logFile) appendFileSync(logFile, JSON.stringify({ pid: process.pid, kind, ...detail }) + '\n');
}

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  const options =
    typeof first === 'object' && first !== null
      ? first
      : { port: first, host: typeof args[1] === 'string' ? args[1] : undefined };
  if (options.path === undefined) record('connect', { host: options.host ?? 'localhost', port: Number(options.port) });
  return connect.apply(this, args);
};

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  record('listen', {
    args: args
      .filter((a) => typeof a !== 'function')
      .map((a) => (typeof a === 'object' ? JSON.stringify(a) : String(a))),
  });
  return listen.apply(this, args);
};

for (const name of ['lookup', 'resolve', 'resolve4', 'resolve6', 'resolveAny']) {
  const original = dns[name];
  dns[name] = function (host, ...rest) {
    record('dns', { host });
    return original.call(this, host, ...rest);
  };
  const originalPromise = dns.promises[name];
  dns.promises[name] = function (host, ...rest) {
    record('dns', { host });
    return originalPromise.call(this, host, ...rest);
  };
}
