// Test-output parser benchmark: every captured runner output, and a large output with no
// summary at all (the worst case: every parser scans it and gives up).
// Run: npx tsx bench/testruns.ts
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTestOutput } from '../src/testruns/detect';

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
  console.log(`${label}: ${(bytes / 1e6 / seconds).toFixed(1)} MB/s, ${perOutputUs.toFixed(0)} µs per output, ${recognised / rounds}/${texts.length} recognised`);
}

measure(`${outputs.length} captured/written runner outputs`, outputs, 200);
const noise = Array.from({ length: 100_000 }, (_, i) => `  building module ${i}: compiled 42 files in 0.${i % 10}s, 3 warnings`).join('\n');
const log = noise.repeat(2);
measure(`${(Buffer.byteLength(log) / 1e6).toFixed(1)} MB of build log without a test summary`, [log], 3);
