// The TamperClassifier: one FileEdit's before/after text → the kinds of change it makes, each with
// the evidence (test, line, old and new value) the flag's reason and the UI show.
import type { FlagKind } from '../core/flags';
import { hasInlineTests, languageOf, roleOf, type FileRole } from './file-roles';
import { markerCounts } from './markers';
import { equalityOperands } from './assertions';
import { codeOnly, parseTestFile } from './parse';
import { isLiteral, literalValue, normalizeCode } from './source-text';
import {
  addsEqOverride,
  addsForcedExit,
  addsTestEnvCheck,
  narrowsTestCommand,
  specialCasedLiterals,
} from './text-rules';
import type { AssertionSite, DataRow, Language, TestCase, TestFileModel } from './test-model';

export interface EditToClassify {
  path: string;
  op: 'create' | 'update' | 'delete';
  before?: string;
  after?: string;
  /** Used when only a unified diff is known. */
  diff?: string;
  /** The watcher's verdict from the user's test-path globs; a test path is read as tests. */
  isTestPath?: boolean;
}

export interface ClassifyContext {
  /** Test ids the last run reported as failing (any id format; matched by test name). */
  failingIds: readonly string[];
  /** The last failing run's output, where "actual" values appear. */
  lastFailingOutput: string | null;
  /** Distinctive literals from the workspace's test files (for special-casing). */
  testLiterals: ReadonlySet<string>;
}

export interface Finding {
  kind: FlagKind;
  detail: string;
  line: number | null;
  test: string | null;
  /** The test was failing in the last run (deleting or skipping it weighs more). */
  wasFailing: boolean;
  /** The new expected value is what the last failing run reported. */
  matchesLastActual: boolean;
}

export interface Classification {
  role: FileRole;
  kinds: FlagKind[];
  findings: Finding[];
  /** The texts compared: the edit's own, or the fragments of its diff ('' for a missing side). */
  before: string;
  after: string;
}

export const EMPTY_CONTEXT: ClassifyContext = { failingIds: [], lastFailingOutput: null, testLiterals: new Set() };

/**
 * Splits a diff into the before and after fragments it shows: unified diffs, and the
 * search/replace blocks Cline, Roo and Aider write.
 */
export function textsFromDiff(diff: string): { before: string; after: string } {
  if (/^<{5,} SEARCH\s*$/m.test(diff)) {
    const blocks = [...diff.matchAll(/^<{5,} SEARCH\s*\n([^]*?)^={5,}\s*\n([^]*?)^>{5,} REPLACE\s*$/gm)];
    return { before: blocks.map((b) => b[1]).join('\n'), after: blocks.map((b) => b[2]).join('\n') };
  }
  const before: string[] = [];
  const after: string[] = [];
  const lines = diff.split('\n');
  let inHunk = false;
  for (const [i, line] of lines.entries()) {
    // Inside a hunk, '---x' is the removed line '--x' unless a '+++' file header pairs with it.
    const fileHeader = line.startsWith('---')
      ? !inHunk || lines[i + 1]?.startsWith('+++') === true
      : line.startsWith('+++') && lines[i - 1]?.startsWith('---') === true;
    if (fileHeader || /^(diff |index )/.test(line)) {
      inHunk = false;
      continue;
    }
    if (line.startsWith('@@')) {
      inHunk = true;
      continue;
    }
    if (line.startsWith('-')) before.push(line.slice(1));
    else if (line.startsWith('+')) after.push(line.slice(1));
    else {
      before.push(line.slice(1));
      after.push(line.slice(1));
    }
  }
  return { before: before.join('\n'), after: after.join('\n') };
}

