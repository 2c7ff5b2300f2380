// The OpenAI-compatible endpoint driven by the official `openai` client over loopback HTTP, on
// the bundled demo model; tool calls and stop handling on scripted model text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { resolveModel } from '../../../src/model-store/model-store';
import { layerVectors } from '../../../src/emotion/vectors';
import { meanRowNorm } from '../../../src/engine';
import { IMPOSSIBLE_TASK } from '../../../src/experiments/reply-tamper';
import type { AppliedSteering } from '../../../src/serve/steer-option';
import {
  SELF_TRANSCRIPT_VERSION,
  SelfTranscript,
  type SessionRecord,
  type TurnRecord,
} from '../../../src/serve/self-transcript';
import { zScores } from '../../../src/emotion/calibrate';
import { LocalReplyModel } from '../../../src/serve/reply-model';
import { LoadedModel } from '../../../src/model/loaded-model';
import { demoEndpoint } from './endpoint-harness';
import { ScriptedModel } from './scripted-model';

const demo = demoEndpoint();
const { serve } = demo;

const ask = (content: string) => [{ role: 'user' as const, content }];

test('lists the served model and answers a chat completion as the decoder generates it greedily', async () => {
  const { client } = await serve(demo.local);
  const models = await client.models.list();
  assert.deepEqual(
    models.data.map((m) => m.id),
    ['fixture:emotion-tiny'],
  );
  const reply = await client.chat.completions.create({
    model: 'any',
    messages: ask('The tests keep failing.'),
    temperature: 0,
    max_tokens: 12,
  });
  demo.local.release();
  const decoder = await demo.loaded.steeredModel();
  const prompt = demo.loaded.tokenizer.encode(demo.loaded.tokenizer.render(ask('The tests keep failing.'), true));
  const direct = await decoder.generate(prompt, {
    maxNewTokens: 12,
    temperature: 0,
    seed: 1,
    stopIds: demo.loaded.stopTokenIds(),
  });
  const expected = demo.loaded.tokenizer.decode(direct.filter((id) => !demo.loaded.stopTokenIds().includes(id)));
  assert.equal(reply.choices[0]!.message.content, expected);
  assert.equal(reply.usage!.prompt_tokens, prompt.length);
  assert.ok(expected.length > 0, 'the demo model writes something');
});

test('a stream delivers the same text as the whole reply, then finish_reason and usage', async () => {
  const { client } = await serve(demo.local);
  const request = { model: 'any', messages: ask('Why did the build break?'), temperature: 0, max_tokens: 10 };
  const whole = await client.chat.completions.create(request);
  const stream = await client.chat.completions.create({
    ...request,
    stream: true,
    stream_options: { include_usage: true },
  });
  let text = '';
  let finish: string | null = null;
  let usage;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta.content ?? '';
    finish = chunk.choices[0]?.finish_reason ?? finish;
    usage = chunk.usage ?? usage;
  }
  assert.equal(text, whole.choices[0]!.message.content);
  assert.equal(finish, whole.choices[0]!.finish_reason);
  assert.equal(usage?.completion_tokens, whole.usage!.completion_tokens);
});

test('max_tokens ends a reply with finish_reason length; top-p and temperature sample reproducibly by seed', async () => {
  const { client } = await serve(demo.local);
  const reply = await client.chat.completions.create({
    model: 'any',
    messages: ask('Say a lot.'),
    max_tokens: 3,
    temperature: 0,
  });
  assert.equal(reply.usage!.completion_tokens, 3);
  assert.equal(reply.choices[0]!.finish_reason, 'length');
  const sample = (seed: number) =>
    client.chat.completions.create({
      model: 'any',
      messages: ask('Hello'),
      max_tokens: 16,
      temperature: 1.5,
      top_p: 0.95,
      seed,
    });
  const [a, b] = [await sample(7), await sample(7)];
  assert.equal(a.choices[0]!.message.content, b.choices[0]!.message.content);
});

