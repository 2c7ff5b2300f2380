// Splits a rendered chat into one text segment per message, so each message's tokens can be
// attributed (and re-used) separately. Chat templates put special tokens at message boundaries,
// so tokenizing segment by segment gives the same ids as tokenizing the whole text.
import type { ChatMessage } from '../protocol/methods';

export interface ChatRenderer {
  /** The chat template applied to `messages`, as text (no generation prompt). */
  render(messages: ChatMessage[]): string;
}

export interface RenderedChat {
  text: string;
  /** `segments[i]` is message i's text; they concatenate to `text` minus `tail`. */
  segments: string[];
  /** Whatever the template adds after the last message. */
  tail: string;
}

/**
 * Renders `messages`, reusing the boundaries of `previous` when the new rendering still starts
 * with it (the common case: messages were only appended), so a long conversation does not pay
 * one render per old message on every append.
 */
export function renderSegments(renderer: ChatRenderer, messages: ChatMessage[], previous?: RenderedChat): RenderedChat {
  const text = renderer.render(messages);
  const segments: string[] = [];
  let offset = 0;
  let first = 0;
  if (previous && previous.segments.length <= messages.length) {
    const stable = previous.segments.join('');
    if (text.startsWith(stable)) {
      segments.push(...previous.segments);
      offset = stable.length;
      first = previous.segments.length;
    }
  }
  for (let i = first; i < messages.length; i++) {
    const prefix = i === messages.length - 1 ? text : renderer.render(messages.slice(0, i + 1));
    let end: number;
    if (text.startsWith(prefix) && prefix.length >= offset) {
      end = prefix.length;
    } else {
      // The template renders earlier turns differently once later ones follow: fall back to
      // locating the message's own content.
      const at = text.indexOf(messages[i].content, offset);
      end = at >= 0 ? at + messages[i].content.length : offset;
    }
    segments.push(text.slice(offset, end));
    offset = end;
  }
  return { text, segments, tail: text.slice(offset) };
}


/** Stands in for a message's content to find where the template puts it. */
const CONTENT_MARKER = '\uE000agent-vitals-content\uE000';

/** Character offsets `[from, to)` of a message's own content inside its segment. */
export interface ContentRange {
  from: number;
  to: number;
}

/**
 * Where message `index`'s content sits in `segment` (which starts at `segmentStart` of the
 * rendered text), so the template's header and footer around it can be told apart from it.
 * The message is rendered once more with a marker as its content: what the template writes
 * before and after the marker is the header and the footer, whatever the template does with
 * the content itself (some trim it). Falls back to locating the content text; null when
 * neither works, and the whole segment then counts as content.
 */
export function contentRange(renderer: ChatRenderer, messages: readonly ChatMessage[], index: number, segmentStart: number, segment: string): ContentRange | null {
  const marked = renderer.render([...messages.slice(0, index), { ...messages[index], content: CONTENT_MARKER }]);
  const at = marked.indexOf(CONTENT_MARKER);
  if (at >= segmentStart) {
    const header = marked.slice(segmentStart, at);
    const footer = marked.slice(at + CONTENT_MARKER.length);
    if (header.length + footer.length <= segment.length && segment.startsWith(header) && segment.endsWith(footer)) {
      return { from: header.length, to: segment.length - footer.length };
    }
  }
  for (const content of [messages[index].content, messages[index].content.trim()]) {
    const found = content ? segment.lastIndexOf(content) : -1;
    if (found >= 0) return { from: found, to: found + content.length };
  }
  return null;
}
