// Turns a test file plus the spans of its test cases into the language-neutral model: statements
// are cut from code (not strings or comments), then read as assertions, table rows or expectations.
import { decomposeAssertion, decomposeCondition } from './assertions';
import {
  isLiteral,
  matchingBracket,
  maskStringsAndComments,
  normalizeCode,
  splitTopLevel,
  type LexicalSyntax,
} from './source-text';
import {
  EXPECTATION_NAME,
  type AssertionSite,
  type DataRow,
  type ExpectationBinding,
  type Language,
  type TestCase,
  type TestFileModel,
} from './test-model';

export interface CaseSpan {
  name: string;
  /** Offsets of the case's full text (header included) in the file. */
  start: number;
  end: number;
  skipped: boolean;
  focused: boolean;
}

export interface Statement {
  text: string;
  masked: string;
  offset: number;
  line: number;
}

/**
 * Cuts `text` into statements: a line, joined with the following lines while brackets are open
 * (braces too when `joinBraces`), then split at top-level semicolons.
 */
export function splitStatements(text: string, masked: string, joinBraces: boolean): Statement[] {
  const out: Statement[] = [];
  const lines = masked.split('\n');
  let offset = 0;
  let line = 1;
  let pending: { start: number; line: number } | null = null;
  let depth = 0;
  for (const l of lines) {
    if (!pending) pending = { start: offset, line };
    for (const c of l) {
      if (c === '(' || c === '[' || (joinBraces && c === '{')) depth++;
      else if (c === ')' || c === ']' || (joinBraces && c === '}')) depth = Math.max(0, depth - 1);
    }
    const continued = depth > 0 || /\\\s*$/.test(l);
    offset += l.length + 1;
    line++;
    if (!continued) {
      const end = offset - 1;
      const stmtText = text.slice(pending.start, end);
      const stmtMasked = masked.slice(pending.start, end);
      // `if x := f(); x != y {` (Go) and `for (a; b; c)` keep their semicolons.
      const pieces = /^\s*(\}\s*else\s+)?(if|for|switch)\b/.test(stmtMasked)
        ? [[0, stmtMasked.length] as [number, number]]
        : splitKeepOffsets(stmtMasked);
      for (const [from, to] of pieces) {
        const t = stmtText.slice(from, to).trim();
        if (!t) continue;
        const lead = stmtText.slice(from, to).length - stmtText.slice(from, to).trimStart().length;
        out.push({
          text: t,
          masked: stmtMasked.slice(from, to).trim(),
          offset: pending.start + from + lead,
          line: pending.line + countNewlines(stmtMasked.slice(0, from + lead)),
        });
      }
      pending = null;
    }
  }
  return out;
}

function countNewlines(s: string): number {
  let n = 0;
  for (const c of s) if (c === '\n') n++;
  return n;
}

/** Offsets of the pieces between top-level semicolons. */
function splitKeepOffsets(masked: string): [number, number][] {
  const parts: [number, number][] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < masked.length; i++) {
    const c = masked[i];
    if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (c === ';' && depth === 0) {
      parts.push([start, i]);
      start = i + 1;
    }
  }
  parts.push([start, masked.length]);
  return parts;
}

const ROW_CALL =
  /^\[?\s*(InlineData|TestCase|DataRow|case|pytest\.param|param|Arguments\.of|arguments)\s*\(([^]*)\)\s*\]?$/;

