// Test-case scanners for the languages without a parser in the bundle: Python and Ruby by
// indentation, Go, Rust, Java and C# by bracket matching, always on string/comment-masked text.
import { maskComments, maskStringsAndComments, matchingBracket, type LexicalSyntax } from './source-text';
import { buildModel, splitStatements, type CaseSpan, type Statement } from './statements';
import type { Language, TestFileModel } from './test-model';

const HASH: LexicalSyntax = {
  lineComments: ['#'],
  blockComment: null,
  tripleQuotes: true,
  backtickStrings: false,
  singleQuoteStrings: true,
};
const C_LIKE: LexicalSyntax = {
  lineComments: ['//'],
  blockComment: ['/*', '*/'],
  tripleQuotes: false,
  backtickStrings: false,
  singleQuoteStrings: true,
};
const GO: LexicalSyntax = { ...C_LIKE, backtickStrings: true };
const RUST: LexicalSyntax = {
  ...C_LIKE,
  singleQuoteStrings: false,
  charLiterals: true,
  hashRawStrings: true,
  multilineStrings: true,
};
const RUBY: LexicalSyntax = { ...HASH, tripleQuotes: false, regexLiterals: true };

export const SYNTAX: Record<Exclude<Language, 'javascript'>, LexicalSyntax> = {
  python: HASH,
  ruby: RUBY,
  go: GO,
  rust: RUST,
  java: C_LIKE,
  csharp: C_LIKE,
};

interface Line {
  start: number;
  end: number;
  indent: number;
  code: string;
}

function linesOf(masked: string): Line[] {
  const out: Line[] = [];
  let start = 0;
  for (const raw of masked.split('\n')) {
    const code = raw.trim();
    out.push({ start, end: start + raw.length, indent: raw.length - raw.trimStart().length, code });
    start += raw.length + 1;
  }
  return out;
}

/** End offset of the indented block opened at line `i` (Python def/class, Ruby do…end). */
function indentedBlockEnd(lines: Line[], i: number, closer: RegExp | null): number {
  const indent = lines[i].indent;
  for (let j = i + 1; j < lines.length; j++) {
    const l = lines[j];
    if (!l.code) continue;
    if (l.indent <= indent) return closer && closer.test(l.code) && l.indent === indent ? l.end : lines[j - 1].end;
  }
  return lines[lines.length - 1].end;
}

/** Start offset of the decorator/annotation/attribute lines just above line `i`. */
function headerStart(lines: Line[], i: number, header: RegExp): number {
  let j = i;
  while (j > 0 && header.test(lines[j - 1].code)) j--;
  return lines[j].start;
}

/** Python decorators may span lines (`@pytest.mark.parametrize(..., [` rows `])`). */
function decoratorStart(lines: Line[], i: number): number {
  const indent = lines[i].indent;
  let top = i;
  for (let j = i - 1; j >= 0; j--) {
    const l = lines[j];
    if (!l.code || /^(def|class|async)\b/.test(l.code)) break;
    if (l.indent === indent && !l.code.startsWith('@') && !/^[)\]}]/.test(l.code)) break;
    if (l.code.startsWith('@') && l.indent === indent) top = j;
  }
  return lines[top].start;
}

