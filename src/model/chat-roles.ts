// Some chat templates (Gemma's) accept only strictly alternating user/assistant turns and raise
// on anything else. Agent conversations have tool output, consecutive assistant turns and turns
// that open with the assistant, so for such templates the roles are reshaped before rendering.
import type { ChatMessage } from '../contracts/rpc-methods';
import type { ChatRenderer } from './chat-segments';

/** Marks what is not the speaker's own words, so a reader of the rendered text can tell. */
const TOOL_PREFIX = 'Tool output:\n';
const SYSTEM_PREFIX = 'System:\n';
/** Put before an assistant turn that would otherwise open the conversation. */
export const OPENING_USER_TURN = 'Continue.';
const JOIN = '\n\n';

/** Conversations every lenient template renders and a strictly alternating one (or one without
 *  a system role) rejects. */
const ROLE_PROBES: ChatMessage[][] = [
  [
    { role: 'system', content: 's' },
    { role: 'user', content: 'u' },
  ],
  [{ role: 'assistant', content: 'a' }],
  [
    { role: 'user', content: 'u' },
    { role: 'assistant', content: 'a' },
    { role: 'assistant', content: 'b' },
  ],
  [
    { role: 'user', content: 'u' },
    { role: 'assistant', content: 'a' },
    { role: 'tool', content: 't' },
  ],
];

function renders(renderer: ChatRenderer, messages: ChatMessage[]): boolean {
  try {
    renderer.render(messages);
    return true;
  } catch {
    return false;
  }
}

/** Renders probe conversations to find whether the template demands alternating roles or
 *  rejects the system role; either way the roles are reshaped. */
export function needsReshapedRoles(renderer: ChatRenderer): boolean {
  return !ROLE_PROBES.every((probe) => renders(renderer, probe));
}

/**
 * The same conversation as user/assistant turns that alternate, starting with the user. System
 * messages become user text (a leading one unprefixed, as Gemma 3's own template folds it into
 * the first turn; some strict templates reject the system role), tool output becomes user text
 * with a prefix saying what it is, consecutive same-role messages are joined into one turn, and
 * an opening assistant turn gets a minimal user turn before it. Each message's content stays
 * verbatim, so the segmenter can still locate it.
 */
export function alternateRoles(messages: readonly ChatMessage[]): ChatMessage[] {
  const turns: ChatMessage[] = [];
  messages.forEach((message, index) => {
    const role = message.role === 'assistant' ? 'assistant' : 'user';
    const prefix = message.role === 'tool' ? TOOL_PREFIX : message.role === 'system' && index > 0 ? SYSTEM_PREFIX : '';
    const content = prefix + message.content;
    const last = turns.at(-1);
    if (last && last.role === role) {
      last.content += JOIN + content;
      return;
    }
    if (role === 'assistant' && !last) turns.push({ role: 'user', content: OPENING_USER_TURN });
    turns.push({ role, content });
  });
  return turns;
}