function isFailing(test: string | null, context: ClassifyContext): boolean {
  if (!test) return false;
  const leaf = test.split('/').pop() ?? test;
  return context.failingIds.some(
    (id) => id === test || id.endsWith(test) || id.split(/::|\/|\.|#| > | /).includes(leaf) || id.includes(test),
  );
}

function valueInOutput(value: string, output: string | null): boolean {
  if (!output) return false;
  // Runners print numbers without source suffixes (`0.16m`, `2L`, `1.5f`).
  const v = literalValue(value).replace(/^(-?\d[\d_]*(?:\.\d+)?)[mMfFdDlLuU]$/, '$1');
  if (v.length === 0) return false;
  const escaped = v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^\\w.])${escaped}($|[^\\w.])`, 'm').test(output);
}

function finding(
  kind: FlagKind,
  detail: string,
  test: string | null,
  line: number | null,
  context: ClassifyContext,
  matchesLastActual = false,
): Finding {
  return { kind, detail, line, test, wasFailing: isFailing(test, context), matchesLastActual };
}

/** Multiset difference of items by key. */
function minus<T>(a: T[], b: T[], key: (t: T) => string): T[] {
  const counts = new Map<string, number>();
  for (const x of b) counts.set(key(x), (counts.get(key(x)) ?? 0) + 1);
  const out: T[] = [];
  for (const x of a) {
    const n = counts.get(key(x)) ?? 0;
    if (n > 0) counts.set(key(x), n - 1);
    else out.push(x);
  }
  return out;
}

function similarity(a: string, b: string): number {
  if (a === b) return 1;
  const grams = (s: string): Map<string, number> => {
    const m = new Map<string, number>();
    for (let i = 0; i + 3 <= s.length; i++) m.set(s.slice(i, i + 3), (m.get(s.slice(i, i + 3)) ?? 0) + 1);
    return m;
  };
  const ga = grams(a);
  const gb = grams(b);
  let common = 0;
  let total = 0;
  for (const [g, n] of ga) common += Math.min(n, gb.get(g) ?? 0);
  for (const n of ga.values()) total += n;
  for (const n of gb.values()) total += n;
  return total === 0 ? 0 : (2 * common) / total;
}

/** Literal operands of a case's assertions, to recognise tests folded into a table. */
function caseLiterals(model: TestFileModel, name: string): string[] {
  // Numeric type suffixes (`0.19m`, `2L`) may be dropped when values move into a data table.
  return model.assertions
    .filter((s) => s.caseName === name)
    .flatMap((s) => s.args.filter(isLiteral))
    .map((v) => literalValue(v).replace(/^(-?[\d.]+)[mMfFdDlLuU]$/, '$1'));
}

interface CaseChanges {
  /** Cases gone from the file (deleted or folded); their assertions are accounted for already. */
  deleted: Set<string>;
  /** Old name → new name of renamed cases. */
  renamed: Map<string, string>;
}

/** Text of each case (header lines included) and of the lines outside every case. */
interface CaseTexts {
  of: (c: TestCase) => string;
  outside: string;
}

function caseTexts(model: TestFileModel, text: string): CaseTexts {
  const lines = text.split('\n');
  const covered = new Set<number>();
  for (const c of model.cases) for (let l = c.startLine; l <= c.endLine; l++) covered.add(l);
  return {
    of: (c) => lines.slice(c.startLine - 1, c.endLine).join('\n'),
    outside: lines.filter((_, i) => !covered.has(i + 1)).join('\n'),
  };
}

/**
 * Skip markers a test gained although it counted as skipped or not before: a second marker on an
 * already-marked test, a conditional `t.Skip`/`skip` deep in its body, a `#[cfg(not(…))]`.
 */
function gainsSkipMarker(language: Language, b: TestCase, a: TestCase, before: CaseTexts, after: CaseTexts): boolean {
  return markerCounts(language, after.of(a)).skip > markerCounts(language, before.of(b)).skip;
}

