// Picks the parser for a test file by language: the TypeScript compiler for JS/TS, the
// structure-aware scanners for the rest.
import { languageOf } from './file-roles';
import type * as ParseJs from './parse-js';
import { scanTestFile, SYNTAX } from './scanners';
import { JS_SYNTAX, maskStringsAndComments } from './source-text';
import type { Language, TestFileModel } from './test-model';

let parseJs: typeof ParseJs | undefined;

/** The TypeScript compiler is most of a cold start (the guard hook's): it loads on the first JS/TS file. */
function jsParser(): typeof ParseJs {
  // A synchronous lazy load: the classifier's callers are synchronous, and import() is not.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (parseJs ??= require('./parse-js') as typeof ParseJs);
}

/** The model of a test file, or null when its language is not one the classifier reads. */
export function parseTestFile(path: string, text: string): TestFileModel | null {
  const language = languageOf(path);
  if (!language) return null;
  if (language === 'javascript') return jsParser().parseJsTestFile(text, path);
  return scanTestFile(text, language);
}

/** The text with string and comment contents blanked, for rules that must only see code. */
export function codeOnly(language: Language, text: string): string {
  return maskStringsAndComments(text, language === 'javascript' ? JS_SYNTAX : SYNTAX[language]);
}
