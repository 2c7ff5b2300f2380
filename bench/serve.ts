// `agent-vitals serve --http` as agents use it, over HTTP with the official `openai` client and
// streaming (so time to first token is what a client sees). Two server processes on the same
// model and the same steer graph: "self" has emotion vectors, so it reads every prompt and
// generated token on them and writes its transcript, and each request steers it (--steer);
// "plain" has no vectors, so it only generates. Rounds alternate between them so both see the
// same background load. The random 0.5B-shaped model (`make_models.py --bench`) gets random unit
// vectors: speed does not depend on their values.
//
//   node --import tsx bench/serve.ts [--model bench/models/qwen2.5-0.5b-shape] [--threads 2]
//     [--tokens 24] [--rounds 6] [--prompt 4000] [--ttft-rounds 2] [--steer calm:+0.1]
//     [--out bench/results/serve.json]
//   node --import tsx bench/serve.ts --quick    # smoke test on fixture:emotion-tiny, writes nothing
import { spawn, type ChildProcess } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import OpenAI from 'openai';
import { readVectorFile } from '../src/emotion/vectors';
import { readModelConfig } from '../src/model-store/model-config';
import { resolveModel } from '../src/model-store/model-store';
import { ModelTokenizer } from '../src/model/chat-tokenizer';
import { defaultProbeLayer, identifyModel } from '../src/model/loaded-model';
import { findVectors, SHIPPED_VECTORS_FILE } from '../src/model/loaded-vectors';
import { machineReport } from './machine';
import { ensureTokenizer, writeRandomVectors } from './bench-model';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    model: { type: 'string' },
    threads: { type: 'string', default: '2' },
    tokens: { type: 'string' },
    rounds: { type: 'string' },
    prompt: { type: 'string' },
    'ttft-rounds': { type: 'string' },
    steer: { type: 'string', default: 'calm:+0.1' },
    out: { type: 'string' },
  },
});
const quick = args.quick!;
const setting = (name: keyof typeof args, full: number, smoke: number) =>
  args[name] === undefined ? (quick ? smoke : full) : Number(args[name]);
const modelArg = args.model ?? (quick ? 'fixture:emotion-tiny' : 'bench/models/qwen2.5-0.5b-shape');
const threads = Number(args.threads);
const tokens = setting('tokens', 24, 8);
const rounds = setting('rounds', 6, 2);
const promptTokens = setting('prompt', 4000, 300);
const ttftRounds = setting('ttft-rounds', 2, 1);
const out = args.out ?? (quick ? undefined : 'bench/results/serve.json');
const KEY = 'bench-key-0123456789';
const cacheRoot = resolve(quick ? mkdtempSync(join(tmpdir(), 'av-serve-bench-')) : 'bench/models/.serve-cache');
// The emotions the product calibrates, from the demo model's vectors.
const EMOTIONS = readVectorFile('test/fixtures/models/emotion-tiny/agent-vitals-vectors.avv').header.emotions;

function log(line: string): void {
  process.stderr.write(`[bench:serve] ${line}\n`);
}

interface Server {
  name: 'plain' | 'self';
  child: ChildProcess;
  client: OpenAI;
}

/** CPU time (user + system) a process has used so far, from /proc, in ms. */
function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime are fields 14 and 15 of the stat line, in clock ticks of 10 ms.
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function startServer(name: Server['name'], model: string, cacheDir: string): Promise<Server> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/cli/main.ts',
      'serve',
      '--http',
      '127.0.0.1:0',
      '--model',
      model,
      '--offline',
      '--cache-dir',
      cacheDir,
      '--threads',
      String(threads),
    ],
    { env: { ...process.env, AGENT_VITALS_API_KEY: KEY }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const printed = await new Promise<string>((done, fail) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (/API key.*\n/.test(stdout)) done(stdout);
    });
    child.once('exit', (code) => fail(new Error(`${name} server exited ${code}: ${stderr}`)));
  });
  const reads = !/no calibrated vectors/.test(printed);
  if (reads !== (name === 'self'))
    throw new Error(`the ${name} server ${reads ? 'has' : 'lacks'} vectors:\n${printed}`);
  const url = /at (http:\/\/\S+\/v1)/.exec(printed)![1]!;
  log(`${name}: ${printed.trim().split('\n').slice(0, 2).join('; ')}`);
  return { name, child, client: new OpenAI({ baseURL: url, apiKey: KEY, maxRetries: 0, timeout: 600_000 }) };
}

