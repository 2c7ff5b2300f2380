// Structure-aware text helpers shared by the scanners: they know where strings and comments are,
// so brackets, keywords and statement boundaries are only seen in code.

export interface LexicalSyntax {
  lineComments: string[];
  blockComment: [string, string] | null;
  /** Python-style triple-quoted strings. */
  tripleQuotes: boolean;
  /** Go raw strings and JS templates use backticks. */
  backtickStrings: boolean;
  /** Rust `'a` lifetimes and char literals make `'` unreliable as a string quote. */
  singleQuoteStrings: boolean;
  /** Rust char literals (`'"'`, `'\n'`): a quote, one character or escape, a quote. */
  charLiterals?: boolean;
  /** Rust raw strings `r#"…"#`, which may hold unescaped quotes. */
  hashRawStrings?: boolean;
  /** Rust string literals may span lines. */
  multilineStrings?: boolean;
  /** `/…/` regex literals (Ruby, JS), which may hold `#` and quotes. */
  regexLiterals?: boolean;
}

export const JS_SYNTAX: LexicalSyntax = {
  lineComments: ['//'],
  blockComment: ['/*', '*/'],
  tripleQuotes: false,
  backtickStrings: true,
  singleQuoteStrings: true,
};

const CHAR_LITERAL = /'(?:\\(?:u\{[0-9a-fA-F]+\}|x[0-9a-fA-F]{2}|.)|[^\\'\n])'/y;
const RAW_STRING_START = /b?r(#+)"/y;

/**
 * Returns the text with the contents of strings and comments replaced by spaces (newlines kept),
 * so offsets and line numbers line up with the original.
 */
export function maskStringsAndComments(text: string, syntax: LexicalSyntax, keepStrings = false): string {
  const out = text.split('');
  const blank = (from: number, to: number): void => {
    for (let k = from; k < to && k < out.length; k++) if (out[k] !== '\n') out[k] = ' ';
  };
  const blankString = keepStrings ? (): void => undefined : blank;
  let i = 0;
  while (i < text.length) {
    const line = syntax.lineComments.find((c) => text.startsWith(c, i));
    if (line) {
      const end = text.indexOf('\n', i);
      const stop = end < 0 ? text.length : end;
      blank(i, stop);
      i = stop;
      continue;
    }
    if (syntax.blockComment && text.startsWith(syntax.blockComment[0], i)) {
      const end = text.indexOf(syntax.blockComment[1], i + syntax.blockComment[0].length);
      const stop = end < 0 ? text.length : end + syntax.blockComment[1].length;
      blank(i, stop);
      i = stop;
      continue;
    }
    const three = syntax.tripleQuotes ? text.slice(i, i + 3) : '';
    if (three === '"""' || three === "'''") {
      const end = text.indexOf(three, i + 3);
      const stop = end < 0 ? text.length : end + 3;
      blankString(i + 3, stop - 3);
      i = stop;
      continue;
    }
    const ch = text[i];
    if (syntax.regexLiterals && ch === '/' && startsRegex(text, i)) {
      const end = regexEnd(text, i);
      blankString(i + 1, end);
      i = end + 1;
      continue;
    }
    if (syntax.hashRawStrings && (ch === 'r' || ch === 'b') && !/\w/.test(text[i - 1] ?? '')) {
      RAW_STRING_START.lastIndex = i;
      const raw = RAW_STRING_START.exec(text);
      if (raw) {
        const open = i + raw[0].length;
        const end = text.indexOf(`"${raw[1]}`, open);
        const stop = end < 0 ? text.length : end;
        blankString(open, stop);
        i = end < 0 ? text.length : end + 1 + raw[1].length;
        continue;
      }
    }
    if (syntax.charLiterals && ch === "'") {
      CHAR_LITERAL.lastIndex = i;
      const lit = CHAR_LITERAL.exec(text);
      if (lit) {
        blankString(i + 1, i + lit[0].length - 1);
        i += lit[0].length;
        continue;
      }
    }
    const isQuote = ch === '"' || (ch === "'" && syntax.singleQuoteStrings) || (ch === '`' && syntax.backtickStrings);
    if (isQuote) {
      let j = i + 1;
      while (j < text.length && text[j] !== ch) {
        if (text[j] === '\\' && ch !== '`') j++;
        else if (text[j] === '\n' && ch !== '`' && !syntax.multilineStrings) break;
        j++;
      }
      blankString(i + 1, j);
      i = j + 1;
      continue;
    }
    i++;
  }
  return out.join('');
}

/**
 * Whether a `/` opens a regex literal rather than dividing: after an operator, an opening bracket
 * or a comma, at the start of a line, or as a method's first argument (`assert_match /x/`, with
 * a space before the slash and none after it, as Ruby itself reads it).
 */
function startsRegex(text: string, at: number): boolean {
  const before = text.slice(text.lastIndexOf('\n', at - 1) + 1, at);
  const prev = before.trimEnd();
  if (prev === '' || /[(,=~!&|;{[:?]$/.test(prev)) return true;
  return /\s$/.test(before) && /[A-Za-z_]\w*[?!]?$/.test(prev) && !/\s/.test(text[at + 1] ?? ' ');
}

/** Index of the `/` closing the regex opened at `at` (escapes and `[…]` classes skipped), or the line end. */
function regexEnd(text: string, at: number): number {
  let inClass = false;
  for (let j = at + 1; j < text.length; j++) {
    const c = text[j];
    if (c === '\n') return j;
    if (c === '\\') j++;
    else if (c === '[') inClass = true;
    else if (c === ']') inClass = false;
    else if (c === '/' && !inClass) return j;
  }
  return text.length;
}

/** The text with comments blanked and strings kept: code as it runs, offsets unchanged. */
export function maskComments(text: string, syntax: LexicalSyntax): string {
  return maskStringsAndComments(text, syntax, true);
}

const OPEN = '([{';
const CLOSE = ')]}';

/** Index of the bracket that closes the one at `open` (in masked text), or -1. */
export function matchingBracket(masked: string, open: number): number {
  const stack: string[] = [];
  for (let i = open; i < masked.length; i++) {
    const c = masked[i];
    if (OPEN.includes(c)) stack.push(CLOSE[OPEN.indexOf(c)]);
    else if (CLOSE.includes(c)) {
      if (stack.pop() !== c) return -1;
      if (stack.length === 0) return i;
    }
  }
  return -1;
}

/** Splits at top-level separators (commas by default), ignoring those inside brackets or strings. */
export function splitTopLevel(text: string, masked: string, separator = ','): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < masked.length; i++) {
    const c = masked[i];
    if (OPEN.includes(c)) depth++;
    else if (CLOSE.includes(c)) depth--;
    else if (depth === 0 && masked.startsWith(separator, i)) {
      parts.push(text.slice(start, i));
      start = i + separator.length;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

/** Collapses whitespace outside strings so formatting-only edits compare equal. */
export function normalizeCode(text: string): string {
  // Strings are kept verbatim: whitespace inside them is part of the value.
  return text
    .split(/((?:[rbfu]|@)?"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|`(?:\\.|[^`\\])*`)/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/\s+/g, ' ').replace(/\s*([()[\]{},;:.=<>!+\-*/])\s*/g, '$1')))
    .join('')
    .trim();
}

/** True for a literal value: number, string, boolean, null-ish, or a bracketed list of those. */
export function isLiteral(text: string): boolean {
  const t = text.trim();
  if (/^-?\d[\d_]*(\.\d+)?([eE][-+]?\d+)?[fFdDmMlLuU]?$/.test(t)) return true;
  if (/^f["']/.test(t) && t.includes('{')) return false;
  if (/^`/.test(t) && t.includes('${')) return false;
  if (/^[rbfu]?(["'`]).*\1$/s.test(t) || /^@?".*"$/s.test(t)) return true;
  if (/^(true|false|True|False|None|null|nil|undefined|NaN)$/.test(t)) return true;
  // Regular expressions (JS, Ruby) and class literals (Java, Kotlin) are expected values too.
  if (/^\/(?![*/\s])(?:\\.|[^/\\\n])+\/[a-z]*$/.test(t)) return true;
  if (/^[A-Z][\w.]*(\.class|::class(\.java)?)$/.test(t)) return true;
  return false;
}

/** The unquoted value of a literal, for matching against what a test run printed. */
export function literalValue(text: string): string {
  const t = text.trim();
  const quoted = /^[rbfu]?(["'`])(.*)\1$/s.exec(t) ?? /^@?(")(.*)"$/s.exec(t);
  return quoted ? quoted[2] : t;
}
