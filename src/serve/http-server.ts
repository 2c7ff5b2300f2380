// The OpenAI-compatible HTTP endpoint: `/v1/models`, `/v1/chat/completions` and `/v1/responses`
// (whole replies or SSE streams), behind a bearer key and request limits, on any ReplyModel.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ApiError, invalidRequest } from './api-error';
import { bearerMatches } from './api-key';
import { parseChatRequest, type ChatRequest, type ServeLimits } from './chat-request';
import type { ReplyModel } from './reply-model';
import { sendJson } from './json-reply';
import { generateTurn, promptOf } from './reply-turn';
import { parseResponsesRequest, respond } from './responses-api';
import { SteerSpecError } from './steer-option';
import type { SelfTranscript } from './self-transcript';

export interface EndpointOptions {
  key: string;
  limits: ServeLimits;
  /** Where each finished turn is recorded with the model's own readings. */
  transcript?: SelfTranscript;
}

type Answer = (
  model: ReplyModel,
  request: ChatRequest,
  res: ServerResponse,
  transcript: SelfTranscript | undefined,
) => Promise<void>;

/** The generating routes: each reads its API's request into a ChatRequest and answers in kind. */
const API_ROUTES: Record<
  string,
  { parse: (body: unknown, limits: ServeLimits) => ChatRequest; answer: Answer } | undefined
> = {
  'POST /v1/chat/completions': { parse: parseChatRequest, answer: complete },
  'POST /v1/responses': { parse: parseResponsesRequest, answer: respond },
};

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
      const api = API_ROUTES[route];
      if (!api) throw new ApiError(404, 'invalid_request_error', 'unknown_url', `No route ${route}.`);
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
        const request = api.parse(await readJson(req, options.limits.maxBodyBytes), options.limits);
        await api.answer(model, request, res, options.transcript);
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

async function complete(...[model, request, res, transcript]: Parameters<Answer>): Promise<void> {
  const promptIds = promptOf(model, request);
  const id = `chatcmpl-${randomBytes(12).toString('hex')}`;
  const head = { id, created: Math.floor(Date.now() / 1000), model: model.id };
  const stream = request.stream ? new ChunkStream(res, head) : undefined;
  stream?.send({ role: 'assistant', content: '' });
  const turn = await generateTurn(model, request, promptIds, {
    id,
    res,
    transcript,
    onText: (piece) => stream?.send({ content: piece }),
  });
  const { promptTokens, completionTokens, cachedTokens } = turn.usage;
  const usage = {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: cachedTokens },
  };
  // What this turn ran with, beyond OpenAI's fields (clients ignore unknown fields).
  const vitals = { agent_vitals: { steering: turn.steering } };
  if (stream) {
    if (turn.unsent) stream.send({ content: turn.unsent });
    if (turn.toolCalls.length) stream.send({ tool_calls: turn.toolCalls.map((call, index) => ({ index, ...call })) });
    stream.send({}, turn.finishReason, vitals);
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
          content: turn.content || (turn.toolCalls.length ? null : ''),
          ...(turn.toolCalls.length ? { tool_calls: turn.toolCalls } : {}),
        },
        finish_reason: turn.finishReason,
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