function compareCases(
  before: TestFileModel,
  after: TestFileModel,
  texts: { before: string; after: string },
  context: ClassifyContext,
  out: Finding[],
): CaseChanges {
  const afterText = texts.after;
  const beforeTexts = caseTexts(before, texts.before);
  const afterTexts = caseTexts(after, texts.after);
  const language = after.language;
  const afterByName = new Map(after.cases.map((c) => [c.name, c]));
  const beforeNames = new Set(before.cases.map((c) => c.name));
  const addedCases = after.cases.filter((c) => !beforeNames.has(c.name));
  const deleted = new Set<string>();
  const renamed = new Map<string, string>();
  const normalizedAfter = normalizeCode(afterText);
  for (const b of before.cases) {
    const a = afterByName.get(b.name);
    if (!a) {
      // A new test that is mostly the old body, or still makes every one of its assertions.
      const kept = before.assertions.filter((x) => x.caseName === b.name).map((x) => x.key);
      const successor = addedCases.find((c) => {
        if (similarity(c.body, b.body) >= 0.7) return true;
        const now = new Set(after.assertions.filter((x) => x.caseName === c.name).map((x) => x.key));
        return kept.length > 0 && kept.every((k) => now.has(k));
      });
      if (successor) {
        addedCases.splice(addedCases.indexOf(successor), 1);
        renamed.set(b.name, successor.name);
        out.push(
          finding(
            'test-refactored',
            `test '${b.name}' renamed to '${successor.name}'`,
            successor.name,
            successor.startLine,
            context,
          ),
        );
        if ((!b.skipped && successor.skipped) || gainsSkipMarker(language, b, successor, beforeTexts, afterTexts))
          out.push(finding('skip-added', `'${successor.name}' is now skipped`, b.name, successor.startLine, context));
        continue;
      }
      // Its checked values all reappear next to a new test: folded into a table, not deleted.
      const literals = caseLiterals(before, b.name);
      const gainedTests = after.cases.some((c) => !beforeNames.has(c.name));
      if (gainedTests && literals.length > 0 && literals.every((v) => normalizedAfter.includes(v))) {
        out.push(
          finding('test-refactored', `test '${b.name}' folded into a table-driven test`, b.name, b.startLine, context),
        );
        // Its assertions live on as table rows; do not count them as removed.
        deleted.add(b.name);
        continue;
      }
      deleted.add(b.name);
      out.push(finding('test-deleted', `test '${b.name}' deleted`, b.name, b.startLine, context));
      continue;
    }
    if (!after.fileSkipped && ((!b.skipped && a.skipped) || gainsSkipMarker(language, b, a, beforeTexts, afterTexts)))
      out.push(finding('skip-added', `'${a.name}' is now skipped`, a.name, a.startLine, context));
    if (!b.focused && a.focused && !after.fileFocused)
      out.push(finding('focus-added', `'${a.name}' is now the only focused test`, a.name, a.startLine, context));
  }
  for (const c of addedCases) {
    if (c.focused && !after.fileFocused)
      out.push(finding('focus-added', `new test '${c.name}' is focused`, c.name, c.startLine, context));
    else out.push(finding('test-added', `test '${c.name}' added`, c.name, c.startLine, context));
  }
  if (!before.fileSkipped && after.fileSkipped)
    out.push(finding('skip-added', 'the whole file or suite is now skipped', null, null, context));
  // Tests the parser cannot see as cases (macro-generated, loops of `it` calls) still get skipped
  // by markers outside every recognised case.
  else if (markerCounts(language, afterTexts.outside).skip > markerCounts(language, beforeTexts.outside).skip)
    out.push(finding('skip-added', 'a skip marker was added', null, null, context));
  if (after.registrationGuards > before.registrationGuards)
    out.push(finding('skip-added', 'a conditional return now keeps tests from being registered', null, null, context));
  if (!before.fileFocused && after.fileFocused)
    out.push(finding('focus-added', 'the whole suite is now focused', null, null, context));
  return { deleted, renamed };
}

function sharedArgs(a: AssertionSite, b: AssertionSite): number {
  return a.args.filter((x) => b.args.includes(x)).length;
}

