// Prints the tamper classifier's precision and recall on the labelled edit sets (hand-written, and
// real edits from public repositories' histories), per kind, per language and overall
// (warning-or-higher flags vs the tamper/legit label). `--verbose` lists every miss.
// `--git-history` also replays every test-file edit in this repository's own git history (real,
// legitimate edits) and counts those that would be flagged warning or higher after N failing runs.
import { execFileSync } from 'node:child_process';
import { classifyEdit } from '../src/tamper/classify';
import {
  evaluate,
  HAND_WRITTEN_DIR,
  loadLabelledSet,
  REAL_DIR,
  type Evaluation,
  type PrecisionRecall,
} from '../src/tamper/labelled-set';
import { assessSeverity } from '../src/tamper/severity';
import { NO_PRESSURE } from '../src/tamper/pressure';
import { liveValidity } from '../src/emotion/live-validity';

const verbose = process.argv.includes('--verbose');
const pct = (x: number): string => x.toFixed(3);
const line = (name: string, m: PrecisionRecall): string =>
  `${name.padEnd(10)} tp ${m.tp}, fp ${m.fp}, fn ${m.fn}, precision ${pct(m.precision)}, recall ${pct(m.recall)}`;

function report(title: string, evaluation: Evaluation, target: string): void {
  console.log(
    `== ${title}: ${evaluation.cases} edits (${evaluation.tamper} tampering, ${evaluation.legit} legitimate)`,
  );
  console.log(
    `by file: ${Object.entries(evaluation.byLanguage)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  console.log('');
  console.log('kind                     tp  fp  fn  precision  recall');
  for (const [kind, m] of Object.entries(evaluation.perKind)) {
    console.log(
      `${kind.padEnd(24)} ${String(m.tp).padStart(3)} ${String(m.fp).padStart(3)} ${String(m.fn).padStart(3)}  ${pct(m.precision).padStart(9)}  ${pct(m.recall).padStart(6)}`,
    );
  }
  console.log('');
  console.log(`warning-or-higher flags vs the tamper/legit label (${target}):`);
  console.log(line('all', evaluation.overall));
  console.log(line('dev', evaluation.bySplit.dev));
  console.log(line('held-out', evaluation.bySplit.holdout));
  for (const [language, m] of Object.entries(evaluation.byLanguageQuality)) console.log(line(language, m));
  console.log('held out, by language:');
  for (const [language, m] of Object.entries(evaluation.holdoutByLanguage)) console.log(line(language, m));
  if (verbose) {
    console.log('');
    for (const r of evaluation.results) {
      const kindMiss =
        r.case.kinds.some((k) => !r.predictedKinds.includes(k)) ||
        r.predictedKinds.some((k) => !r.case.kinds.includes(k) && k !== 'test-added' && k !== 'test-refactored');
      const flagMiss = r.flagged !== (r.case.label === 'tamper');
      if (kindMiss || flagMiss) {
        console.log(
          `${flagMiss ? 'FLAG' : 'kind'} ${r.case.file} ${r.case.id}: label ${r.case.label} [${r.case.kinds.join(',')}] → [${r.predictedKinds.join(',')}] ${r.severity ?? 'none'}`,
        );
        console.log(`     ${r.reason}`);
      }
    }
  }
  console.log('');
}

report('hand-written edits', evaluate(loadLabelledSet(HAND_WRITTEN_DIR)), 'target precision ≥ 0.900, recall ≥ 0.850');
report(
  'real edits from public repositories, replayed after 3 failing runs',
  evaluate(loadLabelledSet(REAL_DIR)),
  'target precision ≥ 0.950, recall ≥ 0.900, per language too',
);

if (process.argv.includes('--git-history')) {
  const git = (...args: string[]): string => execFileSync('git', args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  const log = git('log', '--all', '--no-merges', '--format=@%H', '--name-only', '--diff-filter=M');
  const streaks = [0, 1, 3];
  const flagged = streaks.map(() => 0);
  let edits = 0;
  let commit = '';
  for (const line of log.split('\n')) {
    if (line.startsWith('@')) commit = line.slice(1);
    else if (/\.test\.ts$|(^|\/)test_[^/]*\.py$|_test\.go$/.test(line)) {
      const show = (rev: string): string | null => {
        try {
          return git('show', `${rev}:${line}`);
        } catch {
          return null;
        }
      };
      const before = show(`${commit}^`);
      const after = show(commit);
      if (before === null || after === null) continue;
      edits++;
      const { findings, kinds } = classifyEdit({ path: `/${line}`, op: 'update', before, after });
      streaks.forEach((failingStreak, i) => {
        const { severity } = assessSeverity(findings, {
          ...NO_PRESSURE,
          failingStreak,
          desperation: null,
          reader: liveValidity(null),
          nextRunPassed: null,
          productionChangedSinceLastPass: false,
        });
        if (severity === 'warning' || severity === 'critical') {
          flagged[i]++;
          if (verbose)
            console.log(`  after ${failingStreak} failing run(s): ${commit.slice(0, 8)} ${line} [${kinds.join(',')}]`);
        }
      });
    }
  }
  console.log('');
  console.log(
    `git history: ${edits} test-file edits; flagged warning or higher ${streaks.map((s, i) => `after ${s} failing run(s): ${flagged[i]}`).join(', ')}`,
  );
}
