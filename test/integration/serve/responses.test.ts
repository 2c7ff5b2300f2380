// `/v1/responses`, the API current Codex CLI speaks: driven by the official `openai` client's
// `responses.create` (whole and streamed) on the demo model, tool calls on scripted model text,
// and a request in the shape Codex sends, read back as Codex reads the events.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import type { Generation } from '../../../src/serve/reply-model';
import { SelfTranscript, type TurnRecord } from '../../../src/serve/self-transcript';
import { demoEndpoint, KEY } from './endpoint-harness';
import { ScriptedModel } from './scripted-model';

const demo = demoEndpoint();
const { serve } = demo;

const INSTRUCTIONS = 'You are a careful coding agent.';
const TASK = 'The tests keep failing.';

test('a response is the reply chat completions gives the same conversation, with usage, recorded in the transcript', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'av-self-')), 'self.jsonl');
  const { client } = await serve(demo.local, {}, new SelfTranscript(path, demo.local.id));
  demo.local.release();
  const response = await client.responses.create({
    model: 'any',
    instructions: INSTRUCTIONS,
    input: TASK,
    temperature: 0,
    max_output_tokens: 10,
  });
  demo.local.release();
  const chat = await client.chat.completions.create({
    model: 'any',
    messages: [
      { role: 'system', content: INSTRUCTIONS },
      { role: 'user', content: TASK },
    ],
    temperature: 0,
    max_tokens: 10,
  });
  assert.match(response.id, /^resp_/);
  assert.equal(response.object, 'response');
  assert.ok(chat.choices[0]!.message.content, 'the demo model writes something');
  assert.equal(response.output_text, chat.choices[0]!.message.content);
  assert.equal(response.usage!.input_tokens, chat.usage!.prompt_tokens);
  assert.equal(response.usage!.output_tokens, chat.usage!.completion_tokens);
  assert.equal(response.usage!.total_tokens, response.usage!.input_tokens + response.usage!.output_tokens);
  assert.equal(response.status, chat.choices[0]!.finish_reason === 'length' ? 'incomplete' : 'completed');

  const turns = readFileSync(path, 'utf8')
    .trimEnd()
    .split('\n')
    .slice(1)
    .map((line) => JSON.parse(line) as TurnRecord);
  assert.equal(turns[0]!.id, response.id);
  assert.deepEqual(turns[0]!.input, { role: 'user', content: TASK });
  assert.equal(turns[0]!.content, response.output_text);
  assert.equal(turns[0]!.reading!.z.length, response.usage!.output_tokens);
});

test('a streamed response carries the same text in deltas, in the order of OpenAI events, ending in response.completed', async () => {
  const { client } = await serve(demo.local);
  const request = { model: 'any', instructions: INSTRUCTIONS, input: TASK, temperature: 0, max_output_tokens: 10 };
  const whole = await client.responses.create(request);
  const events = [];
  for await (const event of await client.responses.create({ ...request, stream: true })) events.push(event);
  const types = events.map((e) => e.type);
  assert.deepEqual(types.slice(0, 4), [
    'response.created',
    'response.in_progress',
    'response.output_item.added',
    'response.content_part.added',
  ]);
  assert.deepEqual(types.slice(-4), [
    'response.output_text.done',
    'response.content_part.done',
    'response.output_item.done',
    'response.completed',
  ]);
  assert.deepEqual(
    events.map((e) => e.sequence_number),
    events.map((_, i) => i),
  );
  const deltas = events.flatMap((e) => (e.type === 'response.output_text.delta' ? [e.delta] : []));
  assert.ok(deltas.length > 1, 'text arrives in pieces');
  assert.equal(deltas.join(''), whole.output_text);
  const completed = events.at(-1)!;
  assert.ok(completed.type === 'response.completed');
  const message = completed.response.output.find((item) => item.type === 'message');
  assert.ok(message?.type === 'message' && message.content[0]?.type === 'output_text');
  assert.equal(message.content[0].text, whole.output_text);
  assert.equal(completed.response.usage!.output_tokens, whole.usage!.output_tokens);
});

