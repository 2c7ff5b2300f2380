// Runs every *.test.ts under test/ (or under test/<suite>/ when a suite is named) with Node's
// test runner. Node 20 has no glob support in --test, so the files are listed here.
//
// Unit test files share processes: one batch per concurrent worker, each batch an entry file that
// imports its test files in turn. Starting Node with tsx and loading the product's modules once
// per file cost more than the unit tests themselves; unit tests run in-process by rule (no
// children, no process-wide state left behind), so nothing depends on a fresh process. The other
// suites start servers, editors and child processes, and keep one process per file.
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { spawnSync } from 'node:child_process';

const suites = process.argv.slice(2);
const roots = suites.length ? suites.map((s) => join('test', s)) : ['test'];

function collect(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'fixtures' || name === 'artifacts') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) collect(path, out);
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const files = roots.flatMap((r) => collect(r, [])).sort();
if (files.length === 0) {
  console.error(`no test files under ${roots.join(', ')}`);
  process.exit(1);
}
const concurrency = Math.max(1, Number(process.env.TEST_CONCURRENCY ?? '2') || 1);

const unitRoot = join('test', 'unit') + sep;
const unit = files.filter((f) => f.startsWith(unitRoot));
const separate = files.filter((f) => !f.startsWith(unitRoot));

const batchDir = mkdtempSync(join(tmpdir(), 'agent-vitals-unit-'));
const batches = Array.from({ length: Math.min(concurrency, unit.length) }, (_, i) => {
  const entry = join(batchDir, `unit-${i + 1}.test.mjs`);
  const members = unit.filter((_, j) => j % concurrency === i);
  writeFileSync(entry, members.map((f) => `import ${JSON.stringify(pathToFileURL(resolve(f)).href)};\n`).join(''));
  return entry;
});

const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...batches, ...separate],
  { stdio: 'inherit' },
);
rmSync(batchDir, { recursive: true, force: true });
process.exit(result.status ?? 1);