function scanPython(text: string): TestFileModel {
  const masked = maskStringsAndComments(text, HASH);
  const lines = linesOf(masked);
  const spans: CaseSpan[] = [];
  const skippedClasses: [number, number][] = [];
  const skip = /@(pytest\.mark\.(skip|skipif|xfail)|unittest\.(skip|skipIf|skipUnless|expectedFailure))\b/;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    const cls = /^class\s+(\w+)/.exec(l.code);
    const start = decoratorStart(lines, i);
    const header = text.slice(start, l.start);
    if (cls && skip.test(header)) skippedClasses.push([l.start, indentedBlockEnd(lines, i, null)]);
    const fn = /^(?:async\s+)?def\s+(test\w*)\s*\(/.exec(l.code);
    if (!fn) continue;
    const end = indentedBlockEnd(lines, i, null);
    const body = masked.slice(l.end, end);
    const inSkippedClass = skippedClasses.some(([a, b]) => l.start > a && l.start < b);
    const skipped =
      skip.test(header) ||
      inSkippedClass ||
      /\b(pytest\.skip|self\.skipTest|pytest\.xfail)\s*\(|raise\s+(unittest\.)?SkipTest\b/.test(body);
    spans.push({ name: fn[1], start, end, skipped, focused: false });
  }
  const fileSkipped =
    /^pytestmark\s*=.*pytest\.mark\.(skip|xfail)/m.test(masked) ||
    /^pytest\.skip\(.*allow_module_level/m.test(text) ||
    /^(\w+\s*=\s*)?pytest\.importorskip\(/m.test(masked);
  return buildModel(text, spans, splitStatements(maskComments(text, HASH), masked, true), {
    language: 'python',
    fileSkipped,
    fileFocused: false,
    masked,
  });
}

function scanRuby(text: string): TestFileModel {
  const masked = maskStringsAndComments(text, RUBY);
  const lines = linesOf(masked);
  const spans: CaseSpan[] = [];
  const groups: { start: number; end: number; skipped: boolean; focused: boolean }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    const original = text.slice(l.start, l.end).trim();
    const opensBlock = /\b(do|\{)\s*(\|[^|]*\|)?\s*$/.test(l.code);
    const group = /^(?:RSpec\.)?(x|f)?(describe|context|feature)\b/.exec(l.code);
    const meta = { skip: /\b(skip|pending):|:skip\b/.test(original), focus: /\bfocus:\s*true|:focus\b/.test(original) };
    if (group && opensBlock) {
      groups.push({
        start: l.start,
        end: indentedBlockEnd(lines, i, /^end\b|^\}/),
        skipped: group[1] === 'x' || meta.skip,
        focused: group[1] === 'f' || meta.focus,
      });
      continue;
    }
    const example =
      /^(x|f)?(it|specify|example|scenario|its)\b|^(skip|pending)\b(?=.*\b(do|\{))|^def\s+(test_\w+)/.exec(l.code);
    if (!example) continue;
    const def = example[5];
    // RSpec one-liners (`it { is_expected.to be_empty }`) are named by what they check.
    const oneLiner = !def && !opensBlock && /^(x|f)?(it|specify|example|its)\b[^{]*\{.*\}$/.test(l.code);
    if (!def && !opensBlock && !oneLiner) continue;
    const name =
      def ??
      /^\S+\s*\(?\s*["']([^"']*)["']/.exec(original)?.[1] ??
      (oneLiner ? original.replace(/\s+/g, ' ') : `${example[0]}@${i + 1}`);
    const end = oneLiner ? l.end : indentedBlockEnd(lines, i, /^end\b|^\}/);
    const body = masked.slice(l.end, end);
    const inGroup = groups.filter((g) => l.start > g.start && l.start < g.end);
    const skipped =
      example[1] === 'x' ||
      !!example[3] ||
      meta.skip ||
      inGroup.some((g) => g.skipped) ||
      /^\s*(skip|pending)\b/m.test(body);
    const focused = example[1] === 'f' || meta.focus || inGroup.some((g) => g.focused);
    spans.push({ name, start: l.start, end, skipped, focused });
  }
  // Statements keep their comments here: `#` also appears in regex literals the mask cannot tell.
  const statements = splitStatements(text, masked, true).map(oneLinerBody);
  return buildModel(text, spans, statements, { language: 'ruby', fileSkipped: false, fileFocused: false, masked });
}

/** An RSpec one-liner (`it { expect(x).to eq 1 }`) is read as the statement in its block. */
function oneLinerBody(st: Statement): Statement {
  const m = /^(?:x|f)?(?:it|specify|example|its)\b[^{]*\{/.exec(st.masked);
  if (!m || !st.masked.endsWith('}') || matchingBracket(st.masked, m[0].length - 1) !== st.masked.length - 1) return st;
  const inner = st.text.slice(m[0].length, -1);
  const lead = inner.length - inner.trimStart().length;
  const from = m[0].length + lead;
  const to = st.text.length - 1 - (inner.length - inner.trimEnd().length);
  return { text: st.text.slice(from, to), masked: st.masked.slice(from, to), offset: st.offset + from, line: st.line };
}

/**
 * Attributes that keep a Rust test from running everywhere: `#[ignore]`, a negated `#[cfg(not(…))]`,
 * a toolchain gate (`#[rustversion::since(1.82)]`), a conditional `#[cfg_attr(miri, ignore)]`.
 */
export const RUST_SKIP_ATTRIBUTE = /#\[(?:ignore\b|cfg\(not\(|rustversion::|cfg_attr\([^\]]*\bignore\b)/;

interface BraceRules {
  language: 'go' | 'rust' | 'java' | 'csharp';
  /** Matches a function header in masked text; group 1 is the name. Must end just before `{` or `=>`. */
  fn: RegExp;
  /** Header lines above a function (annotations, attributes). */
  header: RegExp;
  /** Whether a header marks a test (Go decides by name). */
  isTest: (header: string, name: string) => boolean;
  skipHeader: RegExp;
  skipBody: RegExp;
  classSkip: RegExp | null;
  /** A name that keeps a test from running (JUnit 3 runs `test*` methods only). */
  disabledName: RegExp | null;
}

const JUNIT3_DISABLED = /^(disabled?|ignored?|broken|x)_*test[A-Z_0-9]|^_+test[A-Z_0-9]/i;

const BRACE_RULES: Record<BraceRules['language'], BraceRules> = {
  go: {
    language: 'go',
    fn: /func\s+(Test\w*|Fuzz\w*)\s*\([^)]*\)\s*$|t\.Run\(\s*"([^"]*)"\s*,\s*func\s*\([^)]*\)\s*$/,
    header: /^$/,
    isTest: () => true,
    skipHeader: /$^/,
    skipBody: /\bt\.(Skip|Skipf|SkipNow)\s*\(/,
    classSkip: null,
    disabledName: null,
  },
  rust: {
    language: 'rust',
    fn: /(?:pub\s+)?(?:async\s+)?fn\s+(\w+)\s*(?:<[^>]*>)?\s*\([^)]*\)\s*(?:->\s*[^{]+)?$/,
    header: /^#\[/,
    isTest: (h) => /#\[(\w+::)?(test|rstest|test_case)\b/.test(h),
    skipHeader: RUST_SKIP_ATTRIBUTE,
    skipBody: /$^/,
    classSkip: null,
    disabledName: null,
  },
  java: {
    language: 'java',
    fn: /(?:(?:public|protected|private|static|final|default|synchronized)\s+)*(?:<[^>]*>\s*)?[\w.<>[\]]+\s+(\w+)\s*\([^)]*\)\s*(?:throws\s+[\w., ]+)?$/,
    header: /^@/,
    // JUnit 4/5 annotate tests; JUnit 3 runs methods named `test…`, so a renamed one is disabled.
    isTest: (h, name) =>
      /@(Test|ParameterizedTest|RepeatedTest|TestFactory|TestTemplate)\b/.test(h) ||
      /^test[A-Z_0-9]/.test(name) ||
      JUNIT3_DISABLED.test(name),
    skipHeader: /@(Disabled|Ignore)\b/,
    skipBody: /\bAssumptions?\.assume\w*\(\s*false\s*\)|\bassumeTrue\(\s*false\s*\)/,
    classSkip: /@(Disabled|Ignore)\b[^]*?\bclass\s/,
    disabledName: JUNIT3_DISABLED,
  },
  csharp: {
    language: 'csharp',
    fn: /(?:(?:public|protected|private|internal|static|async|virtual|override)\s+)+[\w.<>[\]]+\s+(\w+)\s*\([^)]*\)\s*$/,
    header: /^\[/,
    isTest: (h) => /\[(Fact|Theory|Test|TestMethod|TestCase|DataTestMethod|SkippableFact)\b/.test(h),
    skipHeader: /\[(Fact|Theory)\s*\(\s*Skip\s*=|\[Ignore\b|\bIgnore\s*=\s*"/,
    skipBody: /\bAssert\.Ignore\(|\bAssert\.Inconclusive\(|\bSkip\.If\(\s*true/,
    classSkip: /\[Ignore\b[^\]]*\]\s*(?:\[[^\]]*\]\s*)*(?:public\s+|internal\s+)?(?:sealed\s+)?class\s/,
    disabledName: null,
  },
};

function scanBraces(text: string, rules: BraceRules): TestFileModel {
  const syntax = SYNTAX[rules.language];
  const masked = maskStringsAndComments(text, syntax);
  const lines = linesOf(masked);
  const lineByStart = new Map(lines.map((l, idx) => [l.start, idx]));
  const spans: CaseSpan[] = [];
  for (let i = 0; i < masked.length; i++) {
    if (masked[i] !== '{') continue;
    // The text between the previous statement boundary and this brace is the candidate header.
    const lineStart = masked.lastIndexOf('\n', i - 1) + 1;
    let sigStart = lineStart;
    // Signatures can wrap: extend upwards while the previous line does not end a statement.
    while (sigStart > 0) {
      const prevStart = masked.lastIndexOf('\n', sigStart - 2) + 1;
      const prev = masked.slice(prevStart, sigStart - 1).trim();
      if (!prev || /[;{}]$/.test(prev) || rules.header.test(prev) || /^\/\//.test(prev)) break;
      sigStart = prevStart;
    }
    const sig = masked.slice(sigStart, i).replace(/\s+/g, ' ').trim();
    const m = rules.fn.exec(sig);
    if (!m) continue;
    // Names come from the original text: string contents are blank in the masked copy.
    const original = rules.fn.exec(text.slice(sigStart, i).replace(/\s+/g, ' ').trim());
    const name = original?.[1] ?? original?.[2] ?? m[1] ?? m[2];
    const lineIdx = lineByStart.get(sigStart);
    const start = lineIdx !== undefined ? headerStart(lines, lineIdx, rules.header) : sigStart;
    const header = text.slice(start, sigStart);
    const isSubtest = rules.language === 'go' && m[2] !== undefined;
    if (!isSubtest && !rules.isTest(header, name)) continue;
    const close = matchingBracket(masked, i);
    const end = close < 0 ? masked.length : close + 1;
    const body = masked.slice(i, end);
    const skipped =
      rules.skipHeader.test(header) ||
      rules.skipBody.test(body.split('\n').slice(0, 6).join('\n')) ||
      (rules.disabledName?.test(name) ?? false);
    spans.push({ name: isSubtest ? `${enclosing(spans, i)}/${name}` : name, start, end, skipped, focused: false });
  }
  const fileSkipped = rules.classSkip ? rules.classSkip.test(text) : false;
  // Statements are read without comments: a trailing `// FIXME` is not an operand.
  const code = maskComments(text, syntax);
  const statements = splitStatements(code, masked, false);
  if (rules.language === 'go') statements.push(...multiLineElements(code, masked, lines));
  statements.sort((a, b) => a.offset - b.offset);
  const assertionHelpers = rules.language === 'rust' ? assertingMacros(masked) : undefined;
  return buildModel(text, spans, statements, {
    language: rules.language,
    fileSkipped,
    fileFocused: false,
    assertionHelpers,
    masked,
  });
}

/** `macro_rules! name { … }` definitions whose bodies call an assertion macro, as `name!`. */
function assertingMacros(masked: string): Set<string> {
  const names = new Set<string>();
  for (const m of masked.matchAll(/\bmacro_rules!\s*(\w+)\s*\{/g)) {
    const open = (m.index ?? 0) + m[0].length - 1;
    const close = matchingBracket(masked, open);
    if (close > open && /\b(assert\w*|debug_assert\w*)!|\bpanic!/.test(masked.slice(open, close)))
      names.add(`${m[1]}!`);
  }
  return names;
}

/** Go table cases written over several lines: a `{` line, keyed fields, then `},`. */
function multiLineElements(text: string, masked: string, lines: Line[]): Statement[] {
  const out: Statement[] = [];
  lines.forEach((l, i) => {
    if (l.code !== '{') return;
    const open = l.start + masked.slice(l.start, l.end).indexOf('{');
    const close = matchingBracket(masked, open);
    if (close < 0) return;
    out.push({ text: text.slice(open, close + 1), masked: masked.slice(open, close + 1), offset: open, line: i + 1 });
  });
  return out;
}

function enclosing(spans: CaseSpan[], offset: number): string {
  const outer = spans.filter((s) => s.start < offset && s.end > offset).pop();
  return outer ? outer.name : '';
}

export function scanTestFile(text: string, language: Exclude<Language, 'javascript'>): TestFileModel {
  if (language === 'python') return scanPython(text);
  if (language === 'ruby') return scanRuby(text);
  return scanBraces(text, BRACE_RULES[language]);
}
