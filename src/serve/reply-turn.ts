// One reply to a parsed request, whichever API asked for it: the prompt checked against the
// context, tokens generated with text handed out as it becomes final (stop sequences and tool-call
// blocks held back), tool calls split out, and the turn appended to the self transcript.
import type { ServerResponse } from 'node:http';
import { invalidRequest } from './api-error';
import type { ChatRequest } from './chat-request';
import type { ReplyModel } from './reply-model';
import type { SelfTranscript } from './self-transcript';
import type { AppliedSteering } from './steer-option';
import { ReplyText } from './text-stream';
import { splitToolCalls, type ToolCall } from './tool-calls';

/** A reply generated for a request and recorded in the transcript, ready to render in either API. */
export interface Turn {
  content: string;
  toolCalls: ToolCall[];
  /** Content the text deltas have not carried: text held back while it could still have been a
   *  stop sequence or a tool call when generation ended. Tool calls are never sent as deltas. */
  unsent: string;
  finishReason: 'stop' | 'length' | 'tool_calls';
  usage: { promptTokens: number; completionTokens: number; cachedTokens: number };
  steering: AppliedSteering | null;
}

/** The request's prompt tokens, refused when the context cannot hold them and one more token. */
export function promptOf(model: ReplyModel, request: ChatRequest): number[] {
  const promptIds = model.promptIds(request.messages, request.tools);
  if (model.contextLimit - promptIds.length < 1) {
    throw invalidRequest(
      `The prompt is ${promptIds.length} tokens; this model's context holds ${model.contextLimit}.`,
      'messages',
      'context_length_exceeded',
    );
  }
  return promptIds;
}

/** Generates the reply to `promptIds`, handing each piece of text to `onText` as it becomes
 *  final, and appends the turn to the transcript under `id`. */
export async function generateTurn(
  model: ReplyModel,
  request: ChatRequest,
  promptIds: number[],
  context: { id: string; res: ServerResponse; transcript?: SelfTranscript; onText: (piece: string) => void },
): Promise<Turn> {
  // A client that hangs up stops generation at the next token.
  const hangUp = new AbortController();
  context.res.on('close', () => hangUp.abort());
  const hasTools = request.tools.length > 0;
  const text = new ReplyText(request.stop, hasTools);
  const ids: number[] = [];
  const generation = await model.generate(
    promptIds,
    {
      maxTokens: Math.min(request.maxTokens, model.contextLimit - promptIds.length),
      temperature: request.temperature,
      topP: request.topP,
      seed: request.seed,
      steer: request.steer,
      signal: hangUp.signal,
    },
    (token) => {
      ids.push(token);
      const piece = text.update(model.decode(ids));
      if (piece) context.onText(piece);
      return !text.stopped;
    },
  );
  const { full, rest } = text.finish(model.decode(ids));
  const split = (value: string) => (hasTools ? splitToolCalls(value) : { content: value, toolCalls: [] as ToolCall[] });
  const reply = split(full);
  const finishReason = reply.toolCalls.length ? 'tool_calls' : text.stopped ? 'stop' : generation.finish;
  context.transcript?.turn({
    id: context.id,
    input: request.messages.at(-1) ?? null,
    content: reply.content,
    toolCalls: reply.toolCalls,
    finishReason,
    promptTokens: promptIds.length,
    cachedTokens: generation.cachedTokens,
    steering: generation.steering,
    tokens: model.pieces(generation.ids),
    reading: generation.selfReading,
    promptReading: generation.promptReading && {
      ...generation.promptReading,
      tokens: model.pieces(promptIds.slice(generation.promptReading.start)),
    },
  });
  return {
    ...reply,
    unsent: split(rest).content,
    finishReason,
    usage: {
      promptTokens: promptIds.length,
      completionTokens: generation.ids.length,
      cachedTokens: generation.cachedTokens,
    },
    steering: generation.steering,
  };
}