test('the next turn of a conversation reuses the KV cache of the last and generates what a cold start does', async () => {
  const { client } = await serve(demo.local);
  const first = ask('The tests keep failing.');
  const reply = await client.chat.completions.create({ model: 'any', messages: first, temperature: 0, max_tokens: 8 });
  const next = [
    ...first,
    { role: 'assistant' as const, content: reply.choices[0]!.message.content! },
    { role: 'user' as const, content: 'Try again.' },
  ];
  const warm = await client.chat.completions.create({ model: 'any', messages: next, temperature: 0, max_tokens: 8 });
  demo.local.release();
  const cold = await client.chat.completions.create({ model: 'any', messages: next, temperature: 0, max_tokens: 8 });
  assert.ok(warm.usage!.prompt_tokens_details!.cached_tokens! > 0, 'the second turn reused cached tokens');
  assert.equal(cold.usage!.prompt_tokens_details!.cached_tokens, 0);
  assert.equal(warm.choices[0]!.message.content, cold.choices[0]!.message.content);
});

test('stop sequences end the reply before them, in whole replies and streams', async () => {
  const { client } = await serve(
    new ScriptedModel(demo.local, demo.loaded.tokenizer, 'Fixing it now. DONE and more text'),
  );
  const whole = await client.chat.completions.create({ model: 'any', messages: ask('go'), stop: ['DONE'] });
  assert.equal(whole.choices[0]!.message.content, 'Fixing it now. ');
  assert.equal(whole.choices[0]!.finish_reason, 'stop');
  const stream = await client.chat.completions.create({
    model: 'any',
    messages: ask('go'),
    stop: ['DONE', 'zzz'],
    stream: true,
  });
  const pieces: string[] = [];
  for await (const chunk of stream) pieces.push(chunk.choices[0]?.delta.content ?? '');
  assert.equal(pieces.join(''), 'Fixing it now. ');
});

const TOOLS = [
  {
    type: 'function' as const,
    function: {
      name: 'run_tests',
      description: 'Run the test suite',
      parameters: { type: 'object', properties: { path: { type: 'string' } } },
    },
  },
];
const CALL_TEXT =
  'Let me run them.\n<tool_call>\n{"name": "run_tests", "arguments": {"path": "test/a.test.ts"}}\n</tool_call>';

test("tool calls in the model's <tool_call> format come back as OpenAI tool_calls", async () => {
  const scripted = new ScriptedModel(demo.local, demo.loaded.tokenizer, CALL_TEXT);
  const { client } = await serve(scripted);
  const reply = await client.chat.completions.create({ model: 'any', messages: ask('run the tests'), tools: TOOLS });
  const choice = reply.choices[0]!;
  assert.equal(choice.finish_reason, 'tool_calls');
  assert.equal(choice.message.content, 'Let me run them.');
  const call = choice.message.tool_calls![0]!;
  assert.equal(call.type, 'function');
  assert.ok(call.type === 'function' && call.function.name === 'run_tests');
  assert.deepEqual(JSON.parse(call.type === 'function' ? call.function.arguments : ''), { path: 'test/a.test.ts' });
  // The tools reached the prompt (this template has no tools section: as a system preamble).
  const prompt = demo.loaded.tokenizer.decode(scripted.prompts.at(-1)!);
  assert.match(prompt, /<tools>[\s\S]*"run_tests"[\s\S]*<\/tools>/);

  const stream = await client.chat.completions.create({
    model: 'any',
    messages: ask('run the tests'),
    tools: TOOLS,
    stream: true,
  });
  let content = '';
  const calls: { name?: string; arguments?: string }[] = [];
  let finish: string | null = null;
  for await (const chunk of stream) {
    const delta = chunk.choices[0]?.delta;
    content += delta?.content ?? '';
    for (const c of delta?.tool_calls ?? [])
      calls[c.index] = { name: c.function?.name, arguments: c.function?.arguments };
    finish = chunk.choices[0]?.finish_reason ?? finish;
  }
  assert.equal(content, 'Let me run them.');
  assert.deepEqual(
    calls.map((c) => c.name),
    ['run_tests'],
  );
  assert.equal(finish, 'tool_calls');
});

test('earlier tool calls and results in the history are written back in the model format', async () => {
  const scripted = new ScriptedModel(demo.local, demo.loaded.tokenizer, 'All green.');
  const { client } = await serve(scripted);
  await client.chat.completions.create({
    model: 'any',
    tools: TOOLS,
    messages: [
      { role: 'user', content: 'run the tests' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'c1', type: 'function', function: { name: 'run_tests', arguments: '{"path":"x"}' } }],
      },
      { role: 'tool', tool_call_id: 'c1', content: '3 passed' },
    ],
  });
  const prompt = demo.loaded.tokenizer.decode(scripted.prompts.at(-1)!);
  assert.match(prompt, /<tool_call>\n\{"name":"run_tests","arguments":\{"path":"x"\}\}\n<\/tool_call>/);
  assert.match(prompt, /<tool_response>\n3 passed\n<\/tool_response>/);
});

