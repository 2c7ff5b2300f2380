// Splits a rendered chat into one text segment per message, so each message's tokens can be
// attributed (and re-used) separately. Chat templates put special tokens at message boundaries,
// so tokenizing segment by segment gives the same ids as tokenizing the whole text.
import type { ChatMessage } from '../contracts/rpc-methods';

export interface ChatRenderer {
  /** The chat template applied to `messages`, as text (by default without a generation prompt). */
  render(messages: ChatMessage[], addGenerationPrompt?: boolean): string;
}

export interface ChatTokenizer extends ChatRenderer {
  encode(text: string): number[];
  /** Characters in the vocabulary's longest token: text of n characters needs at least n / this tokens. */
  readonly longestTokenChars: number;
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
export function contentRange(
  renderer: ChatRenderer,
  messages: readonly ChatMessage[],
  index: number,
  segmentStart: number,
  segment: string,
): ContentRange | null {
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

/** Token offsets `[from, to)`. */
export interface TokenRange {
  from: number;
  to: number;
}

/** How many leading ids `a` and `b` share, up to `limit`. */
export function commonPrefix(a: readonly number[], b: readonly number[], limit: number): number {
  let i = 0;
  while (i < limit && a[i] === b[i]) i++;
  return i;
}

/**
 * Which of a message segment's tokens (`ids`) are the message's content, as `[from, to)` within
 * the segment: tokens made only of template text are left out; a token that straddles the
 * boundary (the tokenizer merged template and content text) counts as content.
 */
export function contentTokens(
  tokenizer: ChatTokenizer,
  messages: readonly ChatMessage[],
  index: number,
  segmentStart: number,
  segment: string,
  ids: readonly number[],
): TokenRange {
  const range = contentRange(tokenizer, messages, index, segmentStart, segment);
  if (!range) return { from: 0, to: ids.length };
  const header = range.from > 0 ? tokenizer.encode(segment.slice(0, range.from)) : [];
  const footer = range.to < segment.length ? tokenizer.encode(segment.slice(range.to)) : [];
  const from = commonPrefix(header, ids, Math.min(header.length, ids.length));
  let fromEnd = 0;
  while (
    fromEnd < Math.min(footer.length, ids.length - from) &&
    footer[footer.length - 1 - fromEnd] === ids[ids.length - 1 - fromEnd]
  )
    fromEnd++;
  return { from, to: ids.length - fromEnd };
}

/** A whole chat tokenized message by message, and the token indices of the messages' own content. */
export interface EncodedChat {
  ids: number[];
  contentTokens: number[];
}

/**
 * Tokenizes a chat the way a scored conversation does (segment by segment), so readings taken
 * from it — a calibration baseline, a neutral control — cover the same kind of tokens as live
 * readings: message content, not the template around it.
 */
export function encodeChat(
  tokenizer: ChatTokenizer,
  messages: ChatMessage[],
  addGenerationPrompt = false,
): EncodedChat {
  const rendered = renderSegments(tokenizer, messages);
  const full = addGenerationPrompt ? tokenizer.render(messages, true) : rendered.text;
  const body = rendered.segments.join('');
  const ids: number[] = [];
  const content: number[] = [];
  let segmentStart = 0;
  rendered.segments.forEach((segment, index) => {
    const segmentIds = tokenizer.encode(segment);
    const range = contentTokens(tokenizer, messages, index, segmentStart, segment, segmentIds);
    for (let t = range.from; t < range.to; t++) content.push(ids.length + t);
    ids.push(...segmentIds);
    segmentStart += segment.length;
  });
  // Whatever follows the last message (a generation prompt) is template, never content.
  if (full.startsWith(body)) {
    if (full.length > body.length) ids.push(...tokenizer.encode(full.slice(body.length)));
    return { ids, contentTokens: content };
  }
  // A template that renders differently with the prompt: its tokens as one run, all counted.
  const whole = tokenizer.encode(full);
  return { ids: whole, contentTokens: whole.map((_, t) => t) };
}
