// Recognises an assertion in one statement and reduces it to relation, strength, operands and
// tolerance, so an edited assertion can be compared with its earlier form in any language.
import {
  type LexicalSyntax,
  maskStringsAndComments,
  matchingBracket,
  normalizeCode,
  splitTopLevel,
  isLiteral,
} from './source-text';
import type { AssertionStrength, Language } from './test-model';

export interface AssertionShape {
  relation: string;
  strength: AssertionStrength;
  args: string[];
  tolerance: number | null;
}

const GENERIC_SYNTAX: LexicalSyntax = {
  lineComments: [],
  blockComment: null,
  tripleQuotes: true,
  backtickStrings: true,
  singleQuoteStrings: true,
  // `/…/` literals (JS, Ruby) may hold quotes and `#` that must not open a string.
  regexLiterals: true,
};

interface Segment {
  name: string;
  args: string[] | null;
}

/** Parses `a.b(x).c.d(y)` into segments; returns null when the text is not such a chain. */
function parseChain(text: string): Segment[] | null {
  const masked = maskStringsAndComments(text, GENERIC_SYNTAX);
  const segments: Segment[] = [];
  let i = 0;
  while (i < text.length) {
    while (masked[i] === ' ' || masked[i] === '.' || masked[i] === '\n' || masked[i] === '?') i++;
    if (i >= text.length) break;
    const id = /^[A-Za-z_$@][\w$]*!?/.exec(masked.slice(i));
    if (!id) {
      if (masked[i] === '(' || masked[i] === '{') {
        // A bare group (Ruby `expect { … }` block or a parenthesised subject): attach to previous.
        const close = matchingBracket(masked, i);
        if (close < 0) return null;
        const inner = text.slice(i + 1, close);
        if (segments.length === 0) segments.push({ name: '', args: [inner.trim()] });
        else if (masked[i] === '{' && segments[segments.length - 1].args === null)
          segments[segments.length - 1].args = [inner.trim()];
        i = close + 1;
        continue;
      }
      return null;
    }
    const name = id[0];
    i += name.length;
    let j = i;
    while (masked[j] === ' ') j++;
    let args: string[] | null = null;
    if (masked[j] === '(' || masked[j] === '<') {
      if (masked[j] === '<') {
        // Generic arguments (`Assert.IsType<Foo>(x)`): skip them.
        const gt = masked.indexOf('>', j);
        if (gt < 0) return null;
        j = gt + 1;
      }
      if (masked[j] === '(') {
        const close = matchingBracket(masked, j);
        if (close < 0) return null;
        args = splitTopLevel(text.slice(j + 1, close), masked.slice(j + 1, close));
        i = close + 1;
      } else i = j;
    }
    segments.push({ name, args });
    // A chain may continue on the next line (`request(app)` ⏎ `.get('/')`).
    if (i < text.length && !'. \n?({'.includes(masked[i])) return null;
  }
  return segments.length > 0 ? segments : null;
}

