// End-to-end: a real `agent-vitals serve --http` (the built CLI) serves the fixture model; the
// official openai client asks it for a reply; the extension in a real VS Code finds the running
// endpoint's transcript and shows the session as "own activations" with the model's own
// per-token readings. Setting the sidebar's steering control to calm makes the next reply run
// steered: its transcript record and its turn in the sidebar say so.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { REPO_ROOT, startCodeServer, type CodeServer } from '../../scripts/code-server';
import { readEndpointFile, serveFolder } from '../../src/storage/serve-endpoint';
import { readSteeringControl } from '../../src/serve/steering-control';
import type { TurnRecord } from '../../src/serve/self-transcript';
import { launchBrowser, openSidebar, openWorkbench, screenshotSidebar } from './harness/browser';

const MODEL = 'fixture:emotion-tiny';

let cache: string;
let serve: ChildProcess;
let client: OpenAI;
let server: CodeServer;
let browser: Browser;
let page: Page;

/** Starts the built CLI's endpoint and resolves with its address and printed key. */
async function startServe(): Promise<{ url: string; key: string }> {
  const env = { ...process.env };
  delete env.AGENT_VITALS_API_KEY;
  serve = spawn(
    process.execPath,
    [
      join(REPO_ROOT, 'dist/cli.js'),
      'serve',
      '--http',
      '127.0.0.1:0',
      '--model',
      MODEL,
      '--offline',
      '--cache-dir',
      cache,
    ],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  serve.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return new Promise((resolve, reject) => {
    serve.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const url = /at (http:\/\/127\.0\.0\.1:\d+\/v1)/.exec(out)?.[1];
      const key = /API key \(stored in .*\): (\S+)/.exec(out)?.[1];
      if (url && key) resolve({ url, key });
    });
    serve.on('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
  });
}

function ask(content: string): Promise<OpenAI.Chat.Completions.ChatCompletion> {
  return client.chat.completions.create({
    model: MODEL,
    messages: [{ role: 'user', content }],
    max_tokens: 8,
    temperature: 0,
  });
}

function transcriptTurns(): TurnRecord[] {
  const file = readEndpointFile(serveFolder(cache))!.transcript;
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as TurnRecord)
    .filter((r) => r.type === 'turn');
}

before(async () => {
  cache = mkdtempSync(join(tmpdir(), 'av-own-cache-'));
  // The extension host inherits it: the watchers look for the endpoint in the CLI's default cache.
  process.env.AGENT_VITALS_CACHE = cache;
  const { url, key } = await startServe();
  client = new OpenAI({ baseURL: url, apiKey: key, maxRetries: 0 });
  server = await startCodeServer({
    workspaceFixture: 'test/e2e/workspace/project',
    settings: { 'workbench.colorTheme': 'Default Dark Modern', 'agentVitals.model.id': MODEL },
  });
  browser = await launchBrowser();
  page = await openWorkbench(browser, server.url);
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (serve && serve.exitCode === null) {
    const exited = new Promise((r) => serve.once('exit', r));
    serve.kill('SIGINT');
    await exited;
  }
  delete process.env.AGENT_VITALS_CACHE;
  if (cache) rmSync(cache, { recursive: true, force: true });
});

async function ownSession(frame: FrameLocator, turns: number): Promise<void> {
  await frame
    .getByTestId('gauge')
    .filter({ hasText: `Local model (agent-vitals serve) · ${turns} turn` })
    .waitFor({ timeout: 60_000 });
}

test('a served reply appears in the sidebar as own activations, with the model’s own per-token readings', async () => {
  const reply = await ask('The test still fails. Fix add() so it passes.');
  assert.ok(reply.choices[0]!.message.content, 'the endpoint answered');
  const frame = await openSidebar(page);
  await ownSession(frame, 1);
  const source = frame.getByTestId('readings-source');
  assert.equal(await source.innerText(), `own activations · ${MODEL}`);
  assert.equal(await source.getAttribute('data-kind'), 'own');
  // The turn's heat map is the transcript's own z-scores, token by token.
  const [record] = transcriptTurns();
  assert.equal((await frame.getByTestId('turn-text').locator('.tok').count()) > 0, true);
  assert.equal(await frame.getByTestId('turn-text').innerText(), record!.tokens.join(''));
  const mean = record!.reading!.z.reduce((sum, row) => sum + row[0]!, 0) / record!.reading!.z.length;
  assert.match(
    await frame.getByTestId('turn-view').locator('table.emotions').innerText(),
    new RegExp(`desperate\\s+${mean.toFixed(2)}σ`),
  );
  // No reader model was started for it: the scoring panel never left its first state.
  assert.equal(await frame.getByTestId('scoring').getAttribute('data-state'), 'unavailable');
  assert.equal(await frame.getByTestId('turn-steering').count(), 0, 'an unsteered turn says nothing of steering');
  await screenshotSidebar(page, 'sidebar-own-activations-unsteered-dark');
});

test('the steering control steers the next served reply, which records it and shows it on its turn', async () => {
  const frame = await openSidebar(page);
  const steering = frame.getByTestId('steering');
  await steering.waitFor();
  await frame.getByTestId('steering-emotion').click();
  await frame.getByTestId('steering-emotion').getByRole('option', { name: 'calm +α' }).click();
  // The setting reaches the control file the endpoint reads at the start of each reply.
  const deadline = Date.now() + 20_000;
  while (readSteeringControl(serveFolder(cache)) === undefined || readSteeringControl(serveFolder(cache)) === null) {
    assert.ok(Date.now() < deadline, 'the control file was not written');
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.deepEqual(readSteeringControl(serveFolder(cache)), { emotion: 'calm', alpha: 0.1 });
  const reply = await ask('Still failing.');
  const vitals = (reply as unknown as { agent_vitals: { steering: { emotion: string; alpha: number } | null } })
    .agent_vitals;
  assert.deepEqual([vitals.steering?.emotion, vitals.steering?.alpha], ['calm', 0.1]);
  const records = transcriptTurns();
  assert.equal(records.length, 2);
  assert.equal(records[0]!.steering, null);
  assert.equal(records[1]!.steering!.emotion, 'calm');
  assert.equal(records[1]!.steering!.alpha, 0.1);
  await ownSession(frame, 2);
  const badge = frame.getByTestId('turn-steering');
  await badge.waitFor({ timeout: 20_000 });
  assert.equal(await badge.innerText(), 'steered calm +0.1');
  await badge.scrollIntoViewIfNeeded();
  await screenshotSidebar(page, 'sidebar-own-activations-dark');
});
