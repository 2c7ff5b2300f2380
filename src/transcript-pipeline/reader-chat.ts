// Step one of the pipeline: how an agent's event stream becomes the reader model's chat. User and
// assistant turns go as they are, tool results (commands and test output) as tool messages,
// clipped so one huge log cannot crowd the conversation out of the context window. Each
// assistant turn is read together with the messages since the previous one, as one append.
import type { AgentEvent, TurnEvent } from '../core/events';
import { TOOL_OUTPUT_CHARS } from '../contracts/reading';
import type { ChatMessage } from '../contracts/rpc-methods';

/** Context held for a session's next assistant turn, in characters (oldest dropped first). */
export const MAX_PENDING_CONTEXT_CHARS = 32_000;

/** Characters per token assumed when sizing text against a token limit (prose and code run ~3–4). */
export const CHARS_PER_TOKEN = 3;

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max / 2)}\n…\n${text.slice(-max / 2)}`;
}

/** A tool result as the reader sees it: clipped to its start and end. */
export function toolMessage(content: string): ChatMessage {
  return { role: 'tool', content: clip(content, TOOL_OUTPUT_CHARS) };
}

/** The chat message an event contributes, or null for events the reader does not see. */
export function chatMessageFor(event: AgentEvent): ChatMessage | null {
  if (event.type === 'turn') {
    if (!event.text.trim()) return null;
    return { role: event.role === 'tool' ? 'tool' : event.role, content: event.text };
  }
  if (event.type === 'tool-call' && event.status !== 'started' && (event.command || event.output)) {
    const head = event.command ? `$ ${event.command}\n` : `${event.rawName}\n`;
    const exit = event.exitCode !== undefined && event.exitCode !== 0 ? `\n(exit code ${event.exitCode})` : '';
    return toolMessage(head + (event.output ?? '') + exit);
  }
  return null;
}

/** A single message longer than half the context keeps its start and end. */
export function clipMessage(message: ChatMessage, contextLimit: number): ChatMessage {
  const max = Math.floor((contextLimit * CHARS_PER_TOKEN) / 2);
  if (message.content.length <= max) return message;
  const half = Math.floor(max / 2);
  return { role: message.role, content: `${message.content.slice(0, half)}\n…\n${message.content.slice(-half)}` };
}

/** An assistant turn to read, with the messages since the previous one as its unscored context. */
export interface ReaderStep {
  turn: TurnEvent;
  context: ChatMessage[];
  message: ChatMessage;
}

/** Text of one append: about a third of the context, so the conversation can always make room for it. */
export function requestCharsFor(contextLimit: number): number {
  return Math.floor((contextLimit * CHARS_PER_TOKEN) / 3);
}

/**
 * The messages one step appends to a conversation holding `contextLimit` tokens: the clipped
 * turn and as much of its newest context as fits one append beside it.
 */
export function stepMessages(step: Pick<ReaderStep, 'context' | 'message'>, contextLimit: number): ChatMessage[] {
  const message = clipMessage(step.message, contextLimit);
  let room = requestCharsFor(contextLimit) - message.content.length;
  const context: ChatMessage[] = [];
  for (let i = step.context.length - 1; i >= 0; i--) {
    const m = clipMessage(step.context[i]!, contextLimit);
    if (m.content.length > room) break;
    room -= m.content.length;
    context.unshift(m);
  }
  return [...context, message];
}

/** One session's events, in order, grouped into reader steps. */
export class ReaderChat {
  private context: ChatMessage[] = [];
  private contextChars = 0;

  /** The step `event` completes (an assistant turn with text); other messages wait as its context. */
  push(event: AgentEvent): ReaderStep | null {
    const message = chatMessageFor(event);
    if (!message) return null;
    if (event.type === 'turn' && event.role === 'assistant') {
      const step = { turn: event, context: this.context, message };
      this.context = [];
      this.contextChars = 0;
      return step;
    }
    this.context.push(message);
    this.contextChars += message.content.length;
    while (this.contextChars > MAX_PENDING_CONTEXT_CHARS && this.context.length > 1)
      this.contextChars -= this.context.shift()!.content.length;
    return null;
  }
}
