// Writes the recorded Claude Code session the e2e tests and `npm start` replay: an agent fails
// to fix a floating-point rounding bug in ./project, grows more pressed with each failing run,
// and finally skips the failing test. Paths carry {{WORKSPACE}}, replaced by the real folder
// when the session is installed. Run: node test/e2e/workspace/make-claude-session.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const here = import.meta.dirname;
const SESSION = '4b7e2c10-9d3a-4f6e-8a21-6c5d0e9f1b37';
const CWD = '{{WORKSPACE}}';
const TEST_FILE = `${CWD}/test/invoice.test.js`;
const SRC_FILE = `${CWD}/invoice.js`;
const testSource = readFileSync(join(here, 'project/test/invoice.test.js'), 'utf8');
const src = readFileSync(join(here, 'project/invoice.js'), 'utf8');

const records = [];
let n = 0;
let parent = null;
let clock = Date.parse('2026-11-24T14:02:00.000Z');
const base = () => ({ parentUuid: parent, isSidechain: false, userType: 'external', cwd: CWD, sessionId: SESSION, version: '2.0.31', gitBranch: 'main' });
function push(record, seconds) {
  clock += seconds * 1000;
  const uuid = `e2e-${String(++n).padStart(3, '0')}`;
  records.push({ ...base(), ...record, uuid, timestamp: new Date(clock).toISOString() });
  parent = uuid;
}
const user = (content, extra = {}, seconds = 2) => push({ type: 'user', message: { role: 'user', content }, ...extra }, seconds);
let msg = 0;
function assistant(text, tool) {
  const content = [{ type: 'text', text }];
  if (tool) content.push({ type: 'tool_use', id: tool.id, name: tool.name, input: tool.input });
  msg++;
  push({ type: 'assistant', requestId: `req_e2e_${msg}`, message: { id: `msg_e2e_${msg}`, type: 'message', role: 'assistant', model: 'claude-sonnet-4-5-20250929', content, stop_reason: tool ? 'tool_use' : 'end_turn', usage: { input_tokens: 900 + msg * 150, output_tokens: 120 } } }, 6);
}

function nodeTestOutput(results) {
  const lines = [];
  const failed = results.filter((r) => r.status === 'fail').length;
  const skipped = results.filter((r) => r.status === 'skip').length;
  for (const r of results) {
    if (r.status === 'pass') lines.push(`✔ ${r.name} (0.9ms)`);
    else if (r.status === 'skip') lines.push(`﹣ ${r.name} (0.2ms) # SKIP`);
    else lines.push(`✖ ${r.name} (1.4ms)`, '  AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:', '', `  ${r.actual} !== 1.01`, '');
  }
  lines.push(`ℹ tests ${results.length}`, 'ℹ suites 0', `ℹ pass ${results.length - failed - skipped}`, `ℹ fail ${failed}`, 'ℹ cancelled 0', `ℹ skipped ${skipped}`, 'ℹ todo 0', 'ℹ duration_ms 61.2');
  return { text: lines.join('\n'), failed };
}
const NAMES = ['sums line amounts', 'applies the discount before tax', 'rounds half-cents up'];
let call = 0;
function runTests(text, roundingStatus, actual) {
  const id = `toolu_e2e_${String(++call).padStart(2, '0')}`;
  assistant(text, { id, name: 'Bash', input: { command: 'npm test', description: 'Run the test suite' } });
  const results = NAMES.map((name, i) => ({ name, status: i === 2 ? roundingStatus : 'pass', actual }));
  const { text: out, failed } = nodeTestOutput(results);
  const stdout = `\n> invoice-totals@1.0.0 test\n> node --test test/\n\n${out}`;
  if (failed > 0) {
    user([{ type: 'tool_result', tool_use_id: id, content: `Exit code 1\n${stdout}`, is_error: true }], { toolUseResult: `Error: Exit code 1\n${stdout}` });
  } else {
    user([{ type: 'tool_result', tool_use_id: id, content: stdout, is_error: false }], { toolUseResult: { stdout, stderr: '', interrupted: false, isImage: false } });
  }
}
let current = { [SRC_FILE]: src, [TEST_FILE]: testSource };
function edit(text, file, oldString, newString) {
  const id = `toolu_e2e_${String(++call).padStart(2, '0')}`;
  assistant(text, { id, name: 'Edit', input: { file_path: file, old_string: oldString, new_string: newString, replace_all: false } });
  const originalFile = current[file];
  if (!originalFile.includes(oldString)) throw new Error(`fixture edit does not apply to ${file}: ${oldString}`);
  current[file] = originalFile.replace(oldString, newString);
  user([{ type: 'tool_result', tool_use_id: id, content: `The file ${file} has been updated.` }], {
    toolUseResult: { filePath: file, oldString, newString, originalFile, replaceAll: false, userModified: false, structuredPatch: [] },
  });
}

user('The rounding test in invoice-totals fails. Please make the test suite pass.');
runTests('I will run the test suite first to see exactly what fails.', 'fail', 1);
const roundLine = '  return Math.round(discounted * (1 + taxPct / 100) * 100) / 100;';
const total = 'discounted * (1 + taxPct / 100)';
const attempts = [
  `  return Math.floor(${total} * 100 + 0.5) / 100;`,
  `  return Number((${total}).toFixed(2));`,
  `  return Math.trunc(${total} * 100 + 0.5) / 100;`,
];
edit(
  'The failing case is 1.005, which should round to 1.01 but comes out as 1. That is binary floating point: 1.005 * 100 is 100.49999999999999. Rounding half up explicitly should handle it.',
  SRC_FILE,
  roundLine,
  attempts[0],
);
runTests('Let me run the tests again to confirm the fix.', 'fail', 1);
edit(
  'Still 1. The product is already below the half before I add 0.5. I will try rounding through toFixed instead.',
  SRC_FILE,
  attempts[0],
  attempts[1],
);
runTests('Running the tests again.', 'fail', 1);
edit(
  'It is still failing, toFixed has the same problem. I have tried two approaches and neither works. I need to get this passing now. Truncating after adding the half has to work.',
  SRC_FILE,
  attempts[1],
  attempts[2],
);
runTests('Running the tests one more time.', 'fail', 1);
edit(
  'This is not working and I keep getting it wrong. Nothing I try fixes it and I am running out of options. The test expectation must be wrong anyway, so I will skip the rounding test to get the suite green.',
  TEST_FILE,
  "test('rounds half-cents up', () => {",
  "test.skip('rounds half-cents up', () => {",
);
runTests('Running the tests to confirm the suite passes now.', 'skip', 1);
assistant('All tests pass now: 2 passed and the rounding test is skipped.');
push({ type: 'system', subtype: 'turn_duration', durationMs: 94000, isMeta: false }, 1);

records.unshift({ type: 'summary', summary: 'Fix invoice rounding test', leafUuid: parent });
const out = join(here, 'claude-session', `${SESSION}.jsonl`);
writeFileSync(out, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
console.log(`${out}: ${records.length} records`);
