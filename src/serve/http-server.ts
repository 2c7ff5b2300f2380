// The OpenAI-compatible HTTP endpoint: `/v1/models` and `/v1/chat/completions` (whole replies or
// SSE streams), behind a bearer key and request limits, on any ReplyModel.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ApiError, invalidRequest } from './api-error';
import { bearerMatches } from './api-key';
import { parseChatRequest, type ChatRequest, type ServeLimits } from './chat-request';
import type { ReplyModel } from './reply-model';
import { SteerSpecError } from './steer-option';
import type { SelfTranscript } from './self-transcript';
import { ReplyText } from './text-stream';
import { splitToolCalls, type ToolCall } from './tool-calls';

export interface EndpointOptions {
  key: string;
  limits: ServeLimits;
  /** Where each finished turn is recorded with the model's own readings. */
  transcript?: SelfTranscript;
}

export function createEndpoint(model: ReplyModel, options: EndpointOptions): Server {
  let active = 0;
  const created = Math.floor(Date.now() / 1000);
  return createServer((req, res) => {
    const route = `${req.method ?? ''} ${(req.url ?? '').split('?')[0]}`;
    const handle = async (): Promise<void> => {
      if (!bearerMatches(req.headers.authorization, options.key)) {
        throw new ApiError(
          401,
          'authentication_error',
          'invalid_api_key',
          'Missing or incorrect API key: send it as "Authorization: Bearer <key>".',
        );
      }
      if (route === 'GET /v1/models')
        return sendJson(res, 200, {
          object: 'list',
          data: [{ id: model.id, object: 'model', created, owned_by: 'agent-vitals' }],
        });
      if (route !== 'POST /v1/chat/completions')
        throw new ApiError(404, 'invalid_request_error', 'unknown_url', `No route ${route}.`);
      if (active >= options.limits.maxConcurrent) {
        throw new ApiError(
          429,
          'rate_limit_error',
          'too_many_requests',
          `This server handles ${options.limits.maxConcurrent} requests at once; retry when one finishes.`,
        );
      }
      active++;
      try {
        const request = parseChatRequest(await readJson(req, options.limits.maxBodyBytes), options.limits);
        await complete(model, request, res, options.transcript);
      } finally {
        active--;
      }
    };
    handle().catch((err: unknown) => sendError(res, err));
  });
}

async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const tooLarge = () =>
    new ApiError(
      413,
      'invalid_request_error',
      'request_too_large',
      `The request body is over this server's limit of ${limit} bytes.`,
    );
  if (Number(req.headers['content-length'] ?? 0) > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge();
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw invalidRequest('The body is not valid JSON.', null, 'invalid_json');
  }
}

async function complete(
  model: ReplyModel,
  request: ChatRequest,
  res: ServerResponse,
  transcript: SelfTranscript | undefined,
): Promise<void> {
  const promptIds = model.promptIds(request.messages, request.tools);
  const room = model.contextLimit - promptIds.length;
  if (room < 1) {
    throw invalidRequest(
      `The prompt is ${promptIds.length} tokens; this model's context holds ${model.contextLimit}.`,
      'messages',
      'context_length_exceeded',
    );
  }
  // A client that hangs up stops generation at the next token.
  const hangUp = new AbortController();
  res.on('close', () => hangUp.abort());
  const id = `chatcmpl-${randomBytes(12).toString('hex')}`;
  const head = { id, created: Math.floor(Date.now() / 1000), model: model.id };
  const text = new ReplyText(request.stop, request.tools.length > 0);
  const stream = request.stream ? new ChunkStream(res, head) : undefined;
  stream?.send({ role: 'assistant', content: '' });
  const ids: number[] = [];
  const generation = await model.generate(
    promptIds,
    {
      maxTokens: Math.min(request.maxTokens, room),
      temperature: request.temperature,
      topP: request.topP,
      seed: request.seed,
      steer: request.steer,
      signal: hangUp.signal,
    },
    (token) => {
      ids.push(token);
      const piece = text.update(model.decode(ids));
      if (piece) stream?.send({ content: piece });
      return !text.stopped;
    },
  );
  const { full, rest } = text.finish(model.decode(ids));
  const reply = request.tools.length ? splitToolCalls(full) : { content: full, toolCalls: [] as ToolCall[] };
  const finishReason = reply.toolCalls.length ? 'tool_calls' : text.stopped ? 'stop' : generation.finish;
  const usage = {
    prompt_tokens: promptIds.length,
    completion_tokens: generation.ids.length,
    total_tokens: promptIds.length + generation.ids.length,
    prompt_tokens_details: { cached_tokens: generation.cachedTokens },
  };
  transcript?.turn({
    id,
    input: request.messages.at(-1) ?? null,
    content: reply.content,
    toolCalls: reply.toolCalls,
    finishReason,
    promptTokens: promptIds.length,
    cachedTokens: generation.cachedTokens,
    steering: generation.steering,
    tokens: model.pieces(generation.ids),
    reading: generation.selfReading,
  });
  // What this turn ran with, beyond OpenAI's fields (clients ignore unknown fields).
  const vitals = { agent_vitals: { steering: generation.steering } };
  if (stream) {
    const unsent = request.tools.length ? splitToolCalls(rest) : { content: rest, toolCalls: [] };
    if (unsent.content) stream.send({ content: unsent.content });
    if (reply.toolCalls.length) stream.send({ tool_calls: reply.toolCalls.map((call, index) => ({ index, ...call })) });
    stream.send({}, finishReason, vitals);
    if (request.includeUsage) stream.write({ ...stream.envelope, choices: [], usage });
    stream.end();
    return;
  }
  sendJson(res, 200, {
    ...head,
    object: 'chat.completion',
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: reply.content || (reply.toolCalls.length ? null : ''),
          ...(reply.toolCalls.length ? { tool_calls: reply.toolCalls } : {}),
        },
        finish_reason: finishReason,
        logprobs: null,
      },
    ],
    usage,
    ...vitals,
  });
}

/** Server-sent `chat.completion.chunk` events, ended by `data: [DONE]`. */
class ChunkStream {
  readonly envelope: object;

  constructor(
    private readonly res: ServerResponse,
    head: { id: string; created: number; model: string },
  ) {
    this.envelope = { ...head, object: 'chat.completion.chunk' };
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
  }

  send(delta: object, finishReason: string | null = null, extra: object = {}): void {
    this.write({
      ...this.envelope,
      choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }],
      ...extra,
    });
  }

  write(event: object): void {
    this.res.write(`data: ${JSON.stringify(event)}\n\n`);
  }

  end(): void {
    this.res.end('data: [DONE]\n\n');
  }
}

function sendJson(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, err: unknown): void {
  const error =
    err instanceof ApiError
      ? err
      : err instanceof SteerSpecError
        ? invalidRequest(err.message, 'steer')
        : new ApiError(500, 'server_error', 'internal_error', err instanceof Error ? err.message : String(err));
  // Mid-stream, the error goes out as one more event; OpenAI's client raises it.
  if (res.headersSent) {
    if (!res.writableEnded) res.end(`data: ${JSON.stringify(error.body())}\n\n`);
    return;
  }
  sendJson(res, error.status, error.body());
}
