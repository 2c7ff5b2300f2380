// The language-neutral view of a test file that every parser produces and the classifier compares.

export type Language = 'python' | 'javascript' | 'go' | 'rust' | 'java' | 'csharp' | 'ruby';

/** How much an assertion pins down: exact equality beats ordering, which beats truthiness. */
export type AssertionStrength = 0 | 1 | 2 | 3;

export interface AssertionSite {
  /** Whitespace-normalised source of the assertion; equal keys mean the same assertion. */
  key: string;
  /** Matcher or relation, lower-cased ("eq", "tobe", "assertequal", "truthy"…). */
  relation: string;
  strength: AssertionStrength;
  /** Normalised operands: the value under test and (where there is one) the expected value. */
  args: string[];
  /** Numeric tolerance (delta, places, rel, within) where the assertion has one. */
  tolerance: number | null;
  /** The test case holding it, or null for helpers outside any test. */
  caseName: string | null;
  /** It sits under an `if`/`else` inside its test, so a run may skip it. */
  conditional: boolean;
  line: number;
}

/** A row of a table-driven or parametrised test: positional or keyed values. */
export interface DataRow {
  caseName: string | null;
  values: string[];
  line: number;
}

/** An assignment to a variable named like an expectation (`want`, `expected`…). */
export interface ExpectationBinding {
  caseName: string | null;
  name: string;
  value: string;
  line: number;
}

export interface TestCase {
  name: string;
  skipped: boolean;
  focused: boolean;
  /** Normalised body, used to recognise a renamed test. */
  body: string;
  startLine: number;
  endLine: number;
}

export interface TestFileModel {
  language: Language;
  cases: TestCase[];
  /** A whole-file or whole-suite skip (module pytestmark, class @Disabled, xdescribe…). */
  fileSkipped: boolean;
  fileFocused: boolean;
  /** Conditional `return`s that run before a test is registered (`if (…) return` then `it(…)`). */
  registrationGuards: number;
  assertions: AssertionSite[];
  rows: DataRow[];
  expectations: ExpectationBinding[];
  /** Literals assigned to any name inside a test (`errmsg = "…"`), to read an operand that names one. */
  literalBindings: ExpectationBinding[];
}

export const EXPECTATION_NAME = /^(want(ed)?|expected?|exp|expect(ed)?_?\w*|want_?\w*|expected[A-Z]\w*|want[A-Z]\w*)$/;
