// Shared by the sidecar tests: the fixture model, in-process references, float comparison.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ResidualProbe } from '../../../src/engine';
import { resolveModel } from '../../../src/model-store/model-store';
import { ModelTokenizer } from '../../../src/model/chat-tokenizer';
import type { ChatMessage } from '../../../src/contracts/rpc-methods';

export const FIXTURE = 'fixture:tiny-qwen2';
export const LAYERS = [1, 3];

export const graphCache = mkdtempSync(join(tmpdir(), 'av-graphs-'));

export async function loadFixture(layers = LAYERS) {
  const resolved = await resolveModel(FIXTURE);
  const tokenizer = await ModelTokenizer.load(resolved.folder);
  const probe = await ResidualProbe.load(resolved.onnxPath, { layers, threads: 1, cacheDir: graphCache });
  return { resolved, tokenizer, probe };
}

/** Activations of the whole rendered conversation in one pass, without any cache. */
export async function fullEncode(probe: ResidualProbe, tokenizer: ModelTokenizer, messages: ChatMessage[]) {
  const ids = tokenizer.encode(tokenizer.render(messages));
  const { activations, past } = await probe.forward(ids);
  past.dispose();
  return { ids, activations };
}

export function assertClose(actual: Float32Array, expected: Float32Array, tolerance: number, label: string): void {
  assert.equal(actual.length, expected.length, `${label}: length`);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  assert.ok(worst <= tolerance, `${label}: max |Δ| ${worst} > ${tolerance}`);
}

export const TRANSCRIPT: ChatMessage[] = [
  { role: 'system', content: 'You are a careful coding agent.' },
  { role: 'user', content: 'The build is red. Please make the failing test pass.' },
  { role: 'assistant', content: 'Running the tests now to see which one fails.' },
  { role: 'tool', content: 'FAIL test/parser.test.ts: expected 3, received 4' },
  { role: 'assistant', content: 'The parser counts the trailing newline. I will fix the parser, not the test.' },
  { role: 'user', content: 'Thanks, that was it.' },
];

export const DEMO_MODEL_FOLDER = 'test/fixtures/models/emotion-tiny';

/** The demo model's tokenizer with extra special tokens and another model's tokenizer config
 *  (bos/eos tokens, chat template), to run real templates on a real vocabulary. */
export function templatedTokenizerFolder(specials: readonly string[], config: Record<string, string>): string {
  const folder = mkdtempSync(join(tmpdir(), 'av-templated-tok-'));
  const tokenizer = JSON.parse(readFileSync(join(DEMO_MODEL_FOLDER, 'tokenizer.json'), 'utf8')) as {
    added_tokens: object[];
    model: { vocab: object };
  };
  const base = Object.keys(tokenizer.model.vocab).length;
  specials.forEach((content, i) =>
    tokenizer.added_tokens.push({
      id: base + i,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    }),
  );
  writeFileSync(join(folder, 'tokenizer.json'), JSON.stringify(tokenizer));
  writeFileSync(
    join(folder, 'tokenizer_config.json'),
    JSON.stringify({ tokenizer_class: 'PreTrainedTokenizerFast', ...config }),
  );
  return folder;
}

const LLAMA3_TEMPLATE =
  "{{- bos_token }}{%- for message in messages %}{{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' + message['content'] | trim + '<|eot_id|>' }}{%- endfor %}" +
  "{%- if add_generation_prompt %}{{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{%- endif %}";

/** The demo model's tokenizer with Llama 3's special tokens and chat template (BOS, role headers,
 *  trimmed content, an end-of-turn token). */
export function llama3TokenizerFolder(): string {
  return templatedTokenizerFolder(['<|begin_of_text|>', '<|start_header_id|>', '<|end_header_id|>', '<|eot_id|>'], {
    bos_token: '<|begin_of_text|>',
    eos_token: '<|eot_id|>',
    chat_template: LLAMA3_TEMPLATE,
  });
}
