// npm run lint:corpus — checks vectors/ against the corpus rules and the agent-turn set against
// its rules, and prints a summary of each.
// `--emotion NAME` (repeatable) limits the per-emotion checks to the named emotions while the
// corpus is being written; the full check runs without it.
import { join } from 'node:path';
import { loadAgentTurnSet } from '../src/corpus/agent-turns';
import { lintAgentTurns } from '../src/corpus/agent-turns-lint';
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
    console.log(
      `${row.emotion.padEnd(16)} stories ${String(row.stories).padStart(3)}  heldout ${String(row.heldout).padStart(3)}  topics ${String(row.topics).padStart(3)}  technical ${row.technical}`,
    );
console.log(`neutral dialogues: ${report.neutralDialogues}`);

const turns = lintAgentTurns(loadAgentTurnSet(join(__dirname, '..', 'vectors', 'agent-turns')));
console.log('\nagent turns       pressured composed  tune report');
for (const c of turns.counts)
  console.log(
    `${c.agent.padEnd(16)} ${String(c.pressured).padStart(9)} ${String(c.composed).padStart(8)} ${String(c.tune).padStart(5)} ${String(c.report).padStart(6)}`,
  );
console.log('\nsurface cue (per-item mean)                  pressured composed  AUROC');
for (const c of turns.cues)
  console.log(
    `${c.cue.padEnd(44)} ${c.pressured.toFixed(2).padStart(9)} ${c.composed.toFixed(2).padStart(8)} ${c.auroc.toFixed(2).padStart(6)}`,
  );
if (turns.bestWord)
  console.log(
    `best single word: "${turns.bestWord.word}" AUROC ${turns.bestWord.auroc.toFixed(2)} (in ${turns.bestWord.pressuredItems} pressured, ${turns.bestWord.composedItems} composed turns)`,
  );

// While the corpus is being written per emotion, the agent-turn rules are reported but not enforced.
const all = [...errors, ...(only.length ? [] : turns.errors)];
for (const e of all) console.log(`ERROR ${e}`);
console.log(all.length ? `${all.length} problem(s)` : 'corpus and agent turns OK');
process.exitCode = all.length ? 1 : 0;