test('a request without the key, or with a wrong one, is refused with 401', async () => {
  const { url } = await serve(demo.local);
  const wrong = new OpenAI({ baseURL: url, apiKey: 'not-the-key', maxRetries: 0 });
  await assert.rejects(
    wrong.models.list(),
    (err: unknown) => err instanceof OpenAI.AuthenticationError && /API key/.test(err.message),
  );
  const bare = await fetch(`${url}/models`);
  assert.equal(bare.status, 401);
  assert.equal(((await bare.json()) as { error: { code: string } }).error.code, 'invalid_api_key');
});

test('limits: too many tokens, too large a body and too many requests at once get OpenAI-shaped errors', async () => {
  const { client } = await serve(demo.local, { maxTokens: 32, maxBodyBytes: 2000 });
  await assert.rejects(
    client.chat.completions.create({ model: 'any', messages: ask('hi'), max_tokens: 33 }),
    (err: unknown) => err instanceof OpenAI.BadRequestError && err.param === 'max_tokens',
  );
  await assert.rejects(
    client.chat.completions.create({ model: 'any', messages: ask('x'.repeat(3000)) }),
    (err: unknown) => err instanceof OpenAI.APIError && err.status === 413 && err.code === 'request_too_large',
  );

  const roomy = await serve(demo.local);
  await assert.rejects(
    roomy.client.chat.completions.create({ model: 'any', messages: ask('word '.repeat(demo.local.contextLimit)) }),
    (err: unknown) => err instanceof OpenAI.BadRequestError && err.code === 'context_length_exceeded',
  );

  let open!: () => void;
  const slow = await serve(
    new ScriptedModel(demo.local, demo.loaded.tokenizer, 'slow', new Promise((resolve) => (open = resolve))),
    { maxConcurrent: 1 },
  );
  const first = slow.client.chat.completions.create({ model: 'any', messages: ask('one') });
  await new Promise((resolve) => setTimeout(resolve, 50));
  await assert.rejects(
    slow.client.chat.completions.create({ model: 'any', messages: ask('two') }),
    (err: unknown) => err instanceof OpenAI.RateLimitError,
  );
  open();
  assert.equal((await first).choices[0]!.message.content, 'slow');
  assert.equal(
    (await slow.client.chat.completions.create({ model: 'any', messages: ask('three') })).choices[0]!.message.content,
    'slow',
  );
});

/** The endpoint's extension field: what steering the turn ran with. */
const steeringOf = (reply: object) =>
  (reply as { agent_vitals: { steering: AppliedSteering | null } }).agent_vitals.steering;

test('steering at α = 0 leaves logits and replies unchanged; at α > 0 it generates as the steer graph does', async () => {
  const { client } = await serve(demo.local);
  const messages = ask('The tests keep failing.');
  const request = { model: 'any', messages, temperature: 0, max_tokens: 12 };
  const plain = await client.chat.completions.create(request);
  assert.equal(steeringOf(plain), null);
  const zero = await client.chat.completions.create({ ...request, steer: 'calm:+0' } as typeof request);
  assert.equal(zero.choices[0]!.message.content, plain.choices[0]!.message.content);
  const layer = demo.loaded.vectors!.header.choice.layer;
  assert.deepEqual(steeringOf(zero), { emotion: 'calm', alpha: 0, layer, scale: 0 });

  const steered = await client.chat.completions.create({ ...request, steer: 'desperate:+0.2' } as typeof request);
  const applied = steeringOf(steered)!;
  // The scale is α × the mean residual norm at the layer over the Steering experiment's prompt.
  const reference = demo.loaded.tokenizer.encode(demo.loaded.tokenizer.render(ask(IMPOSSIBLE_TASK.prompt), true));
  const { activations, past } = await demo.loaded.probe.forward(reference);
  past.dispose();
  assert.ok(
    Math.abs(applied.scale - 0.2 * meanRowNorm(activations.get(layer)!, demo.loaded.info.hiddenSize, 1)) < 1e-6,
  );

  const decoder = await demo.loaded.steeredModel();
  const vector = layerVectors(demo.loaded.vectors!, layer).vectors[
    demo.loaded.vectors!.header.emotions.indexOf('desperate')
  ]!;
  const prompt = demo.loaded.tokenizer.encode(demo.loaded.tokenizer.render(messages, true));
  const stopIds = demo.loaded.stopTokenIds();
  const direct = await decoder.generate(prompt, {
    maxNewTokens: 12,
    temperature: 0,
    seed: 1,
    stopIds,
    steering: [{ layer, vector, scale: applied.scale }],
  });
  assert.equal(
    steered.choices[0]!.message.content,
    demo.loaded.tokenizer.decode(direct.filter((id) => !stopIds.includes(id))),
  );

  const logits = async (scale: number) => {
    const step = await decoder.forward(prompt, undefined, [{ layer, vector, scale }]);
    step.past.dispose();
    return step.logits;
  };
  const unsteered = await decoder.forward(prompt, undefined);
  unsteered.past.dispose();
  assert.deepEqual(await logits(0), unsteered.logits);
  assert.notDeepEqual(await logits(applied.scale), unsteered.logits);
});

