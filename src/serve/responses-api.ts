// OpenAI's Responses API (`POST /v1/responses`), the subset current Codex CLI speaks with
// `wire_api = "responses"`: `instructions`, `input` items (messages, function calls and their
// outputs), function tools, `max_output_tokens`, sampling, and the SSE events Codex reads
// (`response.created`, `response.output_text.delta`, `response.output_item.done` with `message`
// and `function_call` items, `response.completed` with usage). Requests are translated into the
// Chat Completions request the rest of the endpoint already checks and generates for.
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { ApiError, invalidRequest } from './api-error';
import { parseChatRequest, type ChatRequest, type ServeLimits } from './chat-request';
import { sendJson } from './json-reply';
import type { ReplyModel } from './reply-model';
import { generateTurn, promptOf, type Turn } from './reply-turn';
import type { SelfTranscript } from './self-transcript';
import type { ToolCall } from './tool-calls';

type Body = Record<string, unknown>;

/** Chat Completions parameter names in errors, as the Responses request names them. */
const PARAMS: Record<string, string> = { messages: 'input', max_tokens: 'max_output_tokens' };

export function parseResponsesRequest(value: unknown, limits: ServeLimits): ChatRequest {
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw invalidRequest('The body must be a JSON object.');
  const body = value as Body;
  if (body.previous_response_id !== undefined && body.previous_response_id !== null)
    throw invalidRequest(
      "This server stores no responses: send the whole conversation in 'input'.",
      'previous_response_id',
    );
  const chat: Body = {
    messages: [...instructionMessages(body.instructions), ...inputMessages(body.input)],
    tools: functionTools(body.tools),
    max_tokens: body.max_output_tokens,
    temperature: body.temperature,
    top_p: body.top_p,
    stream: body.stream,
    steer: body.steer,
  };
  try {
    return parseChatRequest(chat, limits);
  } catch (err) {
    if (!(err instanceof ApiError) || err.param === null) throw err;
    const param = PARAMS[err.param.replace(/\[.*$/, '')];
    throw param ? new ApiError(err.status, err.type, err.code, err.message, param) : err;
  }
}

function instructionMessages(instructions: unknown): Body[] {
  if (instructions === undefined || instructions === null || instructions === '') return [];
  if (typeof instructions !== 'string') throw invalidRequest("'instructions' must be a string.", 'instructions');
  return [{ role: 'system', content: instructions }];
}

/** `input` as Chat Completions messages: a string is one user message; in a list, function calls
 *  join the assistant message before them and their outputs become tool messages. */
function inputMessages(input: unknown): Body[] {
  if (typeof input === 'string') return [{ role: 'user', content: input }];
  if (!Array.isArray(input) || !input.length)
    throw invalidRequest("'input' must be a string or a non-empty list of items.", 'input');
  const messages: Body[] = [];
  input.forEach((value: unknown, index) => {
    const item = (value ?? {}) as Body;
    const type = item.type ?? (item.role === undefined ? undefined : 'message');
    switch (type) {
      case 'message':
        messages.push({ role: item.role, content: itemText(item.content, `input[${index}].content`) });
        return;
      case 'function_call': {
        if (typeof item.name !== 'string' || typeof item.call_id !== 'string')
          throw invalidRequest('A function_call item needs a name and a call_id.', `input[${index}]`);
        const call = { id: item.call_id, type: 'function', function: { name: item.name, arguments: item.arguments } };
        const last = messages.at(-1);
        if (last?.role === 'assistant') last.tool_calls = [...((last.tool_calls as object[] | undefined) ?? []), call];
        else messages.push({ role: 'assistant', content: null, tool_calls: [call] });
        return;
      }
      case 'function_call_output':
        messages.push({
          role: 'tool',
          tool_call_id: item.call_id,
          content: itemText(item.output, `input[${index}].output`),
        });
        return;
      case 'reasoning':
        // Reasoning a client echoes back from another model: this model's prompt has no place for it.
        return;
      default:
        throw invalidRequest(`Input items of type '${String(type)}' are not supported.`, `input[${index}]`);
    }
  });
  return messages;
}

/** Text of a message's content or a call's output: a string, or its text parts. */
function itemText(content: unknown, param: string): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) throw invalidRequest('Content must be a string or a list of text parts.', param);
  return content
    .map((part: Body) => {
      if (!['input_text', 'output_text', 'text'].includes(part?.type as string) || typeof part.text !== 'string')
        throw invalidRequest('Only text content parts are supported.', param);
      return part.text;
    })
    .join('');
}

/** Function tools in the Chat Completions shape. Other tool types (web search, freeform custom
 *  tools) need a model trained for them: they are left out, and the model sees only functions. */
function functionTools(tools: unknown): object[] | undefined {
  if (tools === undefined || tools === null) return undefined;
  if (!Array.isArray(tools)) throw invalidRequest("'tools' must be a list.", 'tools');
  return tools
    .filter((tool: Body) => tool?.type === 'function')
    .map((tool: Body, index) => {
      if (typeof tool.name !== 'string') throw invalidRequest('A function tool needs a name.', `tools[${index}]`);
      return {
        type: 'function',
        function: { name: tool.name, description: tool.description, parameters: tool.parameters },
      };
    });
}

