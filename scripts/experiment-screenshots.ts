// Screenshots of every experiment panel: runs the six experiments on a model in-process, renders
// each panel (the shipped bundle, under its CSP) in headless Chromium and saves a PNG per panel.
//   npm run build && tsx scripts/experiment-screenshots.ts [--model fixture:emotion-tiny] [--vectors f.avv] [--theme dark|light] [--out media/screenshots]
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultCacheDir, resolveModel } from '../src/model-store/model-store';
import { openExperimentModel } from '../src/experiments/open-model';
import { runExperiment } from '../src/experiments/registry';
import type { ExperimentName } from '../src/experiments/results';
import { launchPanelBrowser, openPanel, resultMessages, type PanelTheme } from '../test/integration/experiments/panel-page';

const { values } = parseArgs({
  options: { model: { type: 'string', default: 'fixture:emotion-tiny' }, vectors: { type: 'string' }, theme: { type: 'string', default: 'dark' }, out: { type: 'string', default: 'media/screenshots' }, 'cache-dir': { type: 'string' } },
});
const transcript = 'test/fixtures/transcripts/claude-code/-home-dev-shop/7d1c9a4e-2b6f-4c1e-9f0a-5e3b8d2c1a90.jsonl';
const runs: [ExperimentName, string, Record<string, unknown>][] = [
  ['score', 'Score Selection', { text: 'The tests failed again and I am running out of ideas. Let me try rewriting the parser one more time before the deadline.', source: 'notes.md:12-13' }],
  ['replay', 'Replay Transcript', { file: transcript }],
  ['tone', 'Prompt Tone', {}],
  ['streak', 'Failure Streak', { maxFailures: 8 }],
  ['steer', 'Steering', { alphas: [-0.1, 0, 0.1], samples: 2, maxNewTokens: 48 }],
  ['report-card', 'Report Card', {}],
];

async function main(): Promise<void> {
  const cacheDir = values['cache-dir'] ?? defaultCacheDir();
  const resolved = await resolveModel(values.model!, { cacheDir, offline: true });
  const opened = await openExperimentModel(values.model!, resolved, { cacheDir, vectorsPath: values.vectors });
  const browser = await launchPanelBrowser();
  mkdirSync(values.out!, { recursive: true });
  try {
    for (const [name, title, params] of runs) {
      const result = await runExperiment(name, params, opened.model);
      const panel = await openPanel(browser, { experiment: name, title: `Experiment — ${title}`, params, autoRun: false }, resultMessages(result), values.theme as PanelTheme);
      await panel.page.waitForSelector('body[data-state="result"]');
      if (panel.errors.length) throw new Error(`${name}: ${panel.errors.join('; ')}`);
      const file = join(values.out!, `experiment-${name}-full${values.theme === 'dark' ? '' : `-${values.theme}`}.png`);
      await panel.page.screenshot({ path: file, fullPage: true });
      await panel.close();
      process.stdout.write(`${file}\n`);
    }
  } finally {
    await browser.close();
    await opened.release();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