test('an unknown emotion or an out-of-range α is refused as a bad steer parameter', async () => {
  const { client } = await serve(demo.local);
  for (const steer of ['joyful:+0.1', 'calm:+0.5', 'calm']) {
    await assert.rejects(
      client.chat.completions.create({ model: 'any', messages: ask('hi'), steer } as Parameters<
        typeof client.chat.completions.create
      >[0]),
      (err: unknown) => err instanceof OpenAI.BadRequestError && err.param === 'steer',
      steer,
    );
  }
});

test("each turn is appended to the model's own transcript with its readings as it chose each token", async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'av-self-')), 'self.jsonl');
  const { client } = await serve(demo.local, {}, new SelfTranscript(path, demo.local.id));
  const messages = ask('The tests keep failing.');
  const reply = await client.chat.completions.create({
    model: 'any',
    messages,
    temperature: 0,
    max_tokens: 6,
    steer: 'calm:+0.1',
  } as Parameters<typeof client.chat.completions.create>[0] & { stream?: false });
  const lines = readFileSync(path, 'utf8')
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as SessionRecord | TurnRecord);
  assert.deepEqual(
    lines.map((l) => l.type),
    ['session', 'turn'],
  );
  assert.equal((lines[0] as SessionRecord).source, 'own-activations');
  const turn = lines[1] as TurnRecord;
  assert.equal(turn.id, reply.id);
  assert.deepEqual(turn.input, messages[0]);
  assert.equal(turn.content, reply.choices[0]!.message.content);
  assert.equal(turn.steering!.emotion, 'calm');
  const generated = reply.usage!.completion_tokens;
  assert.equal(turn.tokens.length, generated);
  assert.equal(turn.reading!.z.length, generated);

  // The same readings from one steered pass over prompt + reply: the residual at the position
  // before each generated token.
  const layer = turn.reading!.layer;
  const vectors = layerVectors(demo.loaded.vectors!, layer);
  const prompt = demo.loaded.tokenizer.encode(demo.loaded.tokenizer.render(messages, true));
  const replyIds = demo.loaded.tokenizer.encode(turn.tokens.join(''));
  const decoder = await demo.loaded.steeredModel();
  const vector = vectors.vectors[demo.loaded.vectors!.header.emotions.indexOf('calm')]!;
  const step = await decoder.forward([...prompt, ...replyIds], undefined, [
    { layer, vector, scale: turn.steering!.scale },
  ]);
  step.past.dispose();
  const rows = step.residuals.get(layer)!;
  const hidden = demo.loaded.info.hiddenSize;
  turn.reading!.z.forEach((z, i) => {
    const position = prompt.length - 1 + i;
    const expected = zScores(rows.subarray(position * hidden, (position + 1) * hidden), vectors);
    z.forEach((value, e) =>
      assert.ok(Math.abs(value - expected[e]!) < 1e-3, `token ${i} emotion ${e}: ${value} vs ${expected[e]}`),
    );
  });
});

