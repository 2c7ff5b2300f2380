// The endpoint's guards: loopback-only addresses, the bearer key and its owner-only file,
// request validation and the streamed-text holdback.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiKeyPath, bearerMatches, resolveApiKey } from '../../../src/serve/api-key';
import { DEFAULT_LIMITS, parseChatRequest } from '../../../src/serve/chat-request';
import { AddressError, parseLoopbackAddress } from '../../../src/serve/loopback';
import { ReplyText } from '../../../src/serve/text-stream';
import { splitToolCalls } from '../../../src/serve/tool-calls';
import { runAgentVitalsInProcess } from '../../support/cli';

test('only loopback addresses are accepted', () => {
  assert.deepEqual(parseLoopbackAddress('127.0.0.1:8765'), { host: '127.0.0.1', port: 8765 });
  assert.deepEqual(parseLoopbackAddress('[::1]:80'), { host: '::1', port: 80 });
  assert.deepEqual(parseLoopbackAddress('localhost:0'), { host: '127.0.0.1', port: 0 });
  for (const address of ['0.0.0.0:8765', '192.168.1.4:80', '[::]:80', 'example.com:80', '8765', '127.0.0.1:99999']) {
    assert.throws(() => parseLoopbackAddress(address), AddressError, address);
  }
});

test('serve --http refuses a non-loopback host before loading any model', async () => {
  const run = await runAgentVitalsInProcess(['serve', '--http', '0.0.0.0:8765', '--model', 'fixture:emotion-tiny']);
  assert.equal(run.code, 2);
  assert.match(run.err, /loopback only/);
});

test('the key comes from the environment, or is generated and stored owner-only', () => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'av-key-'));
  assert.deepEqual(resolveApiKey(cacheDir, { AGENT_VITALS_API_KEY: ' from-env ' }), {
    key: 'from-env',
    generated: false,
  });
  const first = resolveApiKey(cacheDir, {});
  const second = resolveApiKey(cacheDir, {});
  assert.ok(first.generated && first.key.length > 30);
  assert.notEqual(first.key, second.key, 'a fresh key per start');
  assert.equal(readFileSync(apiKeyPath(cacheDir), 'utf8').trim(), second.key);
  assert.equal(statSync(apiKeyPath(cacheDir)).mode & 0o777, 0o600);
  chmodSync(apiKeyPath(cacheDir), 0o644);
  resolveApiKey(cacheDir, {});
  assert.equal(statSync(apiKeyPath(cacheDir)).mode & 0o777, 0o600, 'a key file left readable to others is replaced');
  assert.ok(bearerMatches(`Bearer ${second.key}`, second.key));
  assert.ok(!bearerMatches(`Bearer ${first.key}`, second.key));
  assert.ok(!bearerMatches(undefined, second.key));
  assert.ok(!bearerMatches(second.key, second.key), 'the scheme is required');
});

test('requests are validated with the offending parameter named', () => {
  const ok = parseChatRequest(
    {
      messages: [
        { role: 'developer', content: [{ type: 'text', text: 'be brief' }] },
        { role: 'user', content: 'hi' },
      ],
      stop: 'END',
      seed: 3,
    },
    DEFAULT_LIMITS,
  );
  assert.deepEqual(ok.messages, [
    { role: 'system', content: 'be brief' },
    { role: 'user', content: 'hi' },
  ]);
  assert.deepEqual(
    [ok.stop, ok.maxTokens, ok.temperature, ok.topP, ok.seed],
    [['END'], DEFAULT_LIMITS.maxTokens, 1, 1, 3],
  );
  const param = (body: object) => {
    try {
      parseChatRequest(body, DEFAULT_LIMITS);
    } catch (err) {
      return (err as { param: string | null }).param;
    }
    return 'accepted';
  };
  const user = [{ role: 'user', content: 'hi' }];
  assert.equal(param({ messages: [] }), 'messages');
  assert.equal(param({ messages: user, temperature: 3 }), 'temperature');
  assert.equal(param({ messages: user, top_p: -0.1 }), 'top_p');
  assert.equal(param({ messages: user, max_tokens: DEFAULT_LIMITS.maxTokens + 1 }), 'max_tokens');
  assert.equal(param({ messages: user, stop: ['a', 'b', 'c', 'd', 'e'] }), 'stop');
  assert.equal(param({ messages: user, n: 2 }), 'n');
  assert.equal(param({ messages: [{ role: 'wizard', content: 'x' }] }), 'messages[0].role');
  assert.equal(param({ messages: user, tools: [{ type: 'retrieval' }] }), 'tools');
});

test('streamed text holds back what may become a stop sequence or a tool call, and ends at a stop', () => {
  const text = new ReplyText(['STOP'], false);
  assert.equal(text.update('abc ST'), 'abc ');
  assert.equal(text.update('abc STA'), 'STA');
  assert.equal(text.update('abc STA x\uFFFD'), ' x');
  assert.equal(text.update('abc STA xé STOP more'), 'é ');
  assert.ok(text.stopped);
  assert.deepEqual(text.finish('abc STA xé STOP more'), { full: 'abc STA xé ', rest: '' });

  const tools = new ReplyText([], true);
  assert.equal(tools.update('ok <tool'), 'ok');
  assert.equal(tools.update('ok <tool_call>{"name":'), '');
  assert.deepEqual(tools.finish('ok <tool_call>{"name":"a"}</tool_call>'), {
    full: 'ok <tool_call>{"name":"a"}</tool_call>',
    rest: ' <tool_call>{"name":"a"}</tool_call>',
  });
});

test('tool-call blocks parse into calls; malformed ones stay as text', () => {
  const { content, toolCalls } = splitToolCalls(
    'a\n<tool_call>\n{"name":"f","arguments":{"x":1}}\n</tool_call>\n<tool_call>{"name":"g","arguments":"{}"}</tool_call>',
  );
  assert.equal(content, 'a');
  assert.deepEqual(
    toolCalls.map((c) => [c.function.name, c.function.arguments]),
    [
      ['f', '{"x":1}'],
      ['g', '{}'],
    ],
  );
  assert.notEqual(toolCalls[0]!.id, toolCalls[1]!.id);
  const broken = '<tool_call>{not json}</tool_call>';
  assert.deepEqual(splitToolCalls(broken), { content: broken, toolCalls: [] });
});