const EQUAL = compactSet([
  'eq',
  'eql',
  'equal',
  'equals',
  'strictequal',
  'deepequal',
  'deepstrictequal',
  'tobe',
  'toequal',
  'tostrictequal',
  'isequalto',
  'assertequal',
  'assertequals',
  'assertsame',
  'areequal',
  'aresame',
  'assert_equal',
  'assert_eq!',
  'assertlistequal',
  'assertdictequal',
  'assertcountequal',
  'asserttupleequal',
  'assert_array_equal',
  'equalvalues',
  'exactly',
  'be',
  'beequivalentto',
  'tohavebeencalledwith',
  'assert_called_with',
  'assert_called_once_with',
  'assertarrayequals',
  'assertiterableequals',
  'isequal',
  'containsexactly',
  'tomatchobject',
  'equalf',
  'sequenceequal',
  'isequivalentto',
  'equalto',
  'sameas',
  'equivalentto',
  'is',
  'strictsame',
]);
const APPROX = compactSet([
  'tobecloseto',
  'assertalmostequal',
  'assertalmostequals',
  'indelta',
  'indeltaf',
  'be_within',
  'iscloseto',
  'beapproximately',
  'assert_allclose',
  'assert_almost_equal',
  'assert_in_delta',
  'closeto',
  'within',
  'approx',
  'assert_approx_eq!',
  'iscloseto',
]);
const WEAK = compactSet([
  'truthy',
  'ok',
  'asserttrue',
  'true',
  'istrue',
  'assert_',
  'assert',
  'assert!',
  'tobetruthy',
  'tobedefined',
  'be_truthy',
  'be_present',
  'isnotnull',
  'notnull',
  'assertnotnull',
  'assertisnotnone',
  'notbenull',
  'tobeinstanceof',
  'be_a',
  'be_kind_of',
  'be_an',
  'assertisinstance',
  'istype',
  'isinstanceoftype',
  'isinstanceof',
  'tobefalsy',
  'assertfalse',
  'false',
  'isfalse',
  'falsy',
  'notempty',
  'isnotempty',
  'notnil',
  'assertnotequal',
  'notequal',
  'arenotequal',
  'notstrictequal',
  'notdeepequal',
  'assert_ne!',
  'ne',
  'tothrow',
  'raise_error',
  'error',
  'assertnotequals',
  'exist',
  'exists',
  'tobenull',
  'be_nil',
  'tobeundefined',
  'assertisnone',
  'isnull',
  'nil',
  'assert_nil',
  'refute_nil',
  'assert_predicate',
  'notthrow',
  'doesnotthrow',
  'notpanics',
  'be_empty',
  'empty',
  'isempty',
  'tobenan',
  'tobe_truthy',
  'asserttrue!',
  'assert_not_nil',
  'defined',
  'undefined',
  'null',
  'isnotequalto',
  'notbe',
  'isnotempty',
]);
/** Matcher names compared without underscores: `be_within` and `bewithin`, `assert_equal` and `assertEqual`. */
function compact(name: string): string {
  return name.toLowerCase().replace(/_/g, '');
}

function compactSet(names: string[]): ReadonlySet<string> {
  return new Set(names.map(compact));
}

const IGNORED_CHAIN_WORDS = new Set([
  'to',
  'be',
  'been',
  'is',
  'that',
  'which',
  'and',
  'has',
  'have',
  'with',
  'at',
  'of',
  'same',
  'does',
  'deep',
  'own',
  'a',
  'an',
  'not',
  'not_to',
  'to_not',
  'should',
  'resolves',
  'rejects',
  'does_not',
  'also',
]);
/** The matcher of a chain: its last call, or its last word that is not a connective (`.to.be.true`). */
function lastMatcher(segments: Segment[]): Segment | null {
  return (
    [...segments]
      .reverse()
      .find((s) => (s.args !== null && s.args.length > 0) || !IGNORED_CHAIN_WORDS.has(s.name.toLowerCase())) ?? null
  );
}

const NEGATIONS = new Set(['not', 'not_to', 'to_not', 'isnot', 'should_not', 'does_not']);

/** Strength of a relation name, after lower-casing. */
function strengthOf(relation: string, hasExpected: boolean): AssertionStrength {
  if (EQUAL.has(relation)) return relation === 'be' && !hasExpected ? 1 : 3;
  if (APPROX.has(relation)) return 2;
  if (WEAK.has(relation)) return (relation === 'tothrow' || relation === 'raiseerror') && hasExpected ? 2 : 1;
  return 2;
}

function toNumber(text: string | undefined): number | null {
  if (text === undefined) return null;
  const m = /-?\d+(\.\d+)?([eE][-+]?\d+)?/.exec(text);
  return m ? Number(m[0]) : null;
}

function keywordArg(args: string[], names: string[]): string | undefined {
  for (const a of args) {
    const m = /^(\w+)\s*[=:]\s*(.+)$/s.exec(a);
    if (m && names.includes(m[1])) return m[2];
  }
  return undefined;
}

function positional(args: string[]): string[] {
  return args.filter((a) => !/^\w+\s*=(?!=)/.test(a));
}

function isConstant(args: string[]): boolean {
  return args.length > 0 && args.every((a) => isLiteral(a)) && new Set(args.map(normalizeCode)).size === 1;
}

