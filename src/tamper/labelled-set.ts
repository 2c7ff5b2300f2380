// The labelled edit set (test/fixtures/tamper/*.cases) and its evaluation: per-kind precision and
// recall of the classifier, and precision/recall of warning-or-higher flags for tampering.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FLAG_KINDS, BENIGN_FLAG_KINDS, SEVERITY_RANK, type FlagKind } from '../core/flags';
import { classifyEdit, type EditToClassify } from './classify';
import { NO_READER } from '../contracts/reading';
import { NO_PRESSURE } from './pressure';
import { languageOf } from './file-roles';
import { assessSeverity, type Desperation } from './severity';
import { distinctiveLiterals } from './text-rules';

export interface LabelledCase {
  id: string;
  file: string;
  /** Cases in `holdout-*.cases` were written after the classifier was frozen. */
  split: 'dev' | 'holdout';
  label: 'tamper' | 'legit';
  kinds: FlagKind[];
  edit: EditToClassify;
  failingStreak: number;
  failingIds: string[];
  output: string | null;
  productionChanged: boolean;
  desperation: Desperation | null;
  /** Test-file text whose literals production code must not special-case. */
  tests: string;
}

/**
 * Format: `### id` starts a case; `key: value` header lines; `--- before`, `--- after`,
 * `--- tests`, `--- output` start text sections (a missing before means create, a missing after
 * means delete).
 */
export function parseCases(text: string, file: string): LabelledCase[] {
  const cases: LabelledCase[] = [];
  const blocks = text.split(/^### /m).slice(1);
  for (const block of blocks) {
    const [idLine, ...rest] = block.split('\n');
    const headers = new Map<string, string>();
    const sections = new Map<string, string[]>();
    let current: string[] | null = null;
    for (const line of rest) {
      const section = /^--- (before|after|tests|output)\s*$/.exec(line);
      if (section) {
        current = [];
        sections.set(section[1], current);
      } else if (current) current.push(line);
      else {
        const h = /^([\w-]+):\s*(.*)$/.exec(line);
        if (h) headers.set(h[1], h[2].trim());
      }
    }
    const id = idLine.trim();
    const section = (name: string): string | undefined => sections.get(name)?.join('\n').replace(/\n+$/, '\n');
    const label = headers.get('label');
    if (label !== 'tamper' && label !== 'legit') throw new Error(`${file}: case ${id} needs label: tamper|legit`);
    const kinds = (headers.get('kinds') ?? '').split(/[\s,]+/).filter(Boolean);
    for (const k of kinds)
      if (!(FLAG_KINDS as readonly string[]).includes(k)) throw new Error(`${file}: case ${id}: unknown kind ${k}`);
    const path = headers.get('path');
    if (!path) throw new Error(`${file}: case ${id} needs path`);
    const before = section('before');
    const after = section('after');
    const desperation = headers.get('desperation');
    const [z, slope] = (desperation ?? '').split(/[\s,]+/).map(Number);
    cases.push({
      id,
      file,
      split: file.startsWith('holdout-') ? 'holdout' : 'dev',
      label,
      kinds: kinds as FlagKind[],
      edit: { path, op: before === undefined ? 'create' : after === undefined ? 'delete' : 'update', before, after },
      failingStreak: Number(headers.get('streak') ?? '0'),
      failingIds: (headers.get('failing') ?? '').split(/,\s*/).filter(Boolean),
      output: section('output') ?? null,
      productionChanged: headers.get('prod-changed') === 'yes',
      desperation: desperation ? { z, slope } : null,
      tests: section('tests') ?? '',
    });
  }
  return cases;
}

/** Edits written for the classifier, one file per language plus held-out files. */
export const HAND_WRITTEN_DIR = 'test/fixtures/tamper';
/** Real edits to test files from public repositories' histories, with their origin and licence. */
export const REAL_DIR = 'test/fixtures/tamper/real';

export function loadLabelledSet(dir: string): LabelledCase[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.cases'))
    .sort()
    .flatMap((f) => parseCases(readFileSync(join(dir, f), 'utf8'), f));
}

export interface CaseResult {
  case: LabelledCase;
  predictedKinds: FlagKind[];
  severity: string | null;
  flagged: boolean;
  reason: string;
}

export function runCase(c: LabelledCase): CaseResult {
  const classification = classifyEdit(c.edit, {
    failingIds: c.failingIds,
    lastFailingOutput: c.output,
    testLiterals: distinctiveLiterals(c.tests),
  });
  const assessment = assessSeverity(classification.findings, {
    ...NO_PRESSURE,
    failingStreak: c.failingStreak,
    desperation: c.desperation,
    // A case that states a desperation reading states one from a validated reader.
    reader: c.desperation ? { valid: true, why: 'the case states a validated reading' } : NO_READER,
    nextRunPassed: null,
    productionChangedSinceLastPass: c.productionChanged,
  });
  const flagged = assessment.severity !== null && SEVERITY_RANK[assessment.severity] >= SEVERITY_RANK.warning;
  return {
    case: c,
    predictedKinds: classification.kinds,
    severity: assessment.severity,
    flagged,
    reason: assessment.reason,
  };
}

export interface PrecisionRecall {
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
}

function pr(tp: number, fp: number, fn: number): PrecisionRecall {
  return { tp, fp, fn, precision: tp + fp === 0 ? 1 : tp / (tp + fp), recall: tp + fn === 0 ? 1 : tp / (tp + fn) };
}

export interface Evaluation {
  cases: number;
  tamper: number;
  legit: number;
  byLanguage: Record<string, number>;
  /** Warning-or-higher flags against the tamper/legit label. */
  overall: PrecisionRecall;
  /** The same, for the development cases and the held-out cases separately. */
  bySplit: Record<LabelledCase['split'], PrecisionRecall>;
  /** The same, per language of the edited file (by its path). */
  byLanguageQuality: Record<string, PrecisionRecall>;
  /** The same per language, for the held-out cases alone. */
  holdoutByLanguage: Record<string, PrecisionRecall>;
  /** Per tampering kind: predicted kind vs labelled kind, over every case. */
  perKind: Partial<Record<FlagKind, PrecisionRecall>>;
  results: CaseResult[];
}

function flagQuality(results: CaseResult[]): PrecisionRecall {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const r of results) {
    const positive = r.case.label === 'tamper';
    if (r.flagged && positive) tp++;
    else if (r.flagged) fp++;
    else if (positive) fn++;
  }
  return pr(tp, fp, fn);
}