function compareAssertions(
  before: TestFileModel,
  after: TestFileModel,
  changes: CaseChanges,
  context: ClassifyContext,
  out: Finding[],
): void {
  const { deleted, renamed } = changes;
  // Assertions of a renamed test belong to its new name.
  const beforeAssertions = before.assertions.map((s) =>
    s.caseName && renamed.has(s.caseName) ? { ...s, caseName: renamed.get(s.caseName) ?? null } : s,
  );
  // Match identical assertions within the same test first, then ones that moved between tests.
  // The same assertion moved under an `if` is not the same check.
  const key = (s: AssertionSite): string => `${s.conditional ? 'if\u0000' : ''}${s.key}`;
  const keyInCase = (s: AssertionSite): string => `${s.caseName ?? ''}\u0000${key(s)}`;
  const removedInCase = minus(beforeAssertions, after.assertions, keyInCase);
  const addedInCase = minus(after.assertions, beforeAssertions, keyInCase);
  const removed = minus(removedInCase, addedInCase, key).filter((s) => !s.caseName || !deleted.has(s.caseName));
  const added = minus(addedInCase, removedInCase, key);
  reportMovesIntoSkipped(
    before,
    after,
    renamed,
    minus(removedInCase, removed, key),
    minus(addedInCase, added, key),
    context,
    out,
  );
  const unpairedAdded = new Set(added);
  const unpairedRemoved: AssertionSite[] = [];
  for (const r of removed) {
    let best: AssertionSite | null = null;
    let bestScore = 0;
    for (const a of unpairedAdded) {
      const shared = sharedArgs(r, a);
      const sameRelation = r.relation === a.relation;
      const score = shared * 2 + (sameRelation ? 1 : 0) + (r.caseName === a.caseName ? 0.5 : 0);
      const plausible =
        shared > 0 ||
        (a.strength === 0 && r.caseName === a.caseName) ||
        (sameRelation &&
          r.caseName === a.caseName &&
          r.args.length === a.args.length &&
          (r.args.length >= 2 || onlyExpected(r, a)));
      if (plausible && score > bestScore) {
        best = a;
        bestScore = score;
      }
    }
    if (!best) {
      unpairedRemoved.push(r);
      continue;
    }
    unpairedAdded.delete(best);
    comparePair(r, best, after, context, out);
  }
  // An unrelated assertion that replaces one in the same test still has to be as strong.
  const pending: AssertionSite[] = [];
  const replacements: AssertionSite[] = [];
  for (const r of unpairedRemoved) {
    // One check may replace several (`t.is(x, 1)` and `t.is(x, 2)` → `t.true(x === 1 || x === 2)`).
    const replacement =
      [...unpairedAdded].find((a) => a.strength > 0 && a.caseName === r.caseName) ??
      replacements.find((a) => a.caseName === r.caseName && r.args.every((x) => a.key.includes(x)));
    if (!replacement) {
      pending.push(r);
      continue;
    }
    unpairedAdded.delete(replacement);
    replacements.push(replacement);
    if (weaker(replacement, r))
      out.push(
        finding(
          'assertion-weakened',
          `${r.key} → ${replacement.key}${movedUnderCondition(r, replacement)}`,
          r.caseName,
          replacement.line,
          context,
        ),
      );
  }
  const surplus = pending.length - [...unpairedAdded].filter((a) => a.strength > 0).length;
  if (surplus > 0) {
    for (const r of pending.slice(0, surplus))
      out.push(finding('assertion-removed', `assertion removed: ${r.key}`, r.caseName, r.line, context));
  }
  for (const a of unpairedAdded)
    if (a.strength === 0)
      out.push(
        finding('assertion-weakened', `assertion that always holds added: ${a.key}`, a.caseName, a.line, context),
      );
}

/**
 * Assertions that moved from a running test into one that is skipped or gated (a new test under
 * `#[rustversion::since(…)]`) no longer run everywhere they did.
 */