/** A boolean condition: `a == b`, `a < b`, `x in y`, `isinstance(…)`, or plain truthiness. */
export function decomposeCondition(condition: string, negate = false): AssertionShape {
  const cond = unwrapParentheses(condition);
  const masked = maskStringsAndComments(cond, GENERIC_SYNTAX);
  const ops: [RegExp, string, AssertionStrength, AssertionStrength][] = [
    // [operator, relation, strength, strength when negated]
    [/===|==/, 'eq', 3, 1],
    [/!==|!=/, 'ne', 1, 3],
    [/<=|>=|<(?!-)|>/, 'ord', 2, 2],
    [/\bnot in\b/, 'notin', 2, 2],
    [/\bin\b/, 'in', 2, 2],
    [/\bis not\b/, 'isnot', 1, 1],
    [/\bis\b/, 'is', 2, 1],
  ];
  // `a === 1 || a === 2` accepts either value: it pins down less than one equality. `a && b`
  // holds when both do, as strong as its weakest part. Negated (Go's `if a || b { t.Fatal(…) }`)
  // one becomes the other: the test then asserts `!a && !b`.
  const either = splitTopLevelRegex(cond, masked, /\|\||\bor\b/);
  if (either)
    return negate
      ? allOf(cond, either, true)
      : { relation: 'any-of', strength: 2, args: [normalizeCode(cond)], tolerance: null };
  const both = splitTopLevelRegex(cond, masked, /&&|\band\b/);
  if (both)
    return negate
      ? { relation: 'not-all-of', strength: 1, args: [normalizeCode(cond)], tolerance: null }
      : allOf(cond, both, false);
  for (const [re, relation, strength, negStrength] of ops) {
    const parts = splitTopLevelRegex(cond, masked, re);
    if (!parts) continue;
    const [left, right] = parts;
    const approx = /(?:pytest\.)?approx\(([^,)]+)(.*)\)/s.exec(right);
    if (approx) {
      const tol = keywordArg(splitTopLevel(approx[2], approx[2]), ['rel', 'abs']);
      return {
        relation: 'approx',
        strength: 2,
        args: [normalizeCode(left), normalizeCode(approx[1])],
        tolerance: toNumber(tol) ?? 1e-6,
      };
    }
    const rel = negate ? (relation === 'eq' ? 'ne' : relation === 'ne' ? 'eq' : `not-${relation}`) : relation;
    const args = [normalizeCode(left), normalizeCode(right)];
    const s = negate ? negStrength : strength;
    return { relation: rel, strength: isConstant(args) ? 0 : s, args, tolerance: null };
  }
  const inner = cond.trim().replace(/^!\s*|^not\s+/, '');
  const flipped = inner !== cond.trim();
  const member = membershipOperands(inner);
  if (member) return { relation: flipped === negate ? 'in' : 'notin', strength: 2, args: member, tolerance: null };
  const call = parseChain(inner);
  if (call && call.length >= 1) {
    const last = call[call.length - 1];
    const name = last.name.toLowerCase();
    // The condition holds what is asserted unless exactly one of `!` and `if … { t.Error }` negates it.
    const asserted = flipped === negate;
    const args =
      last.args?.length === 1 && call.length > 1 && !PREDICATE_PACKAGES.test(call[0].name)
        ? [normalizeCode(chainText(call.slice(0, -1))), normalizeCode(last.args[0])]
        : (last.args ?? []).map(normalizeCode);
    if ((name === 'deepequal' || name === 'equal' || name === 'equals') && last.args) {
      return { relation: asserted ? 'eq' : 'ne', strength: asserted ? 3 : 1, args, tolerance: null };
    }
    // `strings.Contains(out, "x")`, `out.includes("x")`, `errors.Is(err, ErrX)`: read like the
    // library assertions they replace (`assert.Contains`, `assert.ErrorIs`), operands kept.
    const predicate = PREDICATES[compact(name)];
    if (predicate && args.length === 2)
      return { relation: asserted ? predicate : `not-${predicate}`, strength: asserted ? 2 : 1, args, tolerance: null };
  }
  const plain = normalizeCode(cond);
  const trivial = isLiteral(inner) || /^(true|True|1)$/.test(plain);
  return { relation: 'truthy', strength: trivial ? 0 : 1, args: [plain], tolerance: null };
}

