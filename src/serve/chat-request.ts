// A `/v1/chat/completions` body checked and turned into what generation needs. Tool traffic in
// the history is written back in the model's own format so the template sees plain turns.
import type { ChatMessage } from '../contracts/rpc-methods';
import { invalidRequest } from './api-error';
import { parseSteer, SteerSpecError, type SteerChoice } from './steer-option';
import { toolCallBlock, toolResponseBlock } from './tool-calls';

export interface ServeLimits {
  /** Largest request body accepted, in bytes. */
  maxBodyBytes: number;
  /** Most tokens one reply may generate (and the default when a request names none). */
  maxTokens: number;
  /** Requests handled at once; more are refused with 429. */
  maxConcurrent: number;
}

export const DEFAULT_LIMITS: ServeLimits = { maxBodyBytes: 1 << 20, maxTokens: 2048, maxConcurrent: 4 };

export interface ChatRequest {
  messages: ChatMessage[];
  tools: object[];
  maxTokens: number;
  temperature: number;
  topP: number;
  stop: string[];
  seed: number;
  stream: boolean;
  includeUsage: boolean;
  /** Agent Vitals' extension: `emotion:±α` or `off`; absent = the server's default. */
  steer?: SteerChoice | null;
}

type Body = Record<string, unknown>;

export function parseChatRequest(value: unknown, limits: ServeLimits): ChatRequest {
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw invalidRequest('The body must be a JSON object.');
  const body = value as Body;
  if (!Array.isArray(body.messages) || !body.messages.length)
    throw invalidRequest("'messages' must be a non-empty array.", 'messages');
  const maxTokens =
    optionalNumber(
      body,
      body.max_completion_tokens === undefined ? 'max_tokens' : 'max_completion_tokens',
      1,
      Infinity,
      true,
    ) ?? limits.maxTokens;
  if (maxTokens > limits.maxTokens)
    throw invalidRequest(
      `max_tokens is ${maxTokens}; this server generates at most ${limits.maxTokens} tokens per reply.`,
      'max_tokens',
    );
  const n = optionalNumber(body, 'n', 1, 1, true);
  if (n !== undefined && n !== 1) throw invalidRequest('Only n = 1 is supported.', 'n');
  return {
    messages: (body.messages as unknown[]).map(toChatMessage),
    tools: toolList(body.tools),
    maxTokens,
    temperature: optionalNumber(body, 'temperature', 0, 2) ?? 1,
    topP: optionalNumber(body, 'top_p', 0, 1) ?? 1,
    stop: stopList(body.stop),
    seed:
      optionalNumber(body, 'seed', -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, true) ??
      Math.floor(Math.random() * 2 ** 32),
    stream: body.stream === true,
    includeUsage: (body.stream_options as Body | undefined)?.include_usage === true,
    ...(body.steer === undefined ? {} : { steer: steerOption(body.steer) }),
  };
}

function steerOption(value: unknown): SteerChoice | null {
  try {
    if (typeof value !== 'string') throw new SteerSpecError("'steer' must be a string such as 'calm:+0.1' or 'off'.");
    return parseSteer(value);
  } catch (err) {
    if (err instanceof SteerSpecError) throw invalidRequest(err.message, 'steer');
    throw err;
  }
}

function optionalNumber(body: Body, name: string, min: number, max: number, integer = false): number | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < min ||
    value > max ||
    (integer && !Number.isInteger(value))
  ) {
    throw invalidRequest(`'${name}' must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}.`, name);
  }
  return value;
}

function stopList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length > 4 || !list.every((s) => typeof s === 'string' && s.length > 0)) {
    throw invalidRequest("'stop' must be a non-empty string or up to 4 of them.", 'stop');
  }
  return list as string[];
}

function toolList(value: unknown): object[] {
  if (value === undefined || value === null) return [];
  if (
    !Array.isArray(value) ||
    !value.every((t) => (t as Body | null)?.type === 'function' && typeof (t as Body).function === 'object')
  ) {
    throw invalidRequest("'tools' must be a list of { type: 'function', function: {...} }.", 'tools');
  }
  return value as object[];
}

/** Message content as text: a string, or the text parts of a content array. */
function contentText(content: unknown, index: number): string {
  if (content === undefined || content === null) return '';
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part: Body) => {
        if (part?.type !== 'text' || typeof part.text !== 'string')
          throw invalidRequest('Only text content parts are supported.', `messages[${index}].content`);
        return part.text;
      })
      .join('');
  }
  throw invalidRequest('Message content must be a string or a list of text parts.', `messages[${index}].content`);
}

function toChatMessage(value: unknown, index: number): ChatMessage {
  const message = (value ?? {}) as Body;
  const content = contentText(message.content, index);
  switch (message.role) {
    case 'system':
    case 'developer':
      return { role: 'system', content };
    case 'user':
      return { role: 'user', content };
    case 'assistant': {
      const calls = Array.isArray(message.tool_calls) ? (message.tool_calls as Body[]) : [];
      const blocks = calls.map((call) => {
        const fn = (call.function ?? {}) as Body;
        if (typeof fn.name !== 'string')
          throw invalidRequest('A tool call needs a function name.', `messages[${index}].tool_calls`);
        return toolCallBlock(
          fn.name,
          typeof fn.arguments === 'string' ? fn.arguments : JSON.stringify(fn.arguments ?? {}),
        );
      });
      return { role: 'assistant', content: [content, ...blocks].filter(Boolean).join('\n') };
    }
    case 'tool':
      // Qwen's template shows tool results to the model as a user turn of <tool_response> blocks.
      return { role: 'user', content: toolResponseBlock(content) };
    default:
      throw invalidRequest(`Unknown message role '${String(message.role)}'.`, `messages[${index}].role`);
  }
}