/** Rows of a data table in one statement (tuple/struct literal lines, InlineData, parametrize). */
function dataRows(stmt: string): string[][] {
  const s = stmt.trim().replace(/,$/, '').trim();
  const call = ROW_CALL.exec(s);
  if (call) {
    const inner = s.slice(s.indexOf('(') + 1, s.lastIndexOf(')'));
    return [splitTopLevel(inner, maskStringsAndComments(inner, ROW_SYNTAX)).map(normalizeCode)];
  }
  const parametrize = /^@pytest\.mark\.parametrize\s*\(/.exec(s);
  if (parametrize) {
    const inner = s.slice(s.indexOf('(') + 1, s.lastIndexOf(')'));
    const args = splitTopLevel(inner, maskStringsAndComments(inner, ROW_SYNTAX));
    const list = args[1];
    if (!list) return [];
    return wrappedRows(list);
  }
  if (isWrapped(s)) return wrappedRows(s);
  return nestedTableRows(s);
}

/** Rows of a list of tuples passed to a helper: `check(&[("1e3", "1000"), …])`, `vec![(…), …]`. */
function nestedTableRows(stmt: string): string[][] {
  const masked = maskStringsAndComments(stmt, ROW_SYNTAX);
  for (let i = masked.indexOf('['); i >= 0; i = masked.indexOf('[', i + 1)) {
    const close = matchingBracket(masked, i);
    if (close < 0) return [];
    const items = innerItems(stmt.slice(i, close + 1));
    if (items.length > 0 && items.every((it) => isWrapped(it) && innerItems(it).length >= 2))
      return items.map((it) => innerItems(it).map(normalizeCode));
  }
  return [];
}

function isWrapped(text: string): boolean {
  const m = maskStringsAndComments(text, ROW_SYNTAX);
  return '({['.includes(m[0] ?? '') && matchingBracket(m, 0) === m.length - 1;
}

function innerItems(wrapped: string): string[] {
  const inner = wrapped.slice(1, -1);
  return splitTopLevel(inner, maskStringsAndComments(inner, ROW_SYNTAX));
}

/** `[(1, 2), (3, 4)]` is two rows; `(1, 2, 3)` is one. */
function wrappedRows(s: string): string[][] {
  const items = innerItems(s);
  if (items.length > 1 && items.every(isWrapped)) return items.map((it) => innerItems(it).map(normalizeCode));
  if (items.length >= 2) return [items.map(normalizeCode)];
  return [];
}

const ROW_SYNTAX: LexicalSyntax = {
  lineComments: [],
  blockComment: null,
  tripleQuotes: true,
  backtickStrings: true,
  singleQuoteStrings: true,
};

const BINDING =
  /^(?:(?:const|let|var|val|final|auto|mut|let\s+mut|[A-Z]\w*(?:<[^>]*>)?|int|long|double|float|bool|string|String)\s+)*([A-Za-z_]\w*)\s*(?::=|=(?!=)|:(?!:))\s*([^]+?),?$/;

function bindingOf(stmt: string): { name: string; value: string } | null {
  const m = BINDING.exec(stmt.trim().replace(/;$/, ''));
  return m ? { name: m[1], value: normalizeCode(m[2]) } : null;
}

/** An assignment to an expectation-named variable, or a keyed table field like `want: 3`. */
function expectationBinding(stmt: string): { name: string; value: string } | null {
  const binding = bindingOf(stmt);
  return binding && EXPECTATION_NAME.test(binding.name) ? binding : null;
}

/** An assignment of a literal to any name (`errmsg = ("…")`), its value unwrapped from parentheses. */
function literalBinding(stmt: string): { name: string; value: string } | null {
  const binding = bindingOf(stmt);
  if (!binding) return null;
  let value = binding.value;
  while (/^\([^]*\)$/.test(value) && isLiteral(value.slice(1, -1))) value = value.slice(1, -1).trim();
  return isLiteral(value) ? { name: binding.name, value } : null;
}

export interface ModelOptions {
  language: Language;
  fileSkipped: boolean;
  fileFocused: boolean;
  /** Macros the file defines whose bodies assert (`number_partialeq_ok!`): their calls are assertions. */
  assertionHelpers?: ReadonlySet<string>;
  /** The file with strings and comments blanked, to find the blocks around a statement. */
  masked: string;
  registrationGuards?: number;
}

const CONDITION_HEADER = /^(\}\s*)?(else\b|elif\b|elsif\b|if\b|unless\b)/;

/**
 * Whether the statement at `offset` sits under an `if`/`else` between its test's start and itself:
 * a one-line `if (x) expect(…)`, an enclosing `if (…) {` block, or (Python, Ruby) an `if` line
 * indented less than the statement.
 */
function underCondition(masked: string, offset: number, caseStart: number, language: Language): boolean {
  const lineStart = (at: number): number => masked.lastIndexOf('\n', at - 1) + 1;
  if (CONDITION_HEADER.test(masked.slice(lineStart(offset), offset).trim())) return true;
  if (language === 'python' || language === 'ruby') {
    let indent = offset - lineStart(offset);
    for (let end = lineStart(offset) - 1; end > caseStart;) {
      const start = lineStart(end);
      const line = masked.slice(start, end);
      const code = line.trim();
      const lineIndent = line.length - line.trimStart().length;
      if (code && lineIndent < indent) {
        if (CONDITION_HEADER.test(code)) return true;
        indent = lineIndent;
      }
      end = start - 1;
    }
    return false;
  }
  let depth = 0;
  for (let i = offset - 1; i > caseStart; i--) {
    if (masked[i] === '}') depth++;
    else if (masked[i] === '{') {
      if (depth > 0) depth--;
      else if (CONDITION_HEADER.test(masked.slice(lineStart(i), i).trim())) return true;
    }
  }
  return false;
}

