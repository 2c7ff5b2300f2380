// Edits a JSON settings file as text, so that adding one entry (and removing it again) leaves
// every other byte as it was: comments-free JSON is scanned for the spans of its values, and the
// entry is inserted as the last member of its container, indented like the file.

export interface JsonSpan {
  start: number;
  /** Just past the value's last character. */
  end: number;
  kind: 'object' | 'array' | 'scalar';
  /** Object members in order (key, the key's start, value); array items as members with key ''. */
  members: { key: string; keyStart: number; value: JsonSpan }[];
}

export class JsonTextError extends Error {}

/** The spans of the JSON value in `text`; throws JsonTextError where it is not JSON. */
export function scanJson(text: string): JsonSpan {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && ' \t\r\n'.includes(text[i]!)) i++;
  };
  const fail = (what: string): never => {
    throw new JsonTextError(`${what} at offset ${i}`);
  };
  const str = (): string => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) fail('unterminated string');
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (): JsonSpan => {
    ws();
    const start = i;
    const c = text[i];
    if (c === '{' || c === '[') {
      const object = c === '{';
      const members: JsonSpan['members'] = [];
      i++;
      ws();
      if (text[i] === (object ? '}' : ']')) {
        i++;
        return { start, end: i, kind: object ? 'object' : 'array', members };
      }
      for (;;) {
        ws();
        let key = '';
        const keyStart = i;
        if (object) {
          if (text[i] !== '"') fail('expected a key');
          key = str();
          ws();
          if (text[i] !== ':') fail("expected ':'");
          i++;
        }
        members.push({ key, keyStart, value: value() });
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === (object ? '}' : ']')) {
          i++;
          return { start, end: i, kind: object ? 'object' : 'array', members };
        }
        fail(`expected ',' or '${object ? '}' : ']'}'`);
      }
    }
    if (c === '"') {
      str();
      return { start, end: i, kind: 'scalar', members: [] };
    }
    const m = /^(?:true|false|null|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 64));
    if (!m) fail('unexpected character');
    i += m![0].length;
    return { start, end: i, kind: 'scalar', members: [] };
  };
  const root = value();
  ws();
  if (i < text.length) fail('unexpected text after the JSON value');
  return root;
}

/** The indent unit the file uses (its first indented line), or two spaces. */
function indentUnit(text: string): string {
  return /\n([ \t]+)\S/.exec(text)?.[1] ?? '  ';
}

/** The indent of the line `offset` is on. */
function lineIndent(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))![0];
}

/**
 * `text` with `member` (an object key and value, or an array item when `key` is null) added as the
 * last member of the container at `container`, laid out like the file.
 */
export function insertMember(text: string, container: JsonSpan, key: string | null, value: unknown): string {
  const unit = indentUnit(text);
  const outer = lineIndent(text, container.start);
  const last = container.members[container.members.length - 1];
  const inner = last ? lineIndent(text, last.keyStart) : outer + unit;
  const body = JSON.stringify(value, null, unit).replace(/\n/g, `\n${inner}`);
  const member = `${key === null ? '' : `${JSON.stringify(key)}: `}${body}`;
  if (last) return `${text.slice(0, last.value.end)},\n${inner}${member}${text.slice(last.value.end)}`;
  const close = container.end - 1;
  return `${text.slice(0, container.start + 1)}\n${inner}${member}\n${outer}${text.slice(close)}`;
}

/** `text` without the member at `index` of `container` (the inverse of insertMember for the last one). */
export function removeMember(text: string, container: JsonSpan, index: number): string {
  const m = container.members[index]!;
  if (container.members.length === 1) return `${text.slice(0, container.start + 1)}${text.slice(container.end - 1)}`;
  if (index === container.members.length - 1)
    return `${text.slice(0, container.members[index - 1]!.value.end)}${text.slice(m.value.end)}`;
  return `${text.slice(0, m.keyStart)}${text.slice(container.members[index + 1]!.keyStart)}`;
}

/** The member of an object span by key. */
export function memberOf(span: JsonSpan, key: string): JsonSpan | undefined {
  return span.members.find((m) => m.key === key)?.value;
}