function reportMovesIntoSkipped(
  before: TestFileModel,
  after: TestFileModel,
  renamed: Map<string, string>,
  movedFrom: AssertionSite[],
  movedTo: AssertionSite[],
  context: ClassifyContext,
  out: Finding[],
): void {
  const skippedBefore = new Set(before.cases.filter((c) => c.skipped).map((c) => renamed.get(c.name) ?? c.name));
  const skippedAfter = new Set(after.cases.filter((c) => c.skipped).map((c) => c.name));
  const sources = movedFrom.filter((r) => !before.fileSkipped && !(r.caseName && skippedBefore.has(r.caseName)));
  const gated = new Set<string>();
  for (const a of movedTo) {
    if (!a.caseName || !skippedAfter.has(a.caseName) || gated.has(a.caseName)) continue;
    const source = sources.find((r) => r.key === a.key);
    if (!source) continue;
    sources.splice(sources.indexOf(source), 1);
    gated.add(a.caseName);
    out.push(
      finding(
        'skip-added',
        `assertions of '${source.caseName}' moved into '${a.caseName}', which does not run everywhere`,
        source.caseName,
        a.line,
        context,
      ),
    );
  }
}

/** A helper given only the expected value (`assert_body(/…/)`, `assertCode("…")`) on both sides. */
function onlyExpected(r: AssertionSite, a: AssertionSite): boolean {
  return r.args.length === 1 && a.args.length === 1 && isLiteral(r.args[0]) && isLiteral(a.args[0]);
}

/**
 * An assertion that pins down less, checks one part of a conjunction it replaces
 * (`x >= 2 && x <= 4` → `x >= 2`), or may not run at all where its predecessor always ran.
 */
function weaker(a: AssertionSite, r: AssertionSite): boolean {
  const partOf =
    r.relation === 'all-of' &&
    a.relation !== 'all-of' &&
    a.args.length > 0 &&
    a.args.every((x) => r.args[0].includes(x));
  return a.strength < r.strength || partOf || (a.conditional && !r.conditional);
}

function movedUnderCondition(r: AssertionSite, a: AssertionSite): string {
  return a.conditional && !r.conditional ? ' (now only checked under a condition)' : '';
}