/** `(a == b)` is `a == b` (Python's multi-line `assert (…)`); a tuple `(a, "msg")` stays as it is. */
function unwrapParentheses(expr: string): string {
  let e = expr.trim();
  for (;;) {
    const masked = maskStringsAndComments(e, GENERIC_SYNTAX);
    if (!masked.startsWith('(') || matchingBracket(masked, 0) !== masked.length - 1) return e;
    if (splitTopLevel(e.slice(1, -1), masked.slice(1, -1)).length !== 1) return e;
    e = e.slice(1, -1).trim();
  }
}

/** Every part must hold: the conjunction is as strong as its weakest part. */
function allOf(cond: string, parts: [string, string], negate: boolean): AssertionShape {
  const strength = Math.min(...parts.map((p) => decomposeCondition(p, negate).strength)) as AssertionStrength;
  return { relation: 'all-of', strength, args: [normalizeCode(cond)], tolerance: null };
}

/** A predicate that holds for equal values: `==`, `os.path.samefile`, `Objects.equals`, `isSameFile`. */
const SAMENESS = /^(same\w*|is_?same\w*|equals?|eq|deep_?equal|isequal)$/i;

/**
 * Membership spelled through a sameness predicate: Python `any(samefile(x, f) for f in files)`,
 * JS `files.some((f) => f === x)`. Returns `[x, files]`, the operands of `x in files`.
 */
function membershipOperands(cond: string): [string, string] | null {
  const generator = /^any\(\s*([^]*?)\s+for\s+(\w+)\s+in\s+([^]*?)\s*\)$/.exec(cond);
  const some = /^([^]*?)\.some\(\s*\(?\s*(\w+)\s*\)?\s*=>\s*([^]*?)\s*\)$/.exec(cond);
  const [predicate, element, collection] = generator
    ? [generator[1], generator[2], generator[3]]
    : some
      ? [some[3], some[2], some[1]]
      : [];
  if (!predicate || !element || !collection) return null;
  const masked = maskStringsAndComments(predicate, GENERIC_SYNTAX);
  let sides: string[] | null = splitTopLevelRegex(predicate, masked, /===|==/);
  if (!sides) {
    const call = parseChain(predicate);
    const last = call?.[call.length - 1];
    sides = last?.args?.length === 2 && SAMENESS.test(last.name) ? last.args : null;
  }
  if (!sides) return null;
  const mentions = (side: string): boolean => new RegExp(`\\b${element}\\b`).test(side);
  const other = sides.find((side) => !mentions(side));
  if (!other || !sides.some((side) => side.trim() === element)) return null;
  return [normalizeCode(other), normalizeCode(collection)];
}

/** Boolean predicates in conditions, by the relation of the library assertion they stand for. */
const PREDICATES: Record<string, string> = {
  contains: 'contains',
  includes: 'contains',
  containsstring: 'contains',
  hasprefix: 'startswith',
  startswith: 'startswith',
  hassuffix: 'endswith',
  endswith: 'endswith',
  is: 'erroris',
  as: 'erroras',
  matchstring: 'regexp',
  equalfold: 'equalfold',
};
/** Packages whose functions take the value under test as their first argument (`strings.Contains(s, x)`). */
const PREDICATE_PACKAGES = /^(strings|bytes|errors|regexp|slices|maps|reflect)$/;

function chainText(segments: Segment[]): string {
  return segments.map((s) => s.name + (s.args ? `(${s.args.join(',')})` : '')).join('.');
}