const TOOLS = [
  {
    type: 'function' as const,
    name: 'run_tests',
    description: 'Run the test suite',
    parameters: { type: 'object', properties: { path: { type: 'string' } } },
    strict: false,
  },
];
const CALL_TEXT =
  'Let me run them.\n<tool_call>\n{"name": "run_tests", "arguments": {"path": "test/a.test.ts"}}\n</tool_call>';

test("tool calls in the model's format come back as function_call items, whole and through the client's stream helper", async () => {
  const scripted = new ScriptedModel(demo.local, demo.loaded.tokenizer, CALL_TEXT);
  const { client } = await serve(scripted);
  const request = { model: 'any', input: 'run the tests', tools: TOOLS };
  const whole = await client.responses.create(request);
  assert.equal(whole.output_text, 'Let me run them.');
  const call = whole.output.find((item) => item.type === 'function_call');
  assert.ok(call?.type === 'function_call');
  assert.equal(call.name, 'run_tests');
  assert.deepEqual(JSON.parse(call.arguments), { path: 'test/a.test.ts' });
  assert.match(call.call_id, /^call_/);
  // The tools reached the prompt in the model's format.
  assert.match(demo.loaded.tokenizer.decode(scripted.prompts.at(-1)!), /<tools>[\s\S]*"run_tests"[\s\S]*<\/tools>/);

  // The SDK's accumulator checks that every event refers to an item it has seen added.
  const final = await client.responses.stream(request).finalResponse();
  assert.deepEqual(
    final.output.map((item) => item.type),
    ['message', 'function_call'],
  );
  const streamed = final.output[1]!;
  assert.ok(streamed.type === 'function_call');
  assert.equal(streamed.name, 'run_tests');
  assert.deepEqual(JSON.parse(streamed.arguments), { path: 'test/a.test.ts' });
});

/** Server-sent events as Codex reads them: the JSON `data` of each event. */
function sseData(text: string): { type: string; [key: string]: unknown }[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim())
    .map((block) => {
      const data = block.split('\n').find((line) => line.startsWith('data: '));
      return JSON.parse(data!.slice('data: '.length)) as { type: string };
    });
}

test("a request in Codex's shape is answered with the events Codex reads, its history written in the model's format", async () => {
  const scripted = new ScriptedModel(
    demo.local,
    demo.loaded.tokenizer,
    '<tool_call>\n{"name": "shell_command", "arguments": {"command": "sed -n 1,20p test/math.test.ts"}}\n</tool_call>',
  );
  const { url } = await serve(scripted);
  const body = readFileSync('test/fixtures/serve/codex-responses-request.json', 'utf8');
  const answer = await fetch(`${url}/responses`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body,
  });
  assert.equal(answer.status, 200);
  assert.match(answer.headers.get('content-type')!, /^text\/event-stream/);
  const events = sseData(await answer.text());
  assert.equal(events[0]!.type, 'response.created');
  const done = events
    .filter((e) => e.type === 'response.output_item.done')
    .map((e) => e.item as Record<string, unknown>);
  assert.equal(done.length, 1, 'a reply of only a call has no message item');
  assert.equal(done[0]!.type, 'function_call');
  assert.equal(done[0]!.name, 'shell_command');
  assert.equal(typeof done[0]!.call_id, 'string');
  assert.deepEqual(JSON.parse(done[0]!.arguments as string), { command: 'sed -n 1,20p test/math.test.ts' });
  const completed = events.at(-1)!;
  assert.equal(completed.type, 'response.completed');
  const response = completed.response as { id: string; usage: Record<string, unknown> };
  assert.match(response.id, /^resp_/);
  const prompt = demo.loaded.tokenizer.decode(scripted.prompts.at(-1)!);
  assert.equal(response.usage.input_tokens, scripted.prompts.at(-1)!.length);
  assert.deepEqual(response.usage.input_tokens_details, { cached_tokens: 0 });
  assert.equal(typeof response.usage.output_tokens, 'number');

  // Instructions and developer text as system turns, the earlier call and its output in the
  // model's own blocks, only the function tool offered.
  const request = JSON.parse(body) as { instructions: string };
  assert.ok(prompt.startsWith(`system\n${request.instructions}`), prompt.slice(0, 200));
  assert.match(prompt, /Commands run in a workspace-write sandbox\./);
  assert.match(prompt, /The tests in test\/math\.test\.ts fail\. Fix them\./);
  assert.match(
    prompt,
    /I will run the tests first\.\n<tool_call>\n\{"name":"shell_command","arguments":\{"command":"npm test","workdir":"\/work\/app"\}\}\n<\/tool_call>/,
  );
  assert.match(prompt, /<tool_response>\nExit code: 1\n[\s\S]*add: expected 3, got 4\n<\/tool_response>/);
  assert.match(prompt, /<tools>[\s\S]*"shell_command"[\s\S]*<\/tools>/);
  assert.doesNotMatch(prompt, /apply_patch|web_search/);
});

