// Picks the parser for a test file by language: the TypeScript compiler for JS/TS, the
// structure-aware scanners for the rest.
import { languageOf } from './file-roles';
import { parseJsTestFile } from './parse-js';
import { scanTestFile } from './scanners';
import type { TestFileModel } from './test-model';

/** The model of a test file, or null when its language is not one the classifier reads. */
export function parseTestFile(path: string, text: string): TestFileModel | null {
  const language = languageOf(path);
  if (!language) return null;
  if (language === 'javascript') return parseJsTestFile(text, path);
  return scanTestFile(text, language);
}
