// The editor's export of the guard log, against a real OTLP/HTTP receiver: each decision the guard
// writes goes out once, through the same path as `watch`, and a reload (the export started again)
// does not send the log's earlier lines again.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { NO_READER } from '../../../src/contracts/reading';
import { appendGuardLog, type GuardLogLine } from '../../../src/guard/guard-log';
import { StubUri, stubWorkspace } from '../../support/vscode-stub';
import { startOtlpReceiver, type OtlpReceiver } from '../telemetry/otlp-receiver';

// Unit files share a process: the stubbed settings and folders are set and put back inside the test.
async function withEditorSettings(run: (receiver: OtlpReceiver, root: string) => Promise<void>): Promise<void> {
  const receiver = await startOtlpReceiver();
  const root = mkdtempSync(join(tmpdir(), 'av-editor-guard-export-'));
  mkdirSync(join(root, '.agent-vitals'));
  const saved = { ...stubWorkspace };
  const settings: Record<string, unknown> = { endpoint: receiver.url, protocol: 'http/json' };
  stubWorkspace.getConfiguration = () => ({
    get: (key: string) => settings[key],
    inspect: (key: string) => ({ globalValue: settings[key] }),
  });
  stubWorkspace.workspaceFolders = [{ name: 'root', uri: new StubUri(root) }];
  try {
    await run(receiver, root);
  } finally {
    Object.assign(stubWorkspace, saved);
    await receiver.close();
    rmSync(root, { recursive: true, force: true });
  }
}

const decision = (root: string, tier: 'ask' | 'block', path: string): GuardLogLine => ({
  ts: '2026-01-01T00:00:01.000Z',
  event: 'decision',
  agent: 'claude-code',
  sessionId: 's1',
  tool: 'Edit',
  tier,
  path: join(root, path),
  hunk: 'h:fingerprint',
  kinds: ['skip-added'],
  pressured: false,
  messageVersion: 1,
});

async function until(done: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!done()) {
    if (Date.now() > end) throw new Error('timed out waiting for the receiver');
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('guard decisions are exported once, and not again after a reload', () =>
  withEditorSettings(async (receiver, root) => {
    const { startTelemetryExport } = await import('../../../src/extension/telemetry');
    const log = { info: () => undefined, warn: () => undefined, error: () => undefined } as never;
    const scores = { onScore: () => ({ dispose: () => undefined }) };
    const guardPaths = () =>
      receiver.received.logs
        .filter((l) => l.eventName === 'agent_vitals.guard_decision')
        .map((l) => [l.attributes['agent_vitals.guard.tier'], l.attributes['agent_vitals.guard.path']]);

    appendGuardLog(root, decision(root, 'block', 'tests/test_a.py'));
    const editor = startTelemetryExport(log, scores, () => NO_READER);
    await editor.pollGuardLogs();
    await editor.pollGuardLogs();
    editor.dispose();
    await until(() => guardPaths().length >= 1);

    // The window reloads: a new export follows the same log.
    appendGuardLog(root, decision(root, 'ask', 'tests/test_b.py'));
    const reloaded = startTelemetryExport(log, scores, () => NO_READER);
    await reloaded.pollGuardLogs();
    reloaded.dispose();
    await until(() => guardPaths().length >= 2);
    assert.deepEqual(guardPaths(), [
      ['block', 'tests/test_a.py'],
      ['ask', 'tests/test_b.py'],
    ]);
  }));

test('while exporting, the status line says where data goes and how much went; off, it says nothing', () =>
  withEditorSettings(async (receiver) => {
    const { startTelemetryExport } = await import('../../../src/extension/telemetry');
    const log = { info: () => undefined, warn: () => undefined, error: () => undefined } as never;
    const scores = { onScore: () => ({ dispose: () => undefined }) };
    const editor = startTelemetryExport(log, scores, () => NO_READER);
    let changes = 0;
    editor.onDidChange(() => changes++);
    assert.equal(
      editor.describe(),
      `Telemetry export: http/json to ${receiver.url} (logs /v1/logs, metrics /v1/metrics, traces /v1/traces; no text); so far 0 of 0 records sent, 0 failed, 0 dropped; 0 of 0 spans sent, 0 failed, 0 dropped`,
    );
    editor.dispose();
    assert.equal(editor.describe(), null);
    assert.equal(changes, 1, 'stopping is announced');
  }));
