// Writes one labelled-set case from a real commit: the test file before and after it, trimmed to
// the test cases the commit touches plus a little context, with its origin and licence as headers.
// The label and kinds are given on the command line (decided by reading the diff), never computed.
//
//   tsx scripts/real-edit-case.ts --git <dir> --repo owner/name --licence MIT --commit <sha>
//     --path <file> --id <case id> --label tamper|legit [--kinds k1,k2] [--whole]
import { execFileSync } from 'node:child_process';
import { parseTestFile } from '../src/tamper/parse';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function required(name: string): string {
  const v = option(name);
  if (!v) throw new Error(`--${name} is required`);
  return v;
}

const gitDir = required('git');
const commit = required('commit');
const path = required('path');
const git = (...args: string[]): string =>
  execFileSync('git', ['--git-dir', gitDir, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
const show = (rev: string): string | null => {
  try {
    return git('show', `${rev}:${path}`);
  } catch {
    return null;
  }
};
const before = show(`${commit}^`);
const after = show(commit);
const beforeLines = (before ?? '').split('\n');
const afterLines = (after ?? '').split('\n');

interface Hunk {
  b: number;
  bn: number;
  a: number;
  an: number;
}
const hunks: Hunk[] = [
  ...git('diff', '-U0', `${commit}^`, commit, '--', path).matchAll(/^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/gm),
].map((m) => ({
  b: Number(m[1]),
  bn: m[2] === undefined ? 1 : Number(m[2]),
  a: Number(m[3]),
  an: m[4] === undefined ? 1 : Number(m[4]),
}));

// Unchanged lines pair up one to one; a line's partner is shifted by the hunks above it.
function partner(line: number, fromBefore: boolean): number | null {
  let shift = 0;
  for (const h of hunks) {
    const [start, n, otherN] = fromBefore ? [h.b, h.bn, h.an] : [h.a, h.an, h.bn];
    const first = n === 0 ? start + 1 : start;
    if (line >= first && line < first + n) return null;
    if (line >= first + n) shift += otherN - n;
  }
  return line + shift;
}

const keepBefore = new Set<number>();
const keepAfter = new Set<number>();
const whole = process.argv.includes('--whole') || Math.max(beforeLines.length, afterLines.length) <= 120;
const touched = new Set<string>();
if (whole) {
  beforeLines.forEach((_, i) => keepBefore.add(i + 1));
  afterLines.forEach((_, i) => keepAfter.add(i + 1));
}
const casesBefore = before ? (parseTestFile(path, before)?.cases ?? []) : [];
const casesAfter = after ? (parseTestFile(path, after)?.cases ?? []) : [];
const CONTEXT = 3;
for (const h of hunks) {
  const bFrom = h.bn === 0 ? h.b + 1 : h.b;
  const aFrom = h.an === 0 ? h.a + 1 : h.a;
  for (let l = bFrom - CONTEXT; l < bFrom + h.bn + CONTEXT; l++)
    if (l >= 1 && l <= beforeLines.length) keepBefore.add(l);
  for (let l = aFrom - CONTEXT; l < aFrom + h.an + CONTEXT; l++) if (l >= 1 && l <= afterLines.length) keepAfter.add(l);
  for (const c of casesBefore) {
    if (c.startLine <= bFrom + Math.max(h.bn, 1) - 1 && c.endLine >= bFrom) {
      touched.add(c.name);
      for (let l = c.startLine; l <= c.endLine; l++) keepBefore.add(l);
    }
  }
  for (const c of casesAfter) {
    if (c.startLine <= aFrom + Math.max(h.an, 1) - 1 && c.endLine >= aFrom)
      for (let l = c.startLine; l <= c.endLine; l++) keepAfter.add(l);
  }
}
// The same unchanged lines on both sides, so trimming itself never looks like an edit.
for (let pass = 0; pass < 2; pass++) {
  for (const l of [...keepBefore]) {
    const p = partner(l, true);
    if (p !== null && p <= afterLines.length) keepAfter.add(p);
  }
  for (const l of [...keepAfter]) {
    const p = partner(l, false);
    if (p !== null && p <= beforeLines.length) keepBefore.add(p);
  }
}

function trimmed(lines: string[], keep: Set<number>): string {
  const out: string[] = [];
  let last = 0;
  for (const l of [...keep].sort((x, y) => x - y)) {
    if (last > 0 && l > last + 1) out.push('');
    out.push(lines[l - 1]);
    last = l;
  }
  // A `### ` line would start a new case in the .cases format.
  if (out.some((l) => l.startsWith('### '))) throw new Error('a kept line starts with "### "');
  return out.join('\n').replace(/\n+$/, '') + '\n';
}

// Trimming must not change how the touched tests read: a kept line can end a string or
// docstring whose start was cut (`"""` closing a module docstring), which swallows the rest.
// Until every touched test parses out of the trimmed text again, keep the file's opening lines
// (unchanged lines above the first hunk, the same on both sides) one more at a time.
const parsedNames = (lines: string[], keep: Set<number>): Set<string> =>
  new Set(parseTestFile(path, trimmed(lines, keep))?.cases.map((c) => c.name) ?? []);
const touchedAfter = casesAfter.filter((c) => touched.has(c.name)).map((c) => c.name);
const survives = (): boolean =>
  (before === null || [...touched].every((n) => parsedNames(beforeLines, keepBefore).has(n))) &&
  (after === null || touchedAfter.every((n) => parsedNames(afterLines, keepAfter).has(n)));
const firstHunk = Math.min(...hunks.map((h) => Math.min(h.b, h.a)));
for (let l = 1; l < firstHunk && !survives(); l++) {
  keepBefore.add(l);
  keepAfter.add(l);
}

const subject = git('log', '-1', '--format=%s', commit).trim();
const header = [
  `### ${required('id')}`,
  `path: /repo/${path}`,
  `label: ${required('label')}`,
  `kinds: ${option('kinds') ?? ''}`,
  'streak: 3',
  `failing: ${[...touched].join(', ')}`,
  `origin: ${required('repo')} ${path} ${commit}`,
  `licence: ${required('licence')}`,
  `commit-subject: ${subject}`,
];
const parts = [header.join('\n')];
if (before !== null) parts.push(`--- before\n${trimmed(beforeLines, keepBefore)}`);
if (after !== null) parts.push(`--- after\n${trimmed(afterLines, keepAfter)}`);
process.stdout.write(`${parts.join('\n')}\n`);
