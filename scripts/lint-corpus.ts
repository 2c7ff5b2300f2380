// npm run lint:corpus — checks vectors/ against the corpus rules and prints a summary.
// `--emotion NAME` (repeatable) limits the per-emotion checks to the named emotions while the
// corpus is being written; the full check runs without it.
import { join } from 'node:path';
import { loadCorpus } from '../src/corpus/format';
import { lintCorpus } from '../src/corpus/lint';

const only = process.argv.flatMap((a, i, all) => (all[i - 1] === '--emotion' ? [a] : []));
const corpus = loadCorpus(join(__dirname, '..', 'vectors'));
const report = lintCorpus(corpus);
const errors = only.length
  ? report.errors.filter((e) =>
      only.some((name) => [`[${name}]`, `/${name}.md`, `/${name}/`, ` ${name}-`].some((tag) => e.includes(tag))),
    )
  : report.errors;
for (const row of report.summary)
  if (!only.length || only.includes(row.emotion))
    console.log(`${row.emotion.padEnd(16)} stories ${String(row.stories).padStart(3)}  heldout ${String(row.heldout).padStart(3)}  topics ${String(row.topics).padStart(3)}  technical ${row.technical}`);
console.log(`neutral dialogues: ${report.neutralDialogues}`);
for (const e of errors) console.log(`ERROR ${e}`);
console.log(errors.length ? `${errors.length} problem(s)` : 'corpus OK');
process.exitCode = errors.length ? 1 : 0;
