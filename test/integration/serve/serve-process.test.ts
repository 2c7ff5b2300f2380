// `agent-vitals serve --http` as a process: it prints its address and a generated key once,
// stores the key owner-only, answers the openai client with it, and stops cleanly on Ctrl-C.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { apiKeyPath } from '../../../src/serve/api-key';
import { readEndpointFile, serveFolder } from '../../../src/storage/serve-endpoint';

test('serve --http prints the address and key, serves with that key, and exits 0 on SIGINT', async () => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'av-serve-cli-'));
  const env = { ...process.env };
  delete env.AGENT_VITALS_API_KEY;
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/cli/main.ts',
      'serve',
      '--http',
      '127.0.0.1:0',
      '--model',
      'fixture:emotion-tiny',
      '--offline',
      '--cache-dir',
      cacheDir,
      '--steer',
      'calm:+0.05',
    ],
    {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (/API key.*\n/.test(out)) resolve();
    });
    void exited.then((code) => reject(new Error(`exited ${code}: ${err}`)));
  });
  const url = /at (http:\/\/127\.0\.0\.1:\d+\/v1)/.exec(out)![1]!;
  const key = /API key \(stored in .*\): (\S+)/.exec(out)![1]!;
  assert.equal(out.split(key).length - 1, 1, 'the key is printed once');
  assert.equal(readFileSync(apiKeyPath(cacheDir), 'utf8').trim(), key);
  assert.equal(statSync(apiKeyPath(cacheDir)).mode & 0o777, 0o600);
  // While it runs, the endpoint file tells the extension where it is and which transcript it writes.
  const endpoint = readEndpointFile(serveFolder(cacheDir))!;
  assert.deepEqual([endpoint.url, endpoint.pid], [url, child.pid]);
  assert.ok(out.includes(`own-activations transcript: ${endpoint.transcript}\n`), out);

  const client = new OpenAI({ baseURL: url, apiKey: key, maxRetries: 0 });
  const reply = await client.chat.completions.create({
    model: 'fixture:emotion-tiny',
    messages: [{ role: 'user', content: 'hello' }],
    max_tokens: 4,
    temperature: 0,
  });
  assert.equal(reply.model, 'fixture:emotion-tiny');
  assert.deepEqual(
    (reply as unknown as { agent_vitals: { steering: { emotion: string; alpha: number } } }).agent_vitals.steering
      .emotion,
    'calm',
  );

  child.kill('SIGINT');
  assert.equal(await exited, 0, err);
  assert.equal(readEndpointFile(serveFolder(cacheDir)), undefined, 'removed when the endpoint stops');
});