function comparePair(
  r: AssertionSite,
  a: AssertionSite,
  after: TestFileModel,
  context: ClassifyContext,
  out: Finding[],
): void {
  if (a.conditional && !r.conditional) {
    out.push(
      finding('assertion-weakened', `${r.key} → ${a.key}${movedUnderCondition(r, a)}`, a.caseName, a.line, context),
    );
    return;
  }
  // Equality in another spelling (`isEqualTo(null)` → `isNull()`, `Boolean.TRUE` → `true`) checks
  // the same; `isTrue()` → `isFalse()` changes the expected value.
  const eqBefore = equalityOperands(r);
  const eqAfter = equalityOperands(a);
  if (eqBefore && eqAfter) {
    const gone = minus(eqBefore, eqAfter, (x) => x);
    const came = minus(eqAfter, eqBefore, (x) => x);
    if (gone.length === 0 && came.length === 0) {
      out.push(finding('test-refactored', `${r.key} → ${a.key}`, a.caseName, a.line, context));
      return;
    }
    if (r.relation !== a.relation && gone.length === 1 && came.length === 1 && isLiteral(came[0])) {
      const matches = valueInOutput(came[0], context.lastFailingOutput);
      out.push(
        finding(
          'expected-value-changed',
          `expected ${gone[0]} → ${came[0]}${matches ? ' (the value the last failing run reported)' : ''}`,
          a.caseName,
          a.line,
          context,
          matches,
        ),
      );
      return;
    }
  }
  if (weaker(a, r)) {
    out.push(finding('assertion-weakened', `${r.key} → ${a.key}`, a.caseName, a.line, context));
    return;
  }
  if (
    r.relation === 'approx' &&
    a.relation === 'approx' &&
    r.tolerance !== null &&
    a.tolerance !== null &&
    a.tolerance > r.tolerance
  ) {
    out.push(
      finding('assertion-weakened', `tolerance ${r.tolerance} → ${a.tolerance}: ${a.key}`, a.caseName, a.line, context),
    );
    return;
  }
  const changedOld = r.args.filter((x) => !a.args.includes(x));
  const changedNew = a.args.filter((x) => !r.args.includes(x));
  // A literal replaced by an expression (e.g. a helper's parameter) is a refactor, not a new value,
  // unless the test assigns that name literals of its own (`errmsg = "…"` in an if/else).
  const literalChange = changedNew.length === 1 && isLiteral(changedNew[0]);
  const bound =
    changedNew.length === 1 && changedOld.length === 1 && isLiteral(changedOld[0])
      ? after.literalBindings.filter((b) => b.caseName === a.caseName && b.name === changedNew[0]).map((b) => b.value)
      : [];
  if (r.relation === a.relation && bound.some((v) => v !== changedOld[0])) {
    const matches = bound.some((v) => valueInOutput(v, context.lastFailingOutput));
    out.push(
      finding(
        'expected-value-changed',
        `expected ${changedOld[0]} → ${changedNew[0]} (assigned ${bound.join(' or ')})`,
        a.caseName,
        a.line,
        context,
        matches,
      ),
    );
    return;
  }
  // A partial matcher given a shorter piece of its old text (`match='must be'`) accepts more.
  if (
    PARTIAL_MATCH.test(r.relation) &&
    PARTIAL_MATCH.test(a.relation) &&
    changedNew.length === 1 &&
    changedOld.length === 1 &&
    isLiteral(changedNew[0]) &&
    isLiteral(changedOld[0])
  ) {
    const was = matchedText(changedOld[0]);
    const now = matchedText(changedNew[0]);
    if (now.length < was.length && was.includes(now)) {
      out.push(finding('assertion-weakened', `${r.key} → ${a.key}`, a.caseName, a.line, context));
      return;
    }
  }
  if (
    r.relation === a.relation &&
    changedNew.length === 1 &&
    changedOld.length === 1 &&
    literalChange &&
    (sharedArgs(r, a) > 0 || onlyExpected(r, a))
  ) {
    const matches = valueInOutput(changedNew[0], context.lastFailingOutput);
    out.push(
      finding(
        'expected-value-changed',
        `expected ${changedOld[0]} → ${changedNew[0]}${matches ? ' (the value the last failing run reported)' : ''}`,
        a.caseName,
        a.line,
        context,
        matches,
      ),
    );
    return;
  }
  out.push(finding('test-refactored', `${r.key} → ${a.key}`, a.caseName, a.line, context));
}

const PARTIAL_MATCH = /contain|include|match|regex|raise|throw|startswith|endswith/i;

/** The text a string or regex literal asks for: `'a.b'` → a.b, `/a\.b/` → a.b. */
function matchedText(literal: string): string {
  const regex = /^\/(.*)\/[a-z]*$/s.exec(literal.trim());
  return regex ? regex[1].replace(/\\(.)/g, '$1') : literalValue(literal);
}

function rowKey(r: DataRow): string {
  return `${r.caseName ?? ''}\u0000${r.values.join('\u0001')}`;
}

function expectationKey(value: string): boolean {
  return /^(want|expected?|exp|out(put)?|result|answer|sum|total)\w*\s*:/i.test(value);
}

