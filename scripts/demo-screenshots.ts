// Screenshots of the sidebar as `npm start` shows it: opens the running demo in headless
// Chromium, waits until the replayed session is scored by the demo model, selects the turn
// under the most pressure, and saves the side bar and the window in the dark, light and both
// high-contrast themes.
//   npm start  (in another terminal), then:  tsx scripts/demo-screenshots.ts [--url http://127.0.0.1:8123/?folder=…] [--out media/screenshots]
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { launchBrowser, openSidebar, openWorkbench, setColorTheme, THEMES } from '../test/e2e/harness/browser';

const { values } = parseArgs({
  options: { url: { type: 'string' }, out: { type: 'string', default: 'media/screenshots' }, turn: { type: 'string' } },
});

async function main(): Promise<void> {
  const url =
    values.url ??
    `http://127.0.0.1:${process.env.AGENT_VITALS_PORT ?? 8123}/?folder=${encodeURIComponent(join(process.cwd(), '.cache/demo/workspace'))}`;
  const browser = await launchBrowser();
  mkdirSync(values.out!, { recursive: true });
  try {
    const page = await openWorkbench(browser, url);
    const frame = await openSidebar(page);
    // The replay starts when the workbench opens; the passing run comes last, then every turn is scored.
    await frame.locator('[data-testid="test-run-marker"].pass').waitFor({ timeout: 180_000 });
    await frame.locator('[data-testid="scoring"][data-state="ready"]').waitFor({ timeout: 120_000 });
    await frame.locator('circle.dot.unscored').first().waitFor({ state: 'detached', timeout: 120_000 });
    const hits = frame.locator('.turn-hit');
    await hits.nth(values.turn !== undefined ? Number(values.turn) : (await hits.count()) - 3).click();
    await frame.locator('[data-testid="turn-text"] .tok').first().waitFor();
    for (const { theme, kind, name } of THEMES) {
      await setColorTheme(page, theme, kind);
      await frame.getByTestId('gauge').waitFor();
      // No hover tooltip over the panel.
      await page.mouse.move(900, 450);
      const sidebar = join(values.out!, `sidebar-replay-scored-${name}.png`);
      await page.locator('#workbench\\.parts\\.sidebar').screenshot({ path: sidebar });
      const window = join(values.out!, `replay-${name}.png`);
      await page.screenshot({ path: window });
      process.stdout.write(`${sidebar}\n${window}\n`);
    }
  } finally {
    await browser.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
