// JS/TS test files read with the TypeScript compiler's parser: jest, vitest, mocha, jasmine and
// node:test cases, their skip/only modifiers, and the statements inside them.
import ts from 'typescript';
import { JS_SYNTAX, maskComments, maskStringsAndComments } from './source-text';
import { buildModel, type CaseSpan, type Statement } from './statements';
import type { TestFileModel } from './test-model';

const CASE_FNS = new Set(['it', 'test', 'specify', 'xit', 'xtest', 'fit', 'xspecify']);
const GROUP_FNS = new Set(['describe', 'suite', 'context', 'xdescribe', 'fdescribe', 'xcontext']);
const SKIP_MODIFIERS = new Set(['skip', 'todo', 'skipIf', 'fixme']);

interface CallInfo {
  base: string;
  modifiers: string[];
}

/** `it.skip.each(...)('name', fn)` → base "it", modifiers ["skip", "each"]. */
function callInfo(expr: ts.Expression): CallInfo | null {
  const modifiers: string[] = [];
  let e: ts.Expression = expr;
  for (;;) {
    if (ts.isPropertyAccessExpression(e)) {
      modifiers.unshift(e.name.text);
      e = e.expression;
    } else if (ts.isCallExpression(e)) {
      e = e.expression;
    } else if (ts.isTaggedTemplateExpression(e)) {
      e = e.tag;
    } else break;
  }
  return ts.isIdentifier(e) ? { base: e.text, modifiers } : null;
}

function optionFlag(args: readonly ts.Expression[], flag: string): boolean {
  return args.some(
    (a) =>
      ts.isObjectLiteralExpression(a) &&
      a.properties.some(
        (p) =>
          ts.isPropertyAssignment(p) && p.name.getText() === flag && p.initializer.kind !== ts.SyntaxKind.FalseKeyword,
      ),
  );
}

function caseName(args: readonly ts.Expression[]): string | null {
  const first = args[0];
  if (first && (ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first))) return first.text;
  if (first && ts.isTemplateExpression(first)) return first.getText().slice(1, -1);
  return null;
}

function bodyHasSkip(fn: ts.Node | undefined): boolean {
  if (!fn) return false;
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && n.expression.name.text === 'skip') {
      const owner = n.expression.expression;
      if (owner.kind === ts.SyntaxKind.ThisKeyword || (ts.isIdentifier(owner) && /^(t|ctx|context)$/.test(owner.text)))
        found = true;
    }
    if (!found && !(ts.isFunctionLike(n) && n !== fn)) ts.forEachChild(n, visit);
  };
  ts.forEachChild(fn, visit);
  return found;
}

/** A call that registers tests: `it(…)`, `test.each(…)(…)`, `describe(…)`. */
function registersTests(statement: ts.Statement): boolean {
  if (!ts.isExpressionStatement(statement) || !ts.isCallExpression(statement.expression)) return false;
  const info = callInfo(statement.expression.expression);
  return info !== null && (CASE_FNS.has(info.base) || GROUP_FNS.has(info.base));
}

/** `if (…) return` followed, in the same block, by a call that registers tests: those may never exist. */
function isRegistrationGuard(node: ts.IfStatement): boolean {
  const then = node.thenStatement;
  const returns =
    ts.isReturnStatement(then) ||
    (ts.isBlock(then) && then.statements.length === 1 && ts.isReturnStatement(then.statements[0]));
  const parent = node.parent;
  if (!returns || !(ts.isBlock(parent) || ts.isSourceFile(parent))) return false;
  return parent.statements.slice(parent.statements.indexOf(node) + 1).some(registersTests);
}

export function parseJsTestFile(text: string, fileName: string): TestFileModel {
  const kind = /\.(tsx|jsx)$/.test(fileName)
    ? ts.ScriptKind.TSX
    : /\.[cm]?ts$/.test(fileName)
      ? ts.ScriptKind.TS
      : ts.ScriptKind.JS;
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, kind);
  const spans: CaseSpan[] = [];
  const statements: Statement[] = [];
  const groups: { skipped: boolean; focused: boolean }[] = [];
  let fileSkipped = false;
  let fileFocused = false;
  let registrationGuards = 0;
  // Statements are read without comments: a trailing `// FIXME` is not an operand.
  const code = maskComments(text, JS_SYNTAX);
  const addStatement = (node: ts.Node): void => {
    const start = node.getStart(source);
    const t = code.slice(start, node.getEnd());
    statements.push({
      text: t,
      masked: maskStringsAndComments(t, JS_SYNTAX),
      offset: start,
      line: source.getLineAndCharacterOfPosition(start).line + 1,
    });
  };

  const visit = (node: ts.Node): void => {
    if (ts.isIfStatement(node) && isRegistrationGuard(node)) registrationGuards++;
    if (ts.isCallExpression(node)) {
      const info = callInfo(node.expression);
      const isCase = info && CASE_FNS.has(info.base);
      const isGroup = info && GROUP_FNS.has(info.base);
      if (info && (isCase || isGroup)) {
        const skipped =
          info.base.startsWith('x') ||
          info.modifiers.some((m) => SKIP_MODIFIERS.has(m)) ||
          optionFlag(node.arguments, 'skip') ||
          optionFlag(node.arguments, 'todo');
        const focused =
          info.base.startsWith('f') || info.modifiers.includes('only') || optionFlag(node.arguments, 'only');
        const fn = node.arguments.find((a) => ts.isFunctionLike(a));
        const inherited = { skipped: groups.some((g) => g.skipped), focused: groups.some((g) => g.focused) };
        if (isGroup) {
          if (skipped && groups.length === 0) fileSkipped = true;
          if (focused && groups.length === 0) fileFocused = true;
          groups.push({ skipped, focused });
          ts.forEachChild(node, visit);
          groups.pop();
          return;
        }
        const name =
          caseName(node.arguments) ??
          `${info.base}@${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1}`;
        spans.push({
          name,
          start: node.getStart(source),
          end: node.getEnd(),
          skipped: skipped || inherited.skipped || bodyHasSkip(fn),
          focused: focused || inherited.focused,
        });
      }
    }
    if (ts.isExpressionStatement(node) || ts.isVariableDeclaration(node) || ts.isPropertyAssignment(node))
      addStatement(node);
    if (
      ts.isArrayLiteralExpression(node) &&
      node.elements.length > 1 &&
      node.elements.every((e) => ts.isArrayLiteralExpression(e) || ts.isObjectLiteralExpression(e))
    ) {
      for (const e of node.elements) addStatement(e);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  // Statements nested in a test call (the call itself is an expression statement) are seen once
  // more as the whole `it(...)` statement; drop those wrappers.
  const caseStarts = new Set(spans.map((s) => s.start));
  const kept = statements
    .filter((s) => !caseStarts.has(s.offset) && !/^(describe|suite|context)\b/.test(s.text))
    .sort((a, b) => a.offset - b.offset);
  return buildModel(text, spans, kept, {
    language: 'javascript',
    fileSkipped,
    fileFocused,
    masked: maskStringsAndComments(text, JS_SYNTAX),
    registrationGuards,
  });
}