function compareRows(
  before: TestFileModel,
  after: TestFileModel,
  deleted: Set<string>,
  context: ClassifyContext,
  out: Finding[],
): void {
  const removed = minus(before.rows, after.rows, rowKey).filter((r) => !r.caseName || !deleted.has(r.caseName));
  const added = new Set(minus(after.rows, before.rows, rowKey));
  let unmatched = 0;
  for (const r of removed) {
    const partner = [...added].find(
      (a) =>
        a.caseName === r.caseName &&
        a.values.length === r.values.length &&
        a.values.filter((v, i) => v !== r.values[i]).length === 1,
    );
    if (!partner) {
      unmatched++;
      continue;
    }
    added.delete(partner);
    const i = partner.values.findIndex((v, k) => v !== r.values[k]);
    const isExpected = i === r.values.length - 1 || expectationKey(r.values[i]);
    if (!isExpected) {
      out.push(
        finding(
          'test-refactored',
          `table row input changed: ${r.values[i]} → ${partner.values[i]}`,
          partner.caseName,
          partner.line,
          context,
        ),
      );
      continue;
    }
    const newValue = partner.values[i].replace(/^\w+\s*:\s*/, '');
    const oldValue = r.values[i].replace(/^\w+\s*:\s*/, '');
    if (sameLiterals(oldValue, newValue)) {
      out.push(
        finding(
          'test-refactored',
          `table row value rewritten with the same literals: ${oldValue} → ${newValue}`,
          partner.caseName,
          partner.line,
          context,
        ),
      );
      continue;
    }
    const matches = valueInOutput(newValue, context.lastFailingOutput);
    out.push(
      finding(
        'expected-value-changed',
        `table row expected ${oldValue} → ${newValue}`,
        partner.caseName,
        partner.line,
        context,
        matches,
      ),
    );
  }
  if (unmatched > added.size)
    out.push(
      finding(
        'test-deleted',
        `${unmatched - added.size} table row(s) removed`,
        removed[0]?.caseName ?? null,
        removed[0]?.line ?? null,
        context,
      ),
    );
  const skippedRows = (m: TestFileModel): number =>
    m.rows.filter((r) => r.values.some((v) => SKIP_FIELD.test(v))).length;
  if (skippedRows(after) > skippedRows(before))
    out.push(finding('skip-added', 'a table case now has a skip field', null, null, context));
}

/** A keyed table field that skips its row: `skip: "flaky"`, `skip: true` (not false/empty). */
const SKIP_FIELD = /^(skip|skipped|disabled?|ignored?|pending)\w*\s*:\s*(?!false\b|""|''|nil\b|null\b)\S/i;