/** Splits `cond` into two sides at the first top-level match of `re`, or null. */
function splitTopLevelRegex(text: string, masked: string, re: RegExp): [string, string] | null {
  const sticky = new RegExp(`(?:${re.source})`, 'y');
  let depth = 0;
  for (let i = 0; i < masked.length; i++) {
    const c = masked[i];
    if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (depth === 0) {
      sticky.lastIndex = i;
      const m = sticky.exec(masked);
      // Word operators (`in`, `is`) must start at a word boundary in the whole text.
      if (m && /^\w/.test(m[0]) && /\w/.test(masked[i - 1] ?? '')) continue;
      if (
        m &&
        (m[0].length > 1 || !/[=<>!-]/.test(masked[i + 1] ?? '') || re.source.startsWith('<=')) &&
        !(masked[i - 1] ?? '').match(/[=<>!]/)
      ) {
        // `=>` arrow functions and `<-` channels are not comparisons.
        if (masked.slice(i, i + 2) === '=>' || masked.slice(i - 1, i + 1) === '=>') continue;
        const left = text.slice(0, i).trim();
        const right = text.slice(i + m[0].length).trim();
        if (left && right) return [left, right];
      }
    }
  }
  return null;
}

/** Rewrites RSpec's `expect(x).to eq y` into call syntax so one chain parser reads every language. */
function rubyToCalls(statement: string): string {
  return statement.replace(
    /\.(to|not_to|to_not|should|should_not)\s+([a-z_]\w*[?!]?)(?:\s*\(([^]*)\)|\s+([^]*))?\s*$/,
    (_m, verb: string, matcher: string, paren?: string, bare?: string) =>
      `.${verb}.${matcher}(${(paren ?? bare ?? '').trim()})`,
  );
}

/** Library assertions that check part of a value: membership, order, errors, lengths. */
const KNOWN_PARTIAL =
  /^(assert|refute)?(not)?(in|greater|less|raises|throws|contains|includes|regex|match|matches|len|length|subset|elementsmatch|startswith|endswith|panics|error|noerror|errorcontains|erroris|has\w*|empty|zero|positive|negative|condition|eventually|never|same|notsame|implements|fail|fails|warns|logs|called|calledonce|raisesregex|is\w+|not\w+|\w*(contains|includes|raises|throws|greater|less)\w*)$/;

const ASSERTION_CALL = /^(assert|expect|verify|check|should|refute)/i;
const AVA_ASSERTIONS = new Set([
  'is',
  'not',
  'deepEqual',
  'notDeepEqual',
  'like',
  'true',
  'false',
  'truthy',
  'falsy',
  'regex',
  'notRegex',
  'throws',
  'throwsAsync',
  'notThrows',
  'notThrowsAsync',
  'equal',
  'same',
  'strictSame',
  'ok',
  'notOk',
  'match',
  'snapshot',
]);
/** Objects whose methods are assertions when reached through a longer chain (`self.assertEqual`). */
const ASSERTION_OWNER =
  /^(self|this|assert|require|assertions|np|numpy|testing|collectionassert|stringassert|classicassert|t|s|suite)$/i;

/**
 * Reduces one statement to an assertion shape, or null when it is not an assertion.
 * `language` only selects statement syntax (Python's `assert` keyword, RSpec's bare matchers);
 * `helpers` names the file's own assertion macros (`check!`), whose calls assert too.
 */
export function decomposeAssertion(
  statement: string,
  language: Language,
  helpers: ReadonlySet<string> = NO_HELPERS,
): AssertionShape | null {
  const shape = assertionShape(statement, language, helpers);
  // A pattern with wildcards or classes accepts more than the exact text an `include` checks.
  if (shape && REGEX_MATCHERS.has(compact(shape.relation)) && shape.args.some(isLooseRegex))
    return { ...shape, strength: Math.min(shape.strength, 1) as AssertionStrength };
  return shape;
}

const REGEX_MATCHERS = compactSet([
  'match',
  'tomatch',
  'assert_match',
  'assertregex',
  'assertregexpmatches',
  'regex',
  'matches',
  'must_match',
  'matchesregex',
]);

