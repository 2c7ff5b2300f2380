// Hub repos that keep the chat template in chat_template.jinja: the file is downloaded, used
// (over tokenizer_config.json's template, as transformers does) and required offline when the
// cached tokenizer config has no template of its own.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { env } from '@huggingface/transformers';
import { resolveModel } from '../../../src/model-store/model-store';
import { ModelStoreError } from '../../../src/model-store/model-store-error';
import { ModelTokenizer } from '../../../src/model/chat-tokenizer';
import { startFakeHub, type FakeHub } from './fake-hub';

const DEMO = 'test/fixtures/models/emotion-tiny';
const FILE_TEMPLATE =
  "{%- for message in messages %}{{- '[' + message['role'] + '] ' + message['content'] + '\\n' }}{%- endfor %}";
const work = mkdtempSync(join(tmpdir(), 'av-jinja-'));
let hub: FakeHub;

/** A repo with the demo model's tokenizer; `inlineTemplate` false drops tokenizer_config's template. */
function makeRepo(name: string, inlineTemplate: boolean, templateFile: boolean): string {
  const dir = join(work, 'repos', name);
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ model_type: 'qwen2', num_hidden_layers: 2 }));
  writeFileSync(join(dir, 'tokenizer.json'), readFileSync(join(DEMO, 'tokenizer.json')));
  const config = JSON.parse(readFileSync(join(DEMO, 'tokenizer_config.json'), 'utf8')) as Record<string, unknown>;
  if (!inlineTemplate) delete config.chat_template;
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify(config));
  if (templateFile) writeFileSync(join(dir, 'chat_template.jinja'), FILE_TEMPLATE);
  writeFileSync(join(dir, 'onnx', 'model.onnx'), randomBytes(50_000));
  return dir;
}

before(async () => {
  hub = await startFakeHub({
    'test-org/file-only': makeRepo('file-only', false, true),
    'test-org/both': makeRepo('both', true, true),
    'test-org/inline': makeRepo('inline', true, false),
  });
  env.remoteHost = hub.url;
});
after(async () => {
  await hub.close();
  rmSync(work, { recursive: true, force: true });
});

const messages = [
  { role: 'user' as const, content: 'run the tests' },
  { role: 'assistant' as const, content: 'they pass' },
];

test('the template file is downloaded with the tokenizer and renders the chat', async () => {
  const cacheDir = mkdtempSync(join(work, 'cache-'));
  for (const repo of ['test-org/file-only', 'test-org/both']) {
    const model = await resolveModel(repo, { cacheDir });
    assert.ok(model.downloaded.includes('chat_template.jinja'), model.downloaded.join(', '));
    const tokenizer = await ModelTokenizer.load(model.folder);
    assert.equal(tokenizer.render(messages), '[user] run the tests\n[assistant] they pass\n', repo);
  }
  const inline = await resolveModel('test-org/inline', { cacheDir });
  assert.ok(!inline.downloaded.includes('chat_template.jinja'));
  assert.match(
    (await ModelTokenizer.load(inline.folder)).render(messages),
    /<\|im_start\|>user\nrun the tests<\|im_end\|>/,
  );
});

test('offline, a cache without the template file is incomplete only when the tokenizer config has no template', async () => {
  const cacheDir = mkdtempSync(join(work, 'cache-'));
  const fileOnly = await resolveModel('test-org/file-only', { cacheDir });
  await resolveModel('test-org/inline', { cacheDir });
  assert.deepEqual((await resolveModel('test-org/file-only', { cacheDir, offline: true })).downloaded, []);
  assert.deepEqual((await resolveModel('test-org/inline', { cacheDir, offline: true })).downloaded, []);

  rmSync(join(fileOnly.folder, 'chat_template.jinja'));
  await assert.rejects(
    resolveModel('test-org/file-only', { cacheDir, offline: true }),
    (e: unknown) =>
      e instanceof ModelStoreError &&
      e.kind === 'offline-missing' &&
      JSON.stringify(e.facts.missingFiles) === '["chat_template.jinja"]',
  );
  const again = await resolveModel('test-org/file-only', { cacheDir });
  assert.deepEqual(again.downloaded, ['chat_template.jinja']);
});