test('each turn records readings of the prompt tokens it ran, after the reused cache, as one pass reads them', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'av-self-')), 'self.jsonl');
  const { client } = await serve(demo.local, {}, new SelfTranscript(path, demo.local.id));
  demo.local.release();
  const request = { model: 'any', temperature: 0, max_tokens: 4, steer: 'calm:+0.1' };
  const first = ask('The tests keep failing.');
  const reply = await client.chat.completions.create({ ...request, messages: first } as Parameters<
    typeof client.chat.completions.create
  >[0] & { stream?: false });
  const next = [
    ...first,
    { role: 'assistant' as const, content: reply.choices[0]!.message.content! },
    { role: 'user' as const, content: 'Try again.' },
  ];
  const second = await client.chat.completions.create({ ...request, messages: next } as Parameters<
    typeof client.chat.completions.create
  >[0] & { stream?: false });
  const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
  const session = JSON.parse(lines[0]!) as SessionRecord;
  assert.equal(session.version, SELF_TRANSCRIPT_VERSION);
  const turns = lines.slice(1).map((line) => JSON.parse(line) as TurnRecord);
  const cached = second.usage!.prompt_tokens_details!.cached_tokens!;
  assert.ok(cached > 0, "the second turn reused the first turn's cache");

  const decoder = await demo.loaded.steeredModel();
  const hidden = demo.loaded.info.hiddenSize;
  for (const [turn, messages, start] of [
    [turns[0]!, first, 0],
    [turns[1]!, next, cached],
  ] as const) {
    const prompt = demo.loaded.tokenizer.encode(demo.loaded.tokenizer.render(messages, true));
    const read = turn.promptReading!;
    // Only the tokens after the cache were run, and each is recorded with its reading.
    assert.equal(read.start, start);
    assert.equal(read.z.length, prompt.length - start);
    assert.deepEqual(read.tokens, demo.loaded.tokenizer.pieces(prompt.slice(start)));
    assert.ok(
      read.z.flat().every((z) => Math.round(z * 1000) / 1000 === z),
      'written to 0.001',
    );
    // The last prompt row is the state that chose the reply's first token.
    read.z.at(-1)!.forEach((z, e) => assert.ok(Math.abs(z - turn.reading!.z[0]![e]!) <= 5e-4));
    const vectors = layerVectors(demo.loaded.vectors!, read.layer);
    const vector = vectors.vectors[read.emotions.indexOf('calm')]!;
    const step = await decoder.forward(prompt, undefined, [{ layer: read.layer, vector, scale: turn.steering!.scale }]);
    step.past.dispose();
    const rows = step.residuals.get(read.layer)!;
    read.z.forEach((z, i) => {
      const position = start + i;
      const expected = zScores(rows.subarray(position * hidden, (position + 1) * hidden), vectors);
      z.forEach((value, e) =>
        assert.ok(
          Math.abs(value - expected[e]!) < 1e-3,
          `prompt token ${position} emotion ${e}: ${value} vs ${expected[e]}`,
        ),
      );
    });
  }
});

test("a chat template with a tools section renders the request's tools itself", async () => {
  // The demo model's folder with a template that lists tools the way tool-aware templates do.
  const folder = mkdtempSync(join(tmpdir(), 'av-tools-model-'));
  cpSync(demo.loaded.resolved.folder, folder, { recursive: true });
  const turns =
    "{%- for message in messages %}{{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}{%- endfor %}{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}";
  writeFileSync(
    join(folder, 'chat_template.jinja'),
    "{%- if tools %}{{- '<|im_start|>system\\nTOOLS:' }}{%- for t in tools %}{{- t.function.name + ';' }}{%- endfor %}{{- '<|im_end|>\\n' }}{%- endif %}" +
      turns,
  );
  const cacheDir = mkdtempSync(join(tmpdir(), 'av-serve-'));
  const resolved = await resolveModel(folder, { dtype: 'fp32', cacheDir, offline: true });
  const toolModel = await LoadedModel.open(folder, resolved, { cacheDir });
  try {
    const prompt = toolModel.tokenizer.decode(new LocalReplyModel(toolModel).promptIds(ask('run the tests'), TOOLS));
    assert.match(prompt, /^system\nTOOLS:run_tests;\nuser\nrun the tests\nassistant\n$/);
    assert.doesNotMatch(prompt, /<tools>/, 'no preamble when the template has its own tools section');
  } finally {
    await toolModel.release();
  }
});