test('Responses requests go through the same key, limits and checks, named in their own parameters', async () => {
  const { client, url } = await serve(demo.local, { maxTokens: 32 });
  await assert.rejects(
    client.responses.create({ model: 'any', input: 'hi', max_output_tokens: 33 }),
    (err: unknown) => err instanceof OpenAI.BadRequestError && err.param === 'max_output_tokens',
  );
  await assert.rejects(
    client.responses.create({ model: 'any', input: 'hi', previous_response_id: 'resp_1' }),
    (err: unknown) => err instanceof OpenAI.BadRequestError && err.param === 'previous_response_id',
  );
  await assert.rejects(
    client.responses.create({ model: 'any', input: [] }),
    (err: unknown) => err instanceof OpenAI.BadRequestError && err.param === 'input',
  );
  await assert.rejects(
    client.responses.create({
      model: 'any',
      input: [{ type: 'message', role: 'user', content: [{ type: 'input_image', image_url: 'x', detail: 'auto' }] }],
    }),
    (err: unknown) => err instanceof OpenAI.BadRequestError && err.param === 'input[0].content',
  );
  await assert.rejects(
    client.responses.create({ model: 'any', input: 'hi', steer: 'joyful:+0.1' } as Parameters<
      typeof client.responses.create
    >[0]),
    (err: unknown) => err instanceof OpenAI.BadRequestError && err.param === 'steer',
  );
  const bare = await fetch(`${url}/responses`, { method: 'POST', body: '{}' });
  assert.equal(bare.status, 401);
});

class FailsAfterScript extends ScriptedModel {
  override async generate(...args: Parameters<ScriptedModel['generate']>): Promise<Generation> {
    await super.generate(...args);
    throw new Error('the model ran out of memory');
  }
}

test('a generation that fails after the stream began ends it with response.failed, not a bare error line', async () => {
  const { url } = await serve(new FailsAfterScript(demo.local, demo.loaded.tokenizer, 'Looking into it'));
  const answer = await fetch(`${url}/responses`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'any', input: TASK, stream: true }),
  });
  assert.equal(answer.status, 200);
  const events = sseData(await answer.text());
  assert.ok(
    events.some((e) => e.type === 'response.output_text.delta'),
    'the text before the failure was streamed',
  );
  const last = events.at(-1)!;
  assert.equal(last.type, 'response.failed');
  const response = last.response as { status: string; error: { code: string; message: string } };
  assert.equal(response.status, 'failed');
  assert.deepEqual(response.error, { code: 'server_error', message: 'the model ran out of memory' });
  assert.deepEqual(
    events.map((e) => e.sequence_number),
    events.map((_, i) => i),
  );
});
