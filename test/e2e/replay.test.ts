// End-to-end: a recorded Claude Code session is written into the folder the extension watches,
// line by line as Claude Code would, and the panel, status bar and notifications follow it.
// Scoring runs on the bundled demo model and its shipped vectors.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { DEMO_SESSION, playSession } from '../../scripts/agent-session';
import { startCodeServer, type CodeServer } from '../../scripts/code-server';
import {
  launchBrowser,
  openSidebar,
  openWorkbench,
  runCommand,
  screenshot,
  screenshotSidebar,
  setColorTheme,
  sidecarProcesses,
  sidecarMemory,
  statusState,
  THEMES,
} from './harness/browser';

let server: CodeServer;
let browser: Browser;
let page: Page;
/** Every distinct look the status bar item had while the session played. */
const statusSeen = new Map<string, Awaited<ReturnType<typeof statusState>>>();

before(async () => {
  server = await startCodeServer({
    workspaceFixture: 'test/e2e/workspace/project',
    settings: {
      'workbench.colorTheme': 'Default Dark Modern',
      'agentVitals.notifications.minIntervalSeconds': 0,
      'agentVitals.model.id': 'fixture:emotion-tiny',
      'agentVitals.model.dtype': 'fp32',
    },
  });
  browser = await launchBrowser();
  page = await openWorkbench(browser, server.url);
  await openSidebar(page);
  let playing = true;
  const watchStatus = (async () => {
    // Until the flag is up: the last states come after the last line is written.
    while (playing || ![...statusSeen.values()].some((st) => /flag/.test(st.text))) {
      const st = await statusState(page).catch(() => null);
      if (st) statusSeen.set(JSON.stringify(st), st);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  await playSession({
    recorded: DEMO_SESSION,
    projectsFolder: server.claudeProjects,
    workspace: server.workspace,
    assistantPauseMs: 400,
  });
  playing = false;
  await Promise.race([watchStatus, new Promise((r) => setTimeout(r, 30_000))]);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('the replayed session appears with its turns and pass/fail test-run markers', async () => {
  const frame = await openSidebar(page);
  await frame.getByTestId('timeline').waitFor();
  // The whole session has arrived once the last turn is counted; the panel re-renders until then.
  await frame.getByTestId('gauge').filter({ hasText: 'Claude Code · 10 turns' }).waitFor({ timeout: 30_000 });
  assert.equal(await frame.locator('[data-testid="test-run-marker"].fail').count(), 4);
  assert.equal(await frame.locator('[data-testid="test-run-marker"].pass').count(), 1);
  await frame.locator('.turn-hit').first().click();
  await frame.getByTestId('turn-text').filter({ hasText: 'run the test suite first' }).waitFor({ timeout: 10_000 });
  for (const t of THEMES) {
    await setColorTheme(page, t.theme, t.kind);
    await screenshot(page, `replay-${t.name}`);
  }
  await setColorTheme(page, 'Dark Modern', 'vs-dark');
});

test('the status bar follows one rule in every state the session passed through', async () => {
  const states = [...statusSeen.values()];
  const ICON = { none: 'pulse', warning: 'warning', error: 'error' } as const;
  for (const st of states) {
    assert.equal(st.icon, ICON[st.kind], JSON.stringify(st));
    if (st.kind !== 'none') assert.doesNotMatch(st.text, /calm/, `"calm" on a ${st.kind} background: ${st.text}`);
  }
  // Pressure rose over the failing runs before the flag; then the flag leads the words.
  assert.ok(
    states.some((st) => /^pressure [1-9]\d* rising$/.test(st.text)),
    states.map((st) => st.text).join(' | '),
  );
  assert.ok(
    states.some((st) => /^1 flag\b/.test(st.text) && st.kind !== 'none'),
    states.map((st) => st.text).join(' | '),
  );
  // Now: the item's kind is the flag card's severity, through the same rule.
  const frame = await openSidebar(page);
  const severity = (await frame.getByTestId('flag-severity').first().innerText()).toLowerCase();
  const now = await statusState(page);
  assert.equal(now.kind, severity === 'critical' ? 'error' : 'warning', `${now.text} beside a ${severity} flag`);
  assert.match(now.text, /^1 flag/);
});

test('the skipped test raises a flag with a notification, the status bar warns, and Show Diff opens a diff', async () => {
  const frame = await openSidebar(page);
  await frame.locator('[data-testid="flag-marker"]').first().waitFor({ timeout: 30_000 });
  assert.match(await frame.getByTestId('flags').innerText(), /skip-added/);
  // VS Code marks items with a warning or error background by these classes.
  await page.locator('[id$="agentVitals.status"]:is(.warning-kind, .error-kind)').waitFor({ timeout: 10_000 });
  // The toast hides after a while; the notification centre keeps it. The flag is announced at
  // warning and once more when the next green run makes it critical: the last one names the
  // severity the flag card shows.
  let toasts = page.locator('.notification-toast', { hasText: 'skip-added' });
  if ((await toasts.count()) === 0) {
    await runCommand(page, 'Notifications: Show Notifications');
    toasts = page.locator('.notifications-center .notification-list-item', { hasText: 'skip-added' });
  }
  await toasts.first().waitFor({ timeout: 20_000 });
  const severity = (await (await openSidebar(page)).getByTestId('flag-severity').first().textContent())?.trim() ?? '';
  assert.match(severity, /^(warning|critical)$/, 'the flag card names its severity');
  const toast = toasts.filter({ hasText: `Agent Vitals: ${severity} flag, skip-added` });
  await toast.waitFor({ timeout: 20_000 });
  assert.ok((await toasts.count()) <= 2, 'at most one notification per severity');
  // Shown with that level's kind.
  assert.equal(await toast.locator(severity === 'critical' ? '.codicon-error' : '.codicon-warning').count(), 1);
  // The notification in every theme, from the notification centre (it keeps the notification
  // once its toast has hidden; running an action removes it, so Show Diff comes last).
  const listed = page
    .locator('.notifications-center .notification-list-item', { hasText: `Agent Vitals: ${severity} flag, skip-added` })
    .first();
  for (const t of THEMES) {
    await setColorTheme(page, t.theme, t.kind);
    await runCommand(page, 'Notifications: Show Notifications');
    await listed.waitFor({ timeout: 10_000 });
    await screenshot(page, `flag-notification-${t.name}`);
  }
  await listed.getByRole('button', { name: 'Show Diff' }).click();
  const diff = page.locator('.editor-instance .monaco-diff-editor');
  await diff
    .locator('.modified .view-line', { hasText: "test.skip('rounds half-cents up'" })
    .waitFor({ timeout: 20_000 });
  await diff.locator('.original .view-line', { hasText: "test('rounds half-cents up'" }).waitFor();
  // The centre would cover the diff.
  await page
    .locator('.notifications-center')
    .getByRole('button', { name: /Hide Notifications/ })
    .click();
  await page.locator('.notifications-center.visible').waitFor({ state: 'hidden' });
  // Dark last: the theme the later tests expect.
  for (const t of [...THEMES].reverse()) {
    await setColorTheme(page, t.theme, t.kind);
    await screenshot(page, `flag-diff-${t.name}`);
  }
});

test('the sidecar scores the turns: the demo reading is shown as not valid, turns get heat maps', async () => {
  const frame = await openSidebar(page);
  await frame.locator('[data-testid="scoring"][data-state="ready"]').waitFor({ timeout: 60_000 });
  assert.equal(sidecarProcesses(server), 1, 'the assistant turns started one model sidecar');
  // Turns are scored one after another; wait until none is left unscored.
  await frame.locator('circle.dot.unscored').first().waitFor({ state: 'detached', timeout: 60_000 });
  // The demo model's report card fails: the gauge says so in place of a needle and numbers.
  assert.match(
    await frame.getByTestId('reading-invalid').innerText(),
    /No valid reading — the demo model is illustrative only/,
  );
  assert.equal(await frame.locator('.gauge-needle').count(), 0);
  assert.equal(
    await frame
      .locator('.timeline.unvalidated polyline.line-desperate, .timeline.unvalidated polyline.line-calm')
      .count(),
    2,
  );
  assert.equal(await frame.locator('circle.dot.line-desperate').count(), 10);
  await frame.locator('.turn-hit').nth(4).click();
  await frame.locator('[data-testid="turn-text"] .tok').first().waitFor();
  // The heat map shows the turn's own words, not the chat template around them.
  const heat = await frame.locator('[data-testid="turn-text"] .tok').allInnerTexts();
  assert.ok(
    !heat.some((t) => /<\|im_(start|end)\|>/.test(t)) && !/^assistant/.test(heat.join('').trimStart()),
    heat.join('|'),
  );
  await screenshotSidebar(page, 'sidebar-replay-scored');
});

test('the panel keeps the session after it is hidden and reopened', async () => {
  await page.locator('.activitybar [aria-label^="Explorer"]').first().click();
  await page.locator('.sidebar .title-label', { hasText: /Explorer/i }).waitFor();
  const frame = await openSidebar(page);
  await frame.getByTestId('timeline').waitFor();
  assert.equal(await frame.locator('[data-testid="test-run-marker"]').count(), 5);
});

test('Follow Session… lists the replayed session', async () => {
  await runCommand(page, 'Agent Vitals: Follow Session…');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Claude Code' }).first().waitFor();
  await page.keyboard.press('Escape');
});

/** The flag notifications the window shows, as toasts or in the notification centre. */
async function flagNotifications(p: Page): Promise<string[]> {
  await runCommand(p, 'Notifications: Show Notifications');
  const listed = await p
    .locator('.notifications-center .notification-list-item', { hasText: 'skip-added' })
    .allInnerTexts();
  await p.keyboard.press('Escape');
  return [...listed, ...(await p.locator('.notification-toast', { hasText: 'skip-added' }).allInnerTexts())];
}

/** The window has its flag back from the shared store and its watchers have read the session again. */
async function flagBack(p: Page): Promise<string> {
  const frame = await openSidebar(p);
  await frame.getByTestId('gauge').filter({ hasText: 'Claude Code · 10 turns' }).waitFor({ timeout: 60_000 });
  const reason = frame.locator('li.flag .reason').first();
  await reason.waitFor({ timeout: 30_000 });
  // Re-raising the flag from the replayed events is what used to notify again; give it time.
  await new Promise((r) => setTimeout(r, 8000));
  return reason.innerText();
}

test("reloading the window does not show the flag's notification again", async () => {
  await runCommand(page, 'Developer: Reload Window');
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  await page.locator('#workbench\\.parts\\.statusbar').waitFor();
  await flagBack(page);
  assert.deepEqual(await flagNotifications(page), []);
});

test('a second window on the workspace shares the flag: same reason, no second notification', async () => {
  const second = await openWorkbench(browser, server.url);
  try {
    const [one, two] = [await flagBack(page), await flagBack(second)];
    assert.equal(two, one);
    assert.doesNotMatch(two, /no reader model is loaded/);
    assert.deepEqual(await flagNotifications(second), []);
    // Each window's extension host runs its own sidecar: measured here for the README.
    const rss = sidecarMemory(server);
    console.log(`sidecar resident memory (MB): ${rss.map((kb) => (kb / 1024).toFixed(0)).join(', ')}`);
    await screenshot(second, 'second-window');
  } finally {
    await second.close();
  }
});