function stopServer(server: Server): Promise<void> {
  return new Promise((done) => {
    if (server.child.exitCode !== null) return done();
    server.child.once('exit', () => done());
    server.child.kill('SIGINT');
  });
}

/** The model folder without a shipped vector file: links to everything else in it. */
function withoutShippedVectors(folder: string): string {
  if (!existsSync(join(folder, SHIPPED_VECTORS_FILE))) return folder;
  const copy = join(cacheRoot, 'plain-model');
  mkdirSync(copy, { recursive: true });
  for (const entry of readdirSync(folder))
    if (entry !== SHIPPED_VECTORS_FILE) symlinkSync(join(folder, entry), join(copy, entry));
  return copy;
}

interface Streamed {
  /** From sending the request to the first text chunk. */
  ttftMs: number;
  /** From the first text chunk to the last. */
  decodeMs: number;
  completionTokens: number;
  promptTokens: number;
  cachedTokens: number;
  cpuMs: number;
  content: string;
}

async function streamed(server: Server, body: OpenAI.ChatCompletionCreateParamsStreaming): Promise<Streamed> {
  const cpu = cpuMsOf(server.child.pid!);
  const start = performance.now();
  let first: number | undefined;
  let last = start;
  let content = '';
  let usage: OpenAI.CompletionUsage | undefined;
  const stream = await server.client.chat.completions.create({ ...body, stream_options: { include_usage: true } });
  for await (const chunk of stream) {
    const piece = chunk.choices[0]?.delta.content;
    if (piece) {
      first ??= performance.now();
      last = performance.now();
      content += piece;
    }
    usage = chunk.usage ?? usage;
  }
  if (first === undefined || !usage) throw new Error(`${server.name}: the stream carried no text or no usage`);
  return {
    ttftMs: first - start,
    decodeMs: last - first,
    completionTokens: usage.completion_tokens,
    promptTokens: usage.prompt_tokens,
    cachedTokens: usage.prompt_tokens_details?.cached_tokens ?? 0,
    cpuMs: cpuMsOf(server.child.pid!) - cpu,
    content,
  };
}

const WORDS =
  'the test keeps failing and the deadline is close so I will try another way to make it pass before review'.split(' ');

/** A user message of about `n` tokens, opened by `tag` so that no two prompts share a cached prefix. */
function text(tokenizer: ModelTokenizer, tag: string, n: number): string {
  const words = (count: number) =>
    `${tag}: ${Array.from({ length: count }, (_, i) => WORDS[i % WORDS.length]).join(' ')}`;
  const perWord = tokenizer.encode(words(100)).length / 100;
  return words(Math.round(n / perWord));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  return Number.isInteger(mid) ? (sorted[mid - 1]! + sorted[mid]!) / 2 : sorted[Math.floor(mid)]!;
}

