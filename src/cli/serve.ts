// `agent-vitals serve`: the model sidecar on stdio (JSON-RPC, the extension's protocol), or with
// --http an OpenAI-compatible endpoint on loopback that serves the model to local agents.
import type { AddressInfo } from 'node:net';
import type { CliCommand, CliIO } from './commands';
import { readModelConfig } from '../model-store/model-config';
import {
  interruptSignal,
  MODEL_OPTIONS,
  MODEL_USAGE,
  parseModelArgs,
  resolveModelArgs,
  UsageError,
} from './model-args';
import { API_KEY_ENV, apiKeyPath, resolveApiKey } from '../serve/api-key';
import { DEFAULT_LIMITS, type ServeLimits } from '../serve/chat-request';
import { ControlledReplyModel } from '../serve/controlled-reply-model';
import { removeEndpointFile, serveFolder, writeEndpointFile } from '../storage/serve-endpoint';
import { createEndpoint } from '../serve/http-server';
import { AddressError, parseLoopbackAddress } from '../serve/loopback';
import { LocalReplyModel } from '../serve/reply-model';
import { SelfTranscript, selfTranscriptPath } from '../serve/self-transcript';
import { parseSteer, SteerSpecError } from '../serve/steer-option';
import { findVectors } from '../model/loaded-vectors';
import { identifyModel, LoadedModel } from '../model/loaded-model';
import { runSidecarOnStdio } from '../sidecar/stdio';

function positiveInteger(values: Record<string, unknown>, name: string, fallback: number): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new UsageError(`--${name} takes a positive integer`);
  return value;
}

async function serveHttp(values: Record<string, unknown>, io: CliIO): Promise<number> {
  let address;
  let args;
  let limits: ServeLimits;
  let steer;
  try {
    steer = parseSteer((values.steer as string | undefined) ?? 'off');
    address = parseLoopbackAddress(values.http as string);
    args = parseModelArgs(values);
    limits = {
      maxBodyBytes: positiveInteger(values, 'max-body-bytes', DEFAULT_LIMITS.maxBodyBytes),
      maxTokens: positiveInteger(values, 'max-tokens', DEFAULT_LIMITS.maxTokens),
      maxConcurrent: positiveInteger(values, 'max-concurrent', DEFAULT_LIMITS.maxConcurrent),
    };
  } catch (err) {
    if (err instanceof AddressError || err instanceof UsageError || err instanceof SteerSpecError) {
      io.stderr.write(`agent-vitals serve: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const interrupt = interruptSignal();
  const resolved = await resolveModelArgs(args, io.stderr, false, interrupt.signal);
  // Vectors are optional: without them the endpoint serves but cannot steer.
  const identity = await identifyModel(args.model, resolved, args.cacheDir);
  const { loaded: vectors, problem } = findVectors(
    identity,
    args.cacheDir,
    readModelConfig(resolved.folder).hiddenSize,
    undefined,
    resolved.folder,
  );
  if (problem) io.stderr.write(`${problem}\n`);
  const loaded = await LoadedModel.open(args.model, resolved, {
    vectors,
    threads: args.threads,
    cacheDir: args.cacheDir,
  });
  let model: LocalReplyModel;
  try {
    model = new LocalReplyModel(loaded, steer);
  } catch (err) {
    await loaded.release();
    if (!(err instanceof SteerSpecError)) throw err;
    io.stderr.write(`agent-vitals serve: ${err.message}\n`);
    return 2;
  }
  const { key, generated } = resolveApiKey(args.cacheDir);
  const startedAt = new Date();
  const transcript = new SelfTranscript(
    selfTranscriptPath(args.cacheDir, startedAt),
    args.model,
    startedAt,
    vectors?.info.live,
  );
  const folder = serveFolder(args.cacheDir);
  const served = new ControlledReplyModel(model, folder, (message) => io.stderr.write(`${message}\n`));
  const server = createEndpoint(served, { key, limits, transcript });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(address.port, address.host, resolve);
    });
    const { port } = server.address() as AddressInfo;
    const host = address.host.includes(':') ? `[${address.host}]` : address.host;
    const url = `http://${host}:${port}/v1`;
    io.stdout.write(`serving ${args.model} at ${url}\n`);
    writeEndpointFile(folder, {
      url,
      pid: process.pid,
      model: args.model,
      transcript: transcript.path,
      startedAt: startedAt.toISOString(),
    });
    io.stdout.write(
      `own-activations transcript: ${transcript.path}${vectors ? '' : ' (no calibrated vectors: turns without readings)'}\n`,
    );
    io.stdout.write(
      generated ? `API key (stored in ${apiKeyPath(args.cacheDir)}): ${key}\n` : `API key: from ${API_KEY_ENV}\n`,
    );
    await new Promise<void>((resolve) => interrupt.signal.addEventListener('abort', () => resolve(), { once: true }));
  } finally {
    removeEndpointFile(folder, process.pid);
    interrupt.dispose();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    model.release();
    await loaded.release();
  }
  return 0;
}

export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'run the model sidecar on stdio (JSON-RPC), or with --http an OpenAI-compatible endpoint on loopback',
  usage: `[--http 127.0.0.1:<port> ${MODEL_USAGE} [--max-tokens n (default ${DEFAULT_LIMITS.maxTokens})] [--max-concurrent n (default ${DEFAULT_LIMITS.maxConcurrent})] [--max-body-bytes n (default ${DEFAULT_LIMITS.maxBodyBytes})] [--steer emotion:±α|off (default off)]]`,
  options: {
    ...MODEL_OPTIONS,
    http: { type: 'string' },
    'max-tokens': { type: 'string' },
    'max-concurrent': { type: 'string' },
    'max-body-bytes': { type: 'string' },
    steer: { type: 'string' },
  },
  async run(values, _positionals, io) {
    if (values.http !== undefined) return serveHttp(values, io);
    runSidecarOnStdio();
    // Keep running until the client sends shutdown or closes stdin.
    await new Promise<never>(() => undefined);
    return 0;
  },
};
