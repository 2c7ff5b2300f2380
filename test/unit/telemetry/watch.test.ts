// `agent-vitals watch` follows a live Claude Code transcript in a workspace and exports what it
// reads, including the part appended after it started, then stops cleanly and sends the rest.
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { watchAndExport } from '../../../src/cli/watch';
import { appendGuardLog } from '../../../src/guard/guard-log';
import { claudeProjectFolder } from '../../../src/watchers/locations';
import { startOtlpReceiver } from './otlp-receiver';

const FIXTURE = join(
  __dirname,
  '../../fixtures/transcripts/claude-code/-home-dev-shop/7d1c9a4e-2b6f-4c1e-9f0a-5e3b8d2c1a90.jsonl',
);

async function until(check: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
}

describe('agent-vitals watch', () => {
  it('exports a session and guard decisions as they are written, and everything queued when stopped', async () => {
    const home = mkdtempSync(join(tmpdir(), 'av-watch-'));
    const receiver = await startOtlpReceiver();
    try {
      const root = join(home, 'shop');
      mkdirSync(root);
      const folder = join(home, '.claude', 'projects', claudeProjectFolder(root));
      mkdirSync(folder, { recursive: true });
      const lines = readFileSync(FIXTURE, 'utf8').replaceAll('/home/dev/shop', root).split('\n');
      const half = lines.findIndex((l) => l.includes('"name":"Edit"'));
      const file = join(folder, '7d1c9a4e-2b6f-4c1e-9f0a-5e3b8d2c1a90.jsonl');
      writeFileSync(file, lines.slice(0, half).join('\n') + '\n');
      let stop!: () => void;
      const stderr = new PassThrough();
      const watching = watchAndExport(root, {
        env: { HOME: home, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' },
        stderr,
        sources: ['claude-code'],
        stop: new Promise((done) => (stop = done)),
        onStarted: () => {
          // Written after the watcher started: read by live tailing.
          setTimeout(() => {
            appendFileSync(file, lines.slice(half).join('\n'));
            appendGuardLog(root, {
              ts: new Date().toISOString(),
              event: 'decision',
              agent: 'claude-code',
              sessionId: '7d1c9a4e-2b6f-4c1e-9f0a-5e3b8d2c1a90',
              tool: 'Edit',
              tier: 'warn',
              path: join(root, 'tests', 'test_cart.py'),
              hunk: null,
              kinds: ['expected-value-changed'],
              pressured: false,
            });
          }, 200);
        },
      });
      const seen = (name: string) => receiver.received.logs.some((l) => l.eventName === name);
      await until(() => seen('agent_vitals.flag') && seen('agent_vitals.guard_decision'), 15_000);
      const followedLive = seen('agent_vitals.guard_decision');
      stop();
      await watching;
      // Followed while watching, not only read at the end.
      assert.ok(followedLive);
      const byEvent = (name: string) => receiver.received.logs.filter((l) => l.eventName === name);
      // The assistant turns; the user turn is counted in metrics only.
      assert.equal(byEvent('agent_vitals.turn').length, 3);
      assert.deepEqual(
        byEvent('agent_vitals.test_run').map((l) => l.attributes['agent_vitals.test_run.outcome']),
        ['failed', 'passed'],
      );
      assert.deepEqual(
        byEvent('agent_vitals.flag').map((l) => [
          l.attributes['agent_vitals.flag.path'],
          l.attributes['agent_vitals.flag.severity'],
        ]),
        [['tests/test_cart.py', 'critical']],
      );
      assert.deepEqual(
        byEvent('agent_vitals.guard_decision').map((l) => [
          l.attributes['agent_vitals.guard.tier'],
          l.attributes['agent_vitals.guard.path'],
        ]),
        [['warn', 'tests/test_cart.py']],
      );
    } finally {
      await receiver.close();
      rmSync(home, { recursive: true, force: true });
    }
  });
});