async function generationRounds(servers: Server[], tokenizer: ModelTokenizer) {
  const rates: Record<string, number[]> = { plain: [], self: [] };
  const cpuPerToken: Record<string, number[]> = { plain: [], self: [] };
  for (let round = 0; round <= rounds; round++) {
    for (const server of servers) {
      const run = await streamed(server, {
        model: 'any',
        messages: [{ role: 'user', content: text(tokenizer, `round ${round} ${server.name}`, 40) }],
        max_tokens: tokens,
        temperature: 0,
        stream: true,
        ...(server.name === 'self' ? { steer: args.steer } : {}),
      } as OpenAI.ChatCompletionCreateParamsStreaming);
      // A rate needs two tokens (the random benchmark model always writes all of them).
      if (run.completionTokens < 2) throw new Error(`${server.name} stopped after ${run.completionTokens} token`);
      const rate = (run.completionTokens - 1) / (run.decodeMs / 1000);
      log(
        `round ${round} ${server.name}: ${rate.toFixed(2)} tok/s, ${(run.cpuMs / run.completionTokens).toFixed(0)} cpu ms/token`,
      );
      // Round 0 loads the steer graph and measures the steering yardstick: not timed.
      if (round === 0) continue;
      rates[server.name]!.push(rate);
      cpuPerToken[server.name]!.push(run.cpuMs / run.completionTokens);
    }
  }
  const plain = median(rates.plain!);
  const self = median(rates.self!);
  return {
    tokensPerRound: tokens,
    rounds,
    plain: { tokensPerS: rates.plain, medianTokensPerS: plain, medianCpuMsPerToken: median(cpuPerToken.plain!) },
    self: { tokensPerS: rates.self, medianTokensPerS: self, medianCpuMsPerToken: median(cpuPerToken.self!) },
    /** Self-reading and steering's speed as a share of plain generation's: the median of each
     *  round's ratio (the two runs of a round are back to back, so they share the load). */
    ratio: median(rates.self!.map((rate, i) => rate / rates.plain![i]!)),
    cpuRatio: median(cpuPerToken.self!) / median(cpuPerToken.plain!),
  };
}

/** A cold ~`promptTokens` prompt, then the conversation's next turn, which extends it. */
async function firstTokenTimes(servers: Server[], tokenizer: ModelTokenizer) {
  const result: Record<string, { coldMs: number[]; warmMs: number[]; promptTokens: number[]; cachedTokens: number[] }> =
    {};
  for (let round = 0; round < ttftRounds; round++) {
    for (const server of servers) {
      const steer = server.name === 'self' ? { steer: args.steer } : {};
      const messages: OpenAI.ChatCompletionMessageParam[] = [
        { role: 'system', content: 'You are a coding agent working in a large repository.' },
        { role: 'user', content: text(tokenizer, `ttft ${round} ${server.name}`, promptTokens - 30) },
      ];
      const request = { model: 'any', max_tokens: 1, temperature: 0, stream: true, ...steer };
      const cold = await streamed(server, { ...request, messages } as OpenAI.ChatCompletionCreateParamsStreaming);
      const next: OpenAI.ChatCompletionMessageParam[] = [
        ...messages,
        { role: 'assistant', content: cold.content },
        { role: 'user', content: 'The tests still fail. What next?' },
      ];
      const warm = await streamed(server, { ...request, messages: next } as OpenAI.ChatCompletionCreateParamsStreaming);
      if (cold.cachedTokens !== 0 || warm.cachedTokens < cold.promptTokens)
        throw new Error(
          `${server.name}: cached ${cold.cachedTokens} cold, ${warm.cachedTokens} warm of ${cold.promptTokens}`,
        );
      log(
        `ttft ${server.name}: ${cold.promptTokens} tokens cold ${cold.ttftMs.toFixed(0)} ms; next turn (${warm.promptTokens - warm.cachedTokens} new) ${warm.ttftMs.toFixed(0)} ms`,
      );
      const entry = (result[server.name] ??= { coldMs: [], warmMs: [], promptTokens: [], cachedTokens: [] });
      entry.coldMs.push(cold.ttftMs);
      entry.warmMs.push(warm.ttftMs);
      entry.promptTokens.push(cold.promptTokens);
      entry.cachedTokens.push(warm.cachedTokens);
    }
  }
  return result;
}