/** Builds the model from the file's statements and the case spans a language parser found. */
export function buildModel(
  text: string,
  spans: CaseSpan[],
  statements: Statement[],
  options: ModelOptions,
): TestFileModel {
  // Statements come in file order: keep a stack of the cases open at the current offset.
  const byStart = [...spans].sort((a, b) => a.start - b.start);
  const open: CaseSpan[] = [];
  let next = 0;
  const innermost = (offset: number): CaseSpan | null => {
    while (next < byStart.length && byStart[next].start <= offset) {
      while (open.length > 0 && open[open.length - 1].end <= byStart[next].start) open.pop();
      open.push(byStart[next++]);
    }
    while (open.length > 0 && open[open.length - 1].end <= offset) open.pop();
    return open.length > 0 ? open[open.length - 1] : null;
  };
  const assertions: AssertionSite[] = [];
  const rows: DataRow[] = [];
  const expectations: ExpectationBinding[] = [];
  const literalBindings: ExpectationBinding[] = [];
  for (let k = 0; k < statements.length; k++) {
    const st = statements[k];
    const owner = innermost(st.offset);
    const caseName = owner ? owner.name : null;
    const shape =
      options.language === 'go'
        ? (goAssertion(statements, k) ?? decomposeAssertion(st.text, 'go'))
        : decomposeAssertion(st.text, options.language, options.assertionHelpers);
    if (shape) {
      const conditional = owner !== null && underCondition(options.masked, st.offset, owner.start, options.language);
      assertions.push({ key: normalizeCode(st.text), ...shape, caseName, conditional, line: st.line });
      continue;
    }
    for (const values of dataRows(st.text)) rows.push({ caseName, values, line: st.line });
    const binding = expectationBinding(st.text);
    if (binding) expectations.push({ caseName, ...binding, line: st.line });
    const literal = owner ? literalBinding(st.text) : null;
    if (literal) literalBindings.push({ caseName, ...literal, line: st.line });
  }
  const lineAt = lineIndex(text);
  const cases: TestCase[] = spans.map((s) => ({
    name: s.name,
    skipped: s.skipped,
    focused: s.focused,
    body: normalizeCode(text.slice(s.start, s.end).replace(/^[^\n]*\n?/, '')),
    startLine: lineAt(s.start),
    endLine: lineAt(s.end),
  }));
  return {
    language: options.language,
    cases,
    fileSkipped: options.fileSkipped,
    fileFocused: options.fileFocused,
    registrationGuards: options.registrationGuards ?? 0,
    assertions,
    rows,
    expectations,
    literalBindings,
  };
}

/** 1-based line of an offset, by binary search over line starts. */
function lineIndex(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

/** Go's idiom: `if got != want {` followed by `t.Error…`/`t.Fatal…` before the block closes. */
function goAssertion(statements: Statement[], k: number): ReturnType<typeof decomposeAssertion> {
  const st = statements[k];
  const m = /^if\s+(?:[^{;]*;\s*)?([^]*?)\s*\{$/d.exec(st.masked);
  if (!m?.indices?.[1]) return null;
  for (let j = k + 1; j < statements.length && j <= k + 4; j++) {
    const t = statements[j].text;
    if (/^\}/.test(t)) break;
    if (/\bt\.(Error|Errorf|Fatal|Fatalf|Fail|FailNow)\b/.test(t)) {
      const [from, to] = m.indices[1];
      const cond = st.text.slice(from, to);
      const tol = /^math\.Abs\(([^]*)\)\s*>\s*([\w.]+)$/.exec(cond.trim());
      if (tol)
        return { relation: 'approx', strength: 2, args: [normalizeCode(tol[1])], tolerance: Number(tol[2]) || null };
      return decomposeCondition(cond, true);
    }
  }
  return null;
}