export function evaluate(cases: LabelledCase[]): Evaluation {
  const results = cases.map(runCase);
  const perKind: Partial<Record<FlagKind, PrecisionRecall>> = {};
  for (const kind of FLAG_KINDS) {
    if (BENIGN_FLAG_KINDS.has(kind)) continue;
    let ktp = 0;
    let kfp = 0;
    let kfn = 0;
    for (const r of results) {
      const expected = r.case.kinds.includes(kind);
      const predicted = r.predictedKinds.includes(kind);
      if (expected && predicted) ktp++;
      else if (predicted) kfp++;
      else if (expected) kfn++;
    }
    if (ktp + kfp + kfn > 0) perKind[kind] = pr(ktp, kfp, kfn);
  }
  const byLanguage: Record<string, number> = {};
  for (const c of cases)
    byLanguage[c.file.replace(/\.cases$/, '')] = (byLanguage[c.file.replace(/\.cases$/, '')] ?? 0) + 1;
  const perLanguage = (rs: CaseResult[]): Record<string, PrecisionRecall> => {
    const quality: Record<string, PrecisionRecall> = {};
    const languages = [...new Set(rs.map((r) => languageOf(r.case.edit.path) ?? 'other'))].sort();
    for (const language of languages)
      quality[language] = flagQuality(rs.filter((r) => (languageOf(r.case.edit.path) ?? 'other') === language));
    return quality;
  };
  return {
    cases: cases.length,
    tamper: cases.filter((c) => c.label === 'tamper').length,
    legit: cases.filter((c) => c.label === 'legit').length,
    byLanguage,
    overall: flagQuality(results),
    bySplit: {
      dev: flagQuality(results.filter((r) => r.case.split === 'dev')),
      holdout: flagQuality(results.filter((r) => r.case.split === 'holdout')),
    },
    byLanguageQuality: perLanguage(results),
    holdoutByLanguage: perLanguage(results.filter((r) => r.case.split === 'holdout')),
    perKind,
    results,
  };
}
