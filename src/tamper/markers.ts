// Skip and focus markers counted anywhere in a text. Used for edits known only as fragments
// (a diff hunk or a search/replace block) where no whole test case is visible.
import { codeOnly } from './parse';
import { RUST_SKIP_ATTRIBUTE } from './scanners';
import type { Language } from './test-model';

const SKIP: Record<Language, RegExp> = {
  // `pytest.mark.skip…` anywhere: as a decorator, in `pytest.param(marks=…)`, or applied to a row.
  python:
    /\bpytest\.mark\.(skip|skipif|xfail)\b|@unittest\.(skip\w*|expectedFailure)\b|\bpytest\.(skip|xfail|importorskip)\(|\bself\.skipTest\(|\bSkipTest\b/g,
  javascript: /\b(xit|xdescribe|xtest|xcontext)\s*\(|\.(skip|todo)\s*\(|\bskip\s*:\s*true/g,
  go: /\bt\.(Skip|Skipf|SkipNow)\s*\(/g,
  // A test compiled only on some targets or toolchains does not run on the others.
  rust: new RegExp(RUST_SKIP_ATTRIBUTE.source, 'g'),
  java: /@(Disabled|Ignore)\b|\bassume\w*\(\s*false\s*\)/g,
  csharp: /\bSkip\s*=|\[Ignore\b|\bAssert\.Ignore\(/g,
  ruby: /^\s*(xit|xdescribe|xcontext|xspecify|skip|pending)\b|\bskip:\s*true/gm,
};

const FOCUS: Partial<Record<Language, RegExp>> = {
  javascript: /\.only\s*\(|\b(fit|fdescribe)\s*\(|\bonly\s*:\s*true/g,
  ruby: /^\s*(fit|fdescribe|fcontext)\b|\bfocus:\s*true|:focus\b/gm,
};

export function markerCounts(language: Language, text: string): { skip: number; focus: number } {
  const masked = codeOnly(language, text);
  const count = (re: RegExp | undefined): number => (re ? (masked.match(re) ?? []).length : 0);
  return { skip: count(SKIP[language]), focus: count(FOCUS[language]) };
}
