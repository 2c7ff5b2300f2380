// The fixture folders load in transformers.js like hub models, and agree with the engine.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { AutoModelForCausalLM, AutoTokenizer, env, type Tensor } from '@huggingface/transformers';
import { SteeredModel } from '../../../src/engine';
import { FIXTURE_ROOT, loadReference, modelFixtures, modelPath } from './model-fixtures';

env.allowRemoteModels = false;
env.localModelPath = `${FIXTURE_ROOT}/`;
const cacheDir = mkdtempSync(join(tmpdir(), 'vitals-hub-'));
after(() => rmSync(cacheDir, { recursive: true, force: true }));

const TEXT = '<|im_start|>user\nThe tests keep failing again.<|im_end|>\n<|im_start|>assistant\nLet me look';

test('the tokenizer encodes the reference text to the reference ids and applies a ChatML template', async () => {
  for (const fixture of modelFixtures().filter((f) => f.dtype === 'float32')) {
    const tokenizer = await AutoTokenizer.from_pretrained(fixture.name);
    assert.deepEqual(tokenizer.encode(TEXT), loadReference(fixture).inputIds);
    const chat = tokenizer.apply_chat_template([{ role: 'user', content: 'hi' }], {
      tokenize: false,
      add_generation_prompt: true,
    });
    assert.equal(chat, '<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n');
  }
});

test('transformers.js greedy generation on the fixture equals the engine’s', async () => {
  const fixture = modelFixtures().find((f) => f.style === 'optimum' && f.dtype === 'float32')!;
  const tokenizer = await AutoTokenizer.from_pretrained(fixture.name);
  const model = await AutoModelForCausalLM.from_pretrained(fixture.name, { dtype: 'fp32' });
  const prompt = tokenizer.encode(TEXT);
  const output = (await model.generate({ ...tokenizer(TEXT), max_new_tokens: 5, do_sample: false })) as Tensor;
  const theirs = (output.tolist() as bigint[][])[0]!.slice(prompt.length).map(Number);
  const engine = await SteeredModel.load(modelPath(fixture), { layers: [0], cacheDir, threads: 1 });
  const ours = await engine.generate(prompt, { maxNewTokens: 5, temperature: 0, seed: 0, stopIds: [] });
  assert.deepEqual(ours, theirs);
  await engine.release();
  await model.dispose();
});