/** Answers a parsed Responses request, whole or as events. */
export async function respond(
  model: ReplyModel,
  request: ChatRequest,
  res: ServerResponse,
  transcript: SelfTranscript | undefined,
): Promise<void> {
  const promptIds = promptOf(model, request);
  const head = {
    id: `resp_${randomBytes(12).toString('hex')}`,
    created_at: Math.floor(Date.now() / 1000),
    model: model.id,
  };
  const events = request.stream ? new ResponseEvents(res, head) : undefined;
  let turn;
  try {
    turn = await generateTurn(model, request, promptIds, {
      id: head.id,
      res,
      transcript,
      onText: (piece) => events?.delta(piece),
    });
  } catch (err) {
    events?.fail(err);
    throw err;
  }
  if (events) events.finish(turn);
  else sendJson(res, 200, responseObject(head, turn, `msg_${randomBytes(12).toString('hex')}`, turn.content));
}

interface Head {
  id: string;
  created_at: number;
  model: string;
}

const messageItem = (id: string, text: string, status: 'in_progress' | 'completed') => ({
  id,
  type: 'message',
  status,
  role: 'assistant',
  content: status === 'completed' ? [outputText(text)] : [],
});

const outputText = (text: string) => ({ type: 'output_text', text, annotations: [] });

const functionCallItem = (call: ToolCall, status: 'in_progress' | 'completed') => ({
  id: `fc_${call.id.replace(/^call_/, '')}`,
  type: 'function_call',
  status,
  call_id: call.id,
  name: call.function.name,
  arguments: status === 'completed' ? call.function.arguments : '',
});

/** The whole response object, as returned or as `response.completed` carries it; `text` is the
 *  message's (none without text when the reply is only tool calls). */
function responseObject(head: Head, turn: Turn, messageId: string, text: string): object {
  const output = [
    ...(text || !turn.toolCalls.length ? [messageItem(messageId, text, 'completed')] : []),
    ...turn.toolCalls.map((call) => functionCallItem(call, 'completed')),
  ];
  const { promptTokens, completionTokens, cachedTokens } = turn.usage;
  return {
    ...base(head),
    status: turn.finishReason === 'length' ? 'incomplete' : 'completed',
    incomplete_details: turn.finishReason === 'length' ? { reason: 'max_output_tokens' } : null,
    output,
    usage: {
      input_tokens: promptTokens,
      input_tokens_details: { cached_tokens: cachedTokens },
      output_tokens: completionTokens,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: promptTokens + completionTokens,
    },
    // What this turn ran with, beyond OpenAI's fields (clients ignore unknown fields).
    agent_vitals: { steering: turn.steering },
  };
}

const base = (head: Head) => ({ ...head, object: 'response', error: null });

/** A response streamed as server-sent events, in the order OpenAI sends them: the message item
 *  opens at the first text, function calls follow when the reply is complete. */
export class ResponseEvents {
  private sequence = 0;
  private text?: string;
  readonly messageId = `msg_${randomBytes(12).toString('hex')}`;

  constructor(
    private readonly res: ServerResponse,
    private readonly head: Head,
  ) {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    const response = { ...base(head), status: 'in_progress', output: [], usage: null };
    this.event('response.created', { response });
    this.event('response.in_progress', { response });
  }

  delta(piece: string): void {
    this.open();
    this.text += piece;
    this.event('response.output_text.delta', { ...this.at(), delta: piece });
  }

  finish(turn: Turn): void {
    if (turn.unsent) this.delta(turn.unsent);
    // A reply of neither text nor calls is one empty message, as in a whole response.
    else if (!turn.toolCalls.length) this.open();
    if (this.text !== undefined) {
      this.event('response.output_text.done', { ...this.at(), text: this.text });
      this.event('response.content_part.done', { ...this.at(), part: outputText(this.text) });
      this.event('response.output_item.done', {
        output_index: 0,
        item: messageItem(this.messageId, this.text, 'completed'),
      });
    }
    const first = this.text === undefined ? 0 : 1;
    turn.toolCalls.forEach((call, i) => {
      const output_index = first + i;
      const item = functionCallItem(call, 'in_progress');
      this.event('response.output_item.added', { output_index, item });
      const at = { item_id: item.id, output_index };
      this.event('response.function_call_arguments.delta', { ...at, delta: call.function.arguments });
      this.event('response.function_call_arguments.done', { ...at, arguments: call.function.arguments });
      this.event('response.output_item.done', { output_index, item: functionCallItem(call, 'completed') });
    });
    this.event('response.completed', { response: responseObject(this.head, turn, this.messageId, this.text ?? '') });
    this.res.end();
  }

  /** Generation failed after the stream began: Codex and the SDK read the failure from `response.failed`. */
  fail(err: unknown): void {
    const error =
      err instanceof ApiError
        ? { code: err.code, message: err.message }
        : { code: 'server_error', message: err instanceof Error ? err.message : String(err) };
    this.event('response.failed', {
      response: { ...base(this.head), status: 'failed', error, output: [], usage: null },
    });
    this.res.end();
  }

  /** Opens the message item at its first text. */
  private open(): void {
    if (this.text !== undefined) return;
    this.text = '';
    this.event('response.output_item.added', { output_index: 0, item: messageItem(this.messageId, '', 'in_progress') });
    this.event('response.content_part.added', { ...this.at(), part: outputText('') });
  }

  private at() {
    return { item_id: this.messageId, output_index: 0, content_index: 0 };
  }

  private event(type: string, fields: object): void {
    const data = { type, sequence_number: this.sequence++, ...fields };
    this.res.write(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
  }
}
