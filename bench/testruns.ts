// Test-output parser benchmark: every captured runner output, a large output with no summary at
// all (every parser scans it and gives up), and the worst parse time per MB over the fuzzers'
// adversarial outputs (newline floods, unclosed tags, runs of spaces and digits).
// Run: npx tsx bench/testruns.ts
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTestOutput, TEST_OUTPUT_PARSERS } from '../src/testruns/detect';
import { adversarialOutputs, benignOutput, timeOf } from '../test/fuzz/linear-time';

const dir = join(__dirname, '../test/fixtures/test-output');
const outputs = readdirSync(dir)
  .filter((f) => !f.endsWith('.md'))
  .map((f) => readFileSync(join(dir, f), 'utf8'));

function measure(label: string, texts: string[], rounds: number): void {
  const bytes = texts.reduce((n, t) => n + Buffer.byteLength(t), 0) * rounds;
  const start = process.hrtime.bigint();
  let recognised = 0;
  for (let r = 0; r < rounds; r++) for (const t of texts) if (parseTestOutput(t)) recognised++;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const perOutputUs = (seconds * 1e6) / (texts.length * rounds);
  console.log(
    `${label}: ${(bytes / 1e6 / seconds).toFixed(1)} MB/s, ${perOutputUs.toFixed(0)} µs per output, ${recognised / rounds}/${texts.length} recognised`,
  );
}

measure(`${outputs.length} captured/written runner outputs`, outputs, 200);
const noise = Array.from(
  { length: 100_000 },
  (_, i) => `  building module ${i}: compiled 42 files in 0.${i % 10}s, 3 warnings`,
).join('\n');
const log = noise.repeat(2);
measure(`${(Buffer.byteLength(log) / 1e6).toFixed(1)} MB of build log without a test summary`, [log], 3);

const MB = 1 << 20;
const shapes = Object.entries(adversarialOutputs(MB));
let worst = { ms: 0, what: '' };
for (const parser of TEST_OUTPUT_PARSERS) {
  const benign = timeOf((t) => parser.parse(t), benignOutput(MB));
  let mine = { ms: 0, shape: '' };
  for (const [shape, text] of shapes) {
    const ms = timeOf((t) => parser.parse(t), text);
    if (ms > mine.ms) mine = { ms, shape };
  }
  console.log(
    `  ${parser.framework.padEnd(10)} worst ${mine.ms.toFixed(1)} ms/MB (${mine.shape}); real output ${benign.toFixed(1)} ms/MB`,
  );
  if (mine.ms > worst.ms) worst = { ms: mine.ms, what: `${parser.framework} on ${mine.shape}` };
}
const all = shapes
  .map(([shape, text]) => ({ shape, ms: timeOf((t) => parseTestOutput(t), text) }))
  .sort((a, b) => b.ms - a.ms)[0]!;
console.log(
  `worst single parser: ${worst.ms.toFixed(1)} ms per MB (${worst.what}); all parsers in turn: ${all.ms.toFixed(1)} ms per MB (${all.shape})`,
);
