// How an agent's event stream is read as a chat by the reader model: user and assistant turns as
// they are, tool results (commands and test output) as tool messages, truncated so one huge log
// cannot crowd the conversation out of the context window.
import type { AgentEvent } from '../core/events';
import { TOOL_OUTPUT_CHARS } from '../contracts/reading';
import type { ChatMessage } from '../contracts/rpc-methods';

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
