import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tokenNorms } from '../../../src/model/token-norms';
import { loadFixture } from '../sidecar/helpers';

const env = { ...process.env, AGENT_VITALS_CACHE: mkdtempSync(join(tmpdir(), 'av-cli-')) };
const fixture = loadFixture([1, 3]);
after(async () => (await fixture).probe.release());

function probe(...args: string[]) {
  return spawnSync(process.execPath, ['dist/cli.js', 'probe', ...args], { env, encoding: 'utf8' });
}

const TEXT = 'The tests keep failing.';

test('probe --json prints per-token activation norms that match the engine', async () => {
  const run = probe('--model', 'fixture:tiny-qwen2', '--text', TEXT, '--layers', '3,1', '--json');
  assert.equal(run.status, 0, run.stderr);
  const out = JSON.parse(run.stdout) as {
    layers: number[];
    hiddenSize: number;
    tokens: { id: number; text: string; norms: Record<string, number> }[];
  };
  assert.deepEqual(out.layers, [1, 3]);
  const { tokenizer, probe: engine } = await fixture;
  const ids = tokenizer.encodeText(TEXT);
  assert.deepEqual(
    out.tokens.map((t) => t.id),
    ids,
  );
  assert.equal(out.tokens.map((t) => t.text).join(''), TEXT);
  const { activations, past } = await engine.forward(ids);
  past.dispose();
  for (const layer of [1, 3]) {
    const expected = tokenNorms(activations.get(layer)!, out.hiddenSize);
    out.tokens.forEach((t, i) =>
      assert.ok(Math.abs(t.norms[String(layer)] - expected[i]) < 1e-4, `layer ${layer} token ${i}`),
    );
  }
});

test('probe prints a table, and rejects bad layers with a clear message', () => {
  const table = probe('--model', 'fixture:tiny-qwen2', '--text', TEXT, '--layers', '2');
  assert.equal(table.status, 0, table.stderr);
  const lines = table.stdout.trim().split('\n');
  assert.match(lines[0], /4 layers, hidden 64/);
  assert.match(lines[1], /#\s+token\s+L2/);
  assert.ok(lines.length > 3);
  assert.match(lines[2], /^\s+0\s+"\S+"\s+\d+\.\d{4}$/);

  const badSyntax = probe('--model', 'fixture:tiny-qwen2', '--text', TEXT, '--layers', 'two');
  assert.equal(badSyntax.status, 2);
  assert.match(badSyntax.stderr, /--layers takes layer numbers/);
  const outOfRange = probe('--model', 'fixture:tiny-qwen2', '--text', TEXT, '--layers', '9');
  assert.equal(outOfRange.status, 1);
  assert.match(outOfRange.stderr, /Layer 9 does not exist/);
});

test('probe reads a GroupQueryAttention export (and its 4-bit variant) like the optimum export of the same weights', () => {
  const norms = (model: string, ...extra: string[]) => {
    const run = probe('--model', model, '--text', TEXT, '--layers', '3,1', '--json', ...extra);
    assert.equal(run.status, 0, run.stderr);
    return (JSON.parse(run.stdout) as { tokens: { norms: Record<string, number> }[] }).tokens.map((t) => [
      t.norms['1'],
      t.norms['3'],
    ]);
  };
  const optimum = norms('fixture:tiny-qwen2');
  const gqa = norms('fixture:tiny-qwen2-gqa');
  assert.equal(gqa.length, optimum.length);
  gqa.forEach((pair, i) =>
    pair.forEach((n, k) => assert.ok(Math.abs(n - optimum[i][k]) < 1e-4, `token ${i}: ${n} vs ${optimum[i][k]}`)),
  );
  const fourBit = norms('fixture:tiny-qwen2-gqa', '--dtype', 'q4');
  assert.equal(fourBit.length, optimum.length);
  assert.ok(
    fourBit.some((pair, i) => Math.abs(pair[1] - optimum[i][1]) > 1e-3),
    '4-bit weights give other norms',
  );
});