/** The string and number literals in a piece of code. */
function literalsIn(code: string): string[] {
  return [...code.matchAll(/"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|(?<![\w.])-?\d+(?:\.\d+)?(?![\w.])/g)].map((m) => m[0]);
}

/** Whether two values hold the same literals: the same data re-wrapped (`pytest.param(…)`). */
function sameLiterals(a: string, b: string): boolean {
  const la = literalsIn(a).sort();
  return la.length > 0 && la.join('\u0000') === literalsIn(b).sort().join('\u0000');
}

function compareExpectations(
  before: TestFileModel,
  after: TestFileModel,
  context: ClassifyContext,
  out: Finding[],
): void {
  const group = (m: TestFileModel): Map<string, TestFileModel['expectations']> => {
    const g = new Map<string, TestFileModel['expectations']>();
    for (const e of m.expectations) {
      const k = `${e.caseName ?? ''}\u0000${e.name}`;
      g.set(k, [...(g.get(k) ?? []), e]);
    }
    return g;
  };
  const b = group(before);
  const a = group(after);
  for (const [k, olds] of b) {
    const news = a.get(k);
    if (!news || news.length !== olds.length) continue;
    olds.forEach((o, i) => {
      const n = news[i];
      if (o.value === n.value) return;
      const matches = valueInOutput(n.value, context.lastFailingOutput);
      out.push(
        finding('expected-value-changed', `${o.name}: ${o.value} → ${n.value}`, n.caseName, n.line, context, matches),
      );
    });
  }
}

function classifyTestFile(path: string, before: string, after: string, context: ClassifyContext, out: Finding[]): void {
  const b = parseTestFile(path, before);
  const a = parseTestFile(path, after);
  if (!a || !b) return;
  const changes = compareCases(b, a, { before, after }, context, out);
  if (b.cases.length === 0 && a.cases.length === 0) {
    // A fragment without whole test cases: count the focus markers themselves (skip markers
    // outside cases are counted for every file).
    if (markerCounts(a.language, after).focus > markerCounts(b.language, before).focus)
      out.push(finding('focus-added', 'a focus marker (.only) was added', null, null, context));
  }
  compareAssertions(b, a, changes, context, out);
  compareRows(b, a, changes.deleted, context, out);
  compareExpectations(b, a, context, out);
  if (out.length === 0 && before !== after)
    out.push(finding('test-refactored', 'test code changed without weakening it', null, null, context));
}

/** Classifies one edit. Kinds are listed once each, tampering kinds before benign ones. */
export function classifyEdit(edit: EditToClassify, context: ClassifyContext = EMPTY_CONTEXT): Classification {
  const fromDiff =
    edit.diff !== undefined && edit.before === undefined && edit.after === undefined ? textsFromDiff(edit.diff) : null;
  const before = edit.op === 'create' ? '' : (fromDiff?.before ?? edit.before ?? '');
  const after = edit.op === 'delete' ? '' : (fromDiff?.after ?? edit.after ?? '');
  const language = languageOf(edit.path);
  let role = roleOf(edit.path);
  if (
    role === 'production' &&
    language &&
    (edit.isTestPath || hasInlineTests(before, language) || hasInlineTests(after, language))
  )
    role = 'test';
  const out: Finding[] = [];

  if (role === 'snapshot') {
    if (before.trim() && before !== after)
      out.push(
        finding(
          'snapshot-updated',
          edit.op === 'delete' ? 'snapshot file deleted' : 'stored snapshot rewritten',
          null,
          null,
          context,
        ),
      );
  } else if (role === 'test' && edit.op === 'delete') {
    const model = parseTestFile(edit.path, before);
    const names = model?.cases.map((c) => c.name) ?? [];
    const failing = names.find((n) => isFailing(n, context)) ?? null;
    const what = before.trim() ? `${names.length} test(s)` : 'its content was not recorded';
    out.push({
      ...finding('test-file-deleted', `test file deleted (${what})`, failing, null, context),
      wasFailing: failing !== null,
    });
  } else if (role === 'test') {
    classifyTestFile(edit.path, before, after, context, out);
  }
  // Code rules look at code only (a test may well contain "exit 0" in a string); shell and
  // configuration files have no such syntax and are read as they are.
  const codeBefore = language ? codeOnly(language, before) : before;
  const codeAfter = language ? codeOnly(language, after) : after;
  if (role !== 'production' && role !== 'other' && addsForcedExit(codeBefore, codeAfter))
    out.push(finding('exit-forced', 'a forced successful exit was added', null, null, context));
  if (role === 'test-config' && narrowsTestCommand(before, after))
    out.push(
      finding('test-command-changed', 'the test command now runs fewer tests or ignores failures', null, null, context),
    );
  if (addsEqOverride(codeBefore, codeAfter))
    out.push(finding('eq-override', 'an equality method that always returns true was added', null, null, context));
  if (role === 'production') {
    if (addsTestEnvCheck(before, after))
      out.push(
        finding(
          'special-casing',
          'production code now checks whether it runs under a test runner',
          null,
          null,
          context,
        ),
      );
    else {
      const literals = specialCasedLiterals(before, after, context.testLiterals);
      if (literals.length > 0)
        out.push(
          finding(
            'special-casing',
            `production code branches on test inputs: ${literals.slice(0, 4).join(', ')}`,
            null,
            null,
            context,
          ),
        );
    }
  }
  const kinds = [...new Set(out.map((f) => f.kind))].sort(
    (x, y) =>
      Number(x === 'test-added' || x === 'test-refactored') - Number(y === 'test-added' || y === 'test-refactored'),
  );
  return { role, kinds, findings: out, before, after };
}
