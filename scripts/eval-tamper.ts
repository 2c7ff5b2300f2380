// Prints the tamper classifier's precision and recall on the labelled edit set, per kind and
// overall (warning-or-higher flags vs the tamper/legit label). `--verbose` lists every miss.
import { evaluate, loadLabelledSet } from '../src/tamper/labelled-set';

const verbose = process.argv.includes('--verbose');
const evaluation = evaluate(loadLabelledSet('test/fixtures/tamper'));
const pct = (x: number): string => x.toFixed(3);

console.log(`labelled edits: ${evaluation.cases} (${evaluation.tamper} tampering, ${evaluation.legit} legitimate)`);
console.log(`by file: ${Object.entries(evaluation.byLanguage).map(([k, v]) => `${k} ${v}`).join(', ')}`);
console.log('');
console.log('kind                     tp  fp  fn  precision  recall');
for (const [kind, m] of Object.entries(evaluation.perKind)) {
  console.log(`${kind.padEnd(24)} ${String(m.tp).padStart(3)} ${String(m.fp).padStart(3)} ${String(m.fn).padStart(3)}  ${pct(m.precision).padStart(9)}  ${pct(m.recall).padStart(6)}`);
}
const o = evaluation.overall;
console.log('');
const line = (name: string, m: typeof o): string => `${name.padEnd(9)} tp ${m.tp}, fp ${m.fp}, fn ${m.fn}, precision ${pct(m.precision)}, recall ${pct(m.recall)}`;
console.log('warning-or-higher flags vs the tamper/legit label (target precision ≥ 0.900, recall ≥ 0.850):');
console.log(line('all', o));
console.log(line('dev', evaluation.bySplit.dev));
console.log(line('held-out', evaluation.bySplit.holdout));
if (verbose) {
  console.log('');
  for (const r of evaluation.results) {
    const kindMiss = r.case.kinds.some((k) => !r.predictedKinds.includes(k)) || r.predictedKinds.some((k) => !r.case.kinds.includes(k) && k !== 'test-added' && k !== 'test-refactored');
    const flagMiss = r.flagged !== (r.case.label === 'tamper');
    if (kindMiss || flagMiss) {
      console.log(`${flagMiss ? 'FLAG' : 'kind'} ${r.case.file} ${r.case.id}: label ${r.case.label} [${r.case.kinds.join(',')}] → [${r.predictedKinds.join(',')}] ${r.severity ?? 'none'}`);
      console.log(`     ${r.reason}`);
    }
  }
}