async function main(): Promise<void> {
  const loadAverageAtStart = loadavg();
  const model = modelArg.startsWith('fixture:') ? modelArg : resolve(modelArg);
  if (!model.startsWith('fixture:') && !existsSync(model)) {
    log(`no benchmark model at ${model}. Generate it with:\n  python3 scripts/fixtures/make_models.py --bench`);
    process.exit(1);
  }
  const selfCache = join(cacheRoot, 'self');
  const plainCache = join(cacheRoot, 'plain');
  mkdirSync(join(selfCache, 'graphs'), { recursive: true });
  mkdirSync(plainCache, { recursive: true });
  // Both servers derive and find the same steer graph.
  if (!existsSync(join(plainCache, 'graphs'))) symlinkSync(join(selfCache, 'graphs'), join(plainCache, 'graphs'));

  const resolved = await resolveModel(model, { dtype: 'fp32', cacheDir: selfCache, offline: true });
  const config = readModelConfig(resolved.folder);
  const { vocab_size: vocabSize } = JSON.parse(readFileSync(join(resolved.folder, 'config.json'), 'utf8')) as {
    vocab_size: number;
  };
  ensureTokenizer(resolved.folder, vocabSize);
  const identity = await identifyModel(model, resolved, selfCache);
  if (!findVectors(identity, selfCache, config.hiddenSize, undefined, resolved.folder).loaded) {
    const layer = defaultProbeLayer(config.numHiddenLayers!);
    const shape = { hiddenSize: config.hiddenSize!, numLayers: config.numHiddenLayers! };
    log(`random vectors at layer ${layer}: ${writeRandomVectors(selfCache, identity, shape, layer, EMOTIONS)}`);
  }
  const servers: Server[] = [];
  try {
    servers.push(await startServer('plain', withoutShippedVectors(resolved.folder), plainCache));
    servers.push(await startServer('self', model, selfCache));
    const tokenizer = await ModelTokenizer.load(resolved.folder);
    const generation = await generationRounds(servers, tokenizer);
    const ttft = await firstTokenTimes(servers, tokenizer);
    const report = {
      date: new Date().toISOString(),
      machine: machineReport(loadAverageAtStart),
      // As given, so the results name no folder of the machine that ran them.
      model: modelArg,
      threads,
      steer: args.steer,
      generation,
      ttft,
    };
    if (out) {
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, JSON.stringify(report, null, 2) + '\n');
    }
    const ms = (values: number[]) => `${(median(values) / 1000).toFixed(2)} s`;
    process.stdout.write(
      [
        '',
        `| measure (${report.machine.cpus} CPUs, ${threads} threads, load ${loadAverageAtStart[0]!.toFixed(1)} → ${report.machine.loadAverageAtEnd[0]!.toFixed(1)}) | plain | self-reading + ${args.steer} | ratio |`,
        '| --- | --- | --- | --- |',
        `| generation, tok/s (median of ${rounds} rounds × ${tokens} tokens; ratio: median of the rounds' ratios) | ${generation.plain.medianTokensPerS.toFixed(2)} | ${generation.self.medianTokensPerS.toFixed(2)} | ${generation.ratio.toFixed(3)} |`,
        `| CPU ms per generated token | ${generation.plain.medianCpuMsPerToken.toFixed(0)} | ${generation.self.medianCpuMsPerToken.toFixed(0)} | ${generation.cpuRatio.toFixed(3)} |`,
        `| time to first token, ${ttft.self!.promptTokens[0]}-token prompt, cold | ${ms(ttft.plain!.coldMs)} | ${ms(ttft.self!.coldMs)} | ${(median(ttft.self!.coldMs) / median(ttft.plain!.coldMs)).toFixed(3)} |`,
        `| time to first token, next turn on a warm prefix cache | ${ms(ttft.plain!.warmMs)} | ${ms(ttft.self!.warmMs)} | ${(median(ttft.self!.warmMs) / median(ttft.plain!.warmMs)).toFixed(3)} |`,
        out ? `\nresults: ${out}` : '',
        '',
      ].join('\n'),
    );
  } finally {
    await Promise.all(servers.map((server) => stopServer(server)));
    if (quick) rmSync(cacheRoot, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
