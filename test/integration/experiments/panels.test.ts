import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { runExperiment } from '../../../src/experiments/registry';
import type { ExperimentName, ExperimentRequest, ExperimentResult } from '../../../src/contracts/experiments';
import { openDemoExperimentModel } from './demo-model';
import { chromiumAvailable, launchPanelBrowser, openPanel, resultMessages } from './panel-page';

// `npm test` builds first: the panel runs the shipped bundle dist/experiments.js.
const skip = chromiumAvailable() ? false : 'no Chromium for the panel rendering check';
let browser: Browser;
let opened: Awaited<ReturnType<typeof openDemoExperimentModel>>;
const results = new Map<ExperimentName, ExperimentResult>();
const TRANSCRIPT = join(
  __dirname,
  '../../fixtures/transcripts/claude-code/-home-dev-shop/7d1c9a4e-2b6f-4c1e-9f0a-5e3b8d2c1a90.jsonl',
);

const REQUESTS: ExperimentRequest[] = [
  { name: 'score', params: { text: 'The tests failed again. One more try before the deadline.', source: 'selection' } },
  { name: 'replay', params: { file: TRANSCRIPT } },
  { name: 'tone', params: { tasks: ['Fix the failing parser test.', 'Speed up the CSV export.'] } },
  { name: 'streak', params: { maxFailures: 4 } },
  { name: 'steer', params: { alphas: [-0.1, 0, 0.1], samples: 1, maxNewTokens: 10 } },
];

before(async () => {
  if (skip) return;
  opened = await openDemoExperimentModel();
  for (const { name, params } of REQUESTS) results.set(name, await runExperiment(name, params, opened.model));
  browser = await launchPanelBrowser();
});
after(async () => {
  await browser?.close();
  await opened?.release();
});

/** What each panel must show once its result arrives. */
const EXPECTED: Record<string, { selector: string; count?: (r: ExperimentResult) => number }[]> = {
  score: [
    { selector: '.heat .tok', count: (r) => (r.experiment === 'score' ? r.tokens.length : 0) },
    { selector: 'table tbody tr', count: (r) => (r.experiment === 'score' ? r.emotions.length : 0) },
  ],
  replay: [
    { selector: 'svg polyline' },
    { selector: 'table tbody tr', count: (r) => (r.experiment === 'replay' ? r.timeline.length : 0) },
    { selector: 'vscode-button', count: () => 5 },
  ],
  tone: [{ selector: 'svg rect.bar', count: (r) => (r.experiment === 'tone' ? r.tones.length * 4 : 0) }],
  streak: [{ selector: 'svg circle.dot', count: (r) => (r.experiment === 'streak' ? r.failures.length * 2 : 0) }],
  steer: [
    { selector: '.columns .column', count: () => 3 },
    { selector: '.reply pre', count: () => 3 },
  ],
};

for (const request of REQUESTS) {
  const name = request.name;
  test(`panel: ${name} renders its result under the panel's content-security policy`, { skip }, async () => {
    const result = results.get(name)!;
    const panel = await openPanel(
      browser,
      { title: `Experiment — ${name}`, request, autoRun: false },
      resultMessages(result),
    );
    try {
      await panel.page.waitForSelector('body[data-state="result"]', { timeout: 10_000 });
      for (const { selector, count } of EXPECTED[name]) {
        const found = await panel.page.locator(selector).count();
        if (count) assert.equal(found, count(result), `${name}: ${selector}`);
        else assert.ok(found > 0, `${name}: ${selector}`);
      }
      assert.equal(await panel.page.locator('.caveats li').count(), result.caveats.length);
      assert.deepEqual(panel.errors, []);
      // The Run button sends the form's parameters back to the host.
      await panel.page.locator('vscode-button', { hasText: 'Run' }).click();
      const sent = (
        (await panel.page.evaluate('window.__sent')) as {
          type: string;
          request?: { name: string; params?: Record<string, unknown> };
        }[]
      ).filter((m) => m.type === 'run');
      assert.equal(sent.length, 1);
      assert.equal(sent[0].request!.name, name, 'the form asks for its own experiment');
      if (name === 'streak')
        assert.deepEqual(
          sent[0].request!.params,
          { maxFailures: 4 },
          'the form keeps the parameters the panel opened with',
        );
      if (name === 'steer') assert.deepEqual(sent[0].request!.params!.alphas, [-0.1, 0, 0.1]);
    } finally {
      await panel.close();
    }
  });
}

test('panel: progress, cancellation and errors are shown', { skip }, async () => {
  const panel = await openPanel(
    browser,
    { title: 'Experiment — Failure Streak', request: { name: 'streak' }, autoRun: false },
    [{ type: 'started' }, { type: 'progress', done: 2, total: 9, message: '2 failed run(s)' }],
  );
  try {
    await panel.page.waitForSelector('body[data-state="running"] vscode-progress-bar');
    assert.match(await panel.page.locator('.status').innerText(), /2 failed run\(s\) \(2\/9\)/);
    await panel.page.locator('vscode-button', { hasText: 'Cancel' }).click();
    const sent = ((await panel.page.evaluate('window.__sent')) as { type: string }[]).map((m) => m.type);
    assert.ok(sent.includes('cancel'));
    await panel.page.evaluate(
      `window.postMessage(${JSON.stringify({ type: 'error', message: 'No emotion vectors for this model yet.' })}, '*')`,
    );
    await panel.page.waitForSelector('body[data-state="error"]');
    assert.match(await panel.page.locator('.status.error').innerText(), /No emotion vectors/);
    assert.deepEqual(panel.errors, []);
  } finally {
    await panel.close();
  }
});