function isLooseRegex(arg: string): boolean {
  const m = /^\/((?:\\.|[^/\\\n])+)\/[a-z]*$/.exec(arg.trim());
  return m !== null && /[.*+?[|]|\\[wdsWDS]/.test(m[1].replace(/\\[./]/g, ''));
}

const NO_HELPERS: ReadonlySet<string> = new Set();

function assertionShape(statement: string, language: Language, helpers: ReadonlySet<string>): AssertionShape | null {
  let text = statement
    .trim()
    .replace(/;$/, '')
    .replace(/^(await|return|try)\s+/, '');
  if (language === 'python') {
    const kw = /^assert\s+([^]*)$/.exec(text);
    if (kw) {
      const masked = maskStringsAndComments(kw[1], GENERIC_SYNTAX);
      const [cond] = splitTopLevel(kw[1], masked);
      return decomposeCondition(cond ?? 'True');
    }
    const raises = /^with\s+(?:pytest\.raises|self\.assertRaises\w*)\(([^]*)\)\s*(as\s+\w+)?:?$/.exec(text);
    if (raises) {
      // The exception type and the message pattern (`match=…`) are separate expected values.
      const parts = splitTopLevel(raises[1], maskStringsAndComments(raises[1], GENERIC_SYNTAX)).map((p) =>
        p.replace(/^match\s*=\s*/, ''),
      );
      return { relation: 'raises', strength: 2, args: parts.map(normalizeCode), tolerance: null };
    }
  }
  // Expected-exception declarations in a test's header assert that the code throws.
  const declared =
    /^(?:#\[should_panic(?:\(([^]*)\))?\]|\[ExpectedException\(([^]*)\)\]|@Test\s*\(\s*expected\s*=\s*([\w.]+)\s*\))$/.exec(
      text,
    );
  if (declared)
    return {
      relation: 'raises',
      strength: 2,
      args: [normalizeCode(declared[1] ?? declared[2] ?? declared[3] ?? '')],
      tolerance: null,
    };
  if (language === 'ruby') {
    text = rubyToCalls(text);
    const bare = /^(assert\w*|refute\w*)\s+(?!\()([^]*)$/.exec(text);
    if (bare) text = `${bare[1]}(${bare[2]})`;
  }
  const chain = parseChain(text);
  if (!chain) return null;
  const names = chain.map((s) => s.name.toLowerCase());
  const negated = names.some((n) => NEGATIONS.has(n));
  const shouldAt = names.findIndex((n) => n === 'should' || n === 'should_not');
  // NUnit's `Assert.That(actual, constraint)` reads like `assertThat(actual, matcher)`.
  if (names[0] === 'assert' && names[1] === 'that' && chain.length === 2) {
    chain.splice(0, 2, { name: 'assertThat', args: chain[1].args });
    names.splice(0, 2, 'assertthat');
  }
  const head = chain[0];
  const headName = names[0];
  // supertest: `request(app).get('/').expect('Content-Type', /json/).expect(200, body, done)`.
  const firstExpect = names.indexOf('expect', 1);
  if (language === 'javascript' && headName !== 'expect' && firstExpect > 0 && chain[firstExpect].args) {
    const expected = chain
      .slice(firstExpect)
      .filter((s) => s.name === 'expect' && s.args)
      .flatMap((s) => s.args ?? []);
    const args = [
      chainText(chain.slice(0, firstExpect)),
      ...expected.filter((a) => !/^(done|cb|callback|next)$/.test(a.trim())),
    ].map(normalizeCode);
    return { relation: 'expect', strength: 3, args, tolerance: null };
  }
  // Minitest expectations: `value.must_equal 3`, `_(value).wont_be_nil`.
  const mustAt = names.findIndex((n, k) => k > 0 && /^(must|wont)_/.test(n));
  if (mustAt > 0) {
    const m = chain[mustAt];
    const relation = compact(m.name.replace(/^(must|wont)_/, ''));
    const margs = m.args ?? [];
    const args = [normalizeCode(chainText(chain.slice(0, mustAt))), ...margs.map(normalizeCode)];
    const negatedMust = m.name.startsWith('wont_');
    const strength = negatedMust ? 1 : strengthOf(relation, margs.length > 0);
    return { relation: (negatedMust ? 'not-' : '') + relation, strength, args, tolerance: null };
  }

  let subject: string | null = null;
  let matcher: Segment | null = null;
  if (
    /^(expect|assertthat|assert_that|expect_that|is_expected)$/.test(headName) &&
    (chain.length > 1 || (head.args ?? []).length >= 2)
  ) {
    subject = headName === 'is_expected' ? 'subject' : (head.args ?? []).join(', ');
    matcher = lastMatcher(chain.slice(1));
    if (headName === 'assertthat' && head.args && head.args.length >= 2) {
      // NUnit `Assert.That(actual, Is.EqualTo(x))` / Hamcrest `assertThat(actual, equalTo(x))`.
      subject = head.args[0];
      const constraint = parseChain(head.args[1]);
      matcher = constraint ? lastMatcher(constraint) : null;
      if (constraint && constraint.length > 1 && constraint[constraint.length - 1].name.toLowerCase() === 'within') {
        const base = constraint[constraint.length - 2];
        return {
          relation: 'approx',
          strength: 2,
          args: [normalizeCode(subject), normalizeCode((base.args ?? [])[0] ?? '')],
          tolerance: toNumber(constraint[constraint.length - 1].args?.[0]),
        };
      }
    }
  } else if (headName === '' && chain.length > 1 && /^(to|not_to|to_not)$/.test(names[1])) {
    subject = (head.args ?? []).join(', ');
    matcher = chain[chain.length - 1];
  } else if (shouldAt > 0) {
    subject = chain
      .slice(0, shouldAt)
      .map((s) => s.name + (s.args ? `(${s.args.join(',')})` : ''))
      .join('.');
    matcher = lastMatcher(chain.slice(shouldAt + 1));
  }

  if (subject !== null) {
    if (!matcher) return null;
    const relationBase = compact(matcher.name);
    const margs = matcher.args ?? [];
    if (relationBase === 'of' || (relationBase === 'bewithin' && chain.some((s) => s.name === 'of'))) {
      const within = chain.find((s) => compact(s.name) === 'bewithin');
      const of = chain.find((s) => s.name === 'of');
      return {
        relation: 'approx',
        strength: 2,
        args: [normalizeCode(subject), normalizeCode(of?.args?.[0] ?? '')],
        tolerance: toNumber(within?.args?.[0]),
      };
    }
    if (relationBase === 'tobecloseto') {
      const digits = toNumber(margs[1]) ?? 2;
      return {
        relation: 'approx',
        strength: 2,
        args: [normalizeCode(subject), normalizeCode(margs[0] ?? '')],
        tolerance: 10 ** -digits / 2,
      };
    }
    if (relationBase === 'beapproximately' || relationBase === 'iscloseto' || relationBase === 'closeto') {
      return {
        relation: 'approx',
        strength: 2,
        args: [normalizeCode(subject), normalizeCode(margs[0] ?? '')],
        tolerance: toNumber(margs[1]),
      };
    }
    const args = [normalizeCode(subject), ...margs.map(normalizeCode)];
    let strength = strengthOf(relationBase, margs.length > 0);
    if (negated) strength = Math.min(strength, 1) as AssertionStrength;
    if (isLiteral(subject) && (margs.length === 0 || isConstant(args))) strength = 0;
    return { relation: (negated ? 'not-' : '') + relationBase, strength, args, tolerance: null };
  }

  // Call form: `assertEqual(a, b)`, `Assert.AreEqual(a, b)`, `assert.equal(a, b)`, `assert_eq!(a, b)`.
  const last = chain[chain.length - 1];
  if (!last.args) return null;
  const lastName = last.name;
  const owner = chain.length > 1 ? chain[chain.length - 2].name : '';
  // AVA and tap assert through the test's `t`: `t.is(a, b)`, `t.deepEqual(a, b)`, `t.true(x)`.
  const avaCall = language === 'javascript' && chain.length === 2 && owner === 't' && AVA_ASSERTIONS.has(lastName);
  if (
    !avaCall &&
    !ASSERTION_CALL.test(lastName) &&
    !/^(assert|require|assertions)$/i.test(owner) &&
    !(chain.length === 1 && helpers.has(lastName))
  )
    return null;
  if (
    chain.length > 2 &&
    !ASSERTION_OWNER.test(owner) &&
    !/^(np|numpy|testing|org|junit|unittest|pytest)$/.test(chain[0].name)
  )
    return null;
  let args = positional(last.args);
  // Go's testify passes the *testing.T first.
  if (owner === 'assert' || owner === 'require') {
    if (language === 'go' && args.length > 0 && /^t$/.test(args[0].trim())) args = args.slice(1);
  }
  const rel = compact(lastName);
  if (/^(assert!?|asserttrue|true|istrue|ok|debugassert!|check|expect|verify|that)$/.test(rel) && args.length >= 1) {
    const shape = decomposeCondition(args[0]);
    if (shape.relation !== 'truthy' || shape.strength === 0) return shape;
    return {
      relation: rel === 'ok' || rel === 'assert' || rel === 'assert!' ? 'truthy' : rel,
      strength: 1,
      args: shape.args,
      tolerance: null,
    };
  }
  const tolKw = keywordArg(last.args, ['places', 'delta', 'rtol', 'atol', 'epsilon', 'precision', 'tolerance']);
  const isApprox =
    APPROX.has(rel) ||
    ((rel === 'assertequals' || rel === 'areequal' || rel === 'equal') &&
      args.length === 3 &&
      toNumber(args[2]) !== null &&
      language !== 'go');
  if (isApprox || tolKw !== undefined) {
    let tolerance = toNumber(tolKw ?? args[2]);
    if (tolKw !== undefined && keywordArg(last.args, ['places', 'precision']) !== undefined && tolerance !== null)
      tolerance = 10 ** -tolerance;
    else if (tolKw === undefined && rel === 'assertalmostequal') tolerance = 10 ** -(toNumber(args[2]) ?? 7);
    return { relation: 'approx', strength: 2, args: args.slice(0, 2).map(normalizeCode), tolerance };
  }
  const normalized = args.map(normalizeCode);
  const known = EQUAL.has(rel) || APPROX.has(rel) || WEAK.has(rel) || KNOWN_PARTIAL.test(rel);
  // Literals compared with each other always hold; one literal alone is the expected value of a
  // helper that checks state it holds (`assertCode("…")`), unless the check is mere truthiness.
  const constant = isConstant(normalized) && (normalized.length >= 2 || WEAK.has(rel));
  // A project's own assertion helper (`assert_valid_invoice(x)`) is taken to check fully.
  const strength = constant ? 0 : known ? strengthOf(rel, normalized.length > 1) : 3;
  return { relation: rel, strength, args: normalized, tolerance: null };
}

const NULL_CHECKS = compactSet([
  'isnull',
  'tobenull',
  'be_nil',
  'assertisnone',
  'assertnull',
  'assert_nil',
  'nil',
  'null',
  'tobe_nil',
]);
const TRUE_CHECKS = compactSet(['istrue', 'asserttrue', 'true', 'tobetrue', 'be_true']);
const FALSE_CHECKS = compactSet(['isfalse', 'assertfalse', 'false', 'tobefalse', 'be_false']);

/** `Boolean.TRUE` and `true` are one value to an equality assertion. */
function canonicalOperand(arg: string): string {
  const boxed = /^(?:java\.lang\.)?Boolean\.(TRUE|FALSE)$/.exec(arg);
  return boxed ? boxed[1].toLowerCase() : arg;
}

/**
 * The operands of an assertion that checks exact equality, with null and boolean checks read as
 * equality with `null`/`true`/`false` (`isNull()` is `isEqualTo(null)`), or null for any other
 * assertion. Two assertions with the same operands check the same thing.
 */
export function equalityOperands(site: { relation: string; args: string[] }): string[] | null {
  const relation = compact(site.relation);
  const [subject, ...rest] = site.args.map(canonicalOperand);
  if (subject === undefined) return null;
  if (NULL_CHECKS.has(relation) && rest.length === 0) return [subject, 'null'];
  if (TRUE_CHECKS.has(relation) && rest.length === 0) return [subject, 'true'];
  if (FALSE_CHECKS.has(relation) && rest.length === 0) return [subject, 'false'];
  if ((EQUAL.has(relation) || relation === 'eq') && rest.length === 1) return [subject, rest[0]];
  return null;
}
