// The exporter against endpoints that fail: the caller is never disturbed, the queue stays
// bounded and what did not go out is counted.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveTelemetryConfig } from '../../../src/telemetry/config';
import { hashedUnlessNamed, VitalsExporter } from '../../../src/telemetry/exporter';
import type { VitalsRecord } from '../../../src/telemetry/records';
import { deadPort, startOtlpReceiver } from './otlp-receiver';
import type { TurnEvent } from '../../../src/core/events';
import { NO_READER } from '../../../src/contracts/reading';
import { recordSession, TelemetryFeed } from '../../../src/telemetry/feed';

const record = (i: number): VitalsRecord => ({
  eventName: 'agent_vitals.turn',
  ts: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
  attributes: { 'gen_ai.agent.name': 'codex', 'agent_vitals.turn.role': 'user' },
});

describe('VitalsExporter', () => {
  it('names the machine and workspace only when named, else a stable hash', () => {
    assert.equal(hashedUnlessNamed('build-7', 'host'), 'build-7');
    assert.equal(hashedUnlessNamed(undefined, 'host'), hashedUnlessNamed(undefined, 'host'));
    assert.notEqual(hashedUnlessNamed(undefined, 'host'), hashedUnlessNamed(undefined, 'other'));
    assert.doesNotMatch(hashedUnlessNamed(undefined, 'host'), /host/);
  });

  it('drops past the bounded queue and counts failures against a dead endpoint without throwing', async () => {
    const config = resolveTelemetryConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${await deadPort()}` })!;
    const exporter = new VitalsExporter(config, '/w', {
      maxQueueSize: 8,
      timeoutMillis: 500,
      metricIntervalMillis: 60_000,
    });
    const started = Date.now();
    for (let i = 0; i < 100; i++) exporter.emit(record(i));
    assert.ok(Date.now() - started < 200, 'emit does not wait on the network');
    const counts = await exporter.shutdown();
    const { logs } = counts;
    assert.equal(logs.offered, 100);
    assert.equal(logs.exported, 0);
    assert.ok(logs.dropped >= 100 - 8 - 8, `dropped ${logs.dropped}`);
    assert.equal(logs.failed + logs.dropped, 100);
    // After shutdown records are ignored, not queued.
    exporter.emit(record(101));
    assert.deepEqual(exporter.counts(), counts);
  });
});

describe('a backfill', () => {
  it('waits for room in the queue instead of dropping', async () => {
    const receiver = await startOtlpReceiver();
    try {
      const config = resolveTelemetryConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url })!;
      const exporter = new VitalsExporter(config, '/w', {
        maxQueueSize: 520,
        timeoutMillis: 2_000,
        metricIntervalMillis: 60_000,
      });
      const feed = new TelemetryFeed(exporter, new Set(), '/w', () => exporter.room());
      const turns: TurnEvent[] = Array.from({ length: 2_000 }, (_, i) => ({
        type: 'turn',
        source: 'codex',
        sessionId: 's',
        seq: i,
        ts: record(i).ts,
        turnId: `t${i}`,
        role: 'assistant',
        text: '',
      }));
      await recordSession(feed, turns, [], [], NO_READER);
      // A span per turn and the session's span, past the queue's bound of 520 as well.
      assert.deepEqual(await exporter.shutdown(), {
        logs: { offered: 2_000, exported: 2_000, failed: 0, dropped: 0 },
        spans: { offered: 2_001, exported: 2_001, failed: 0, dropped: 0 },
      });
      assert.equal(receiver.received.logs.length, 2_000);
      assert.equal(receiver.received.spans.length, 2_001);
    } finally {
      await receiver.close();
    }
  });
});
