import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  describeTelemetry,
  parseOtlpHeaders,
  resolveTelemetryConfig,
  TelemetryConfigError,
} from '../../../src/telemetry/config';

describe('telemetry configuration', () => {
  it('is off unless an endpoint is configured', () => {
    assert.equal(resolveTelemetryConfig({}), null);
    assert.equal(
      resolveTelemetryConfig({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }, { includeText: ['turnText'] }),
      null,
    );
    assert.equal(describeTelemetry(null), 'Telemetry export: off (no OTLP endpoint configured)');
  });

  it('appends /v1/<signal> to the base endpoint and takes signal endpoints as given', () => {
    const base = resolveTelemetryConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' })!;
    assert.equal(base.logsUrl, 'http://collector:4318/v1/logs');
    assert.equal(base.metricsUrl, 'http://collector:4318/v1/metrics');
    assert.equal(base.tracesUrl, 'http://collector:4318/v1/traces');
    assert.equal(base.protocol, 'http/protobuf');
    const own = resolveTelemetryConfig({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318',
      OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'https://logs.example/ingest',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example/v1/traces',
    })!;
    assert.equal(own.logsUrl, 'https://logs.example/ingest');
    assert.equal(own.metricsUrl, 'http://a:4318/v1/metrics');
    assert.equal(own.tracesUrl, 'https://traces.example/v1/traces');
  });

  it('sends no spans when only the logs and metrics endpoints are named', () => {
    const config = resolveTelemetryConfig({
      OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'http://a/v1/logs',
      OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://a/v1/metrics',
    })!;
    assert.equal(config.tracesUrl, undefined);
    assert.equal(
      describeTelemetry(config),
      'Telemetry export: http/protobuf to http://a (logs /v1/logs, metrics /v1/metrics; no text)',
    );
  });

  it('sends no spans with OTEL_TRACES_EXPORTER=none; other values leave traces on', () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318' };
    assert.equal(resolveTelemetryConfig({ ...env, OTEL_TRACES_EXPORTER: 'none' })!.tracesUrl, undefined);
    assert.equal(
      resolveTelemetryConfig({ ...env, OTEL_TRACES_EXPORTER: ' none ' }, { endpoint: 'http://b' })!.tracesUrl,
      undefined,
    );
    assert.equal(
      resolveTelemetryConfig({ ...env, OTEL_TRACES_EXPORTER: 'console' })!.tracesUrl,
      'http://a:4318/v1/traces',
    );
    assert.equal(
      resolveTelemetryConfig({ ...env, OTEL_TRACES_EXPORTER: 'otlp' })!.tracesUrl,
      'http://a:4318/v1/traces',
    );
  });

  it('lets settings override the environment, headers merged', () => {
    const config = resolveTelemetryConfig(
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318',
        OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'http://b/logs',
        OTEL_EXPORTER_OTLP_HEADERS: 'api-key=s%3Dx, team=red',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      },
      { endpoint: 'http://team:4318', protocol: 'http/json', headers: { team: 'blue' }, includeText: ['flagReason'] },
    )!;
    assert.equal(config.logsUrl, 'http://team:4318/v1/logs');
    assert.equal(config.protocol, 'http/json');
    assert.deepEqual(config.headers, { 'api-key': 's=x', team: 'blue' });
    assert.deepEqual([...config.includeText], ['flagReason']);
    assert.equal(
      describeTelemetry(config),
      'Telemetry export: http/json to http://team:4318 (logs /v1/logs, metrics /v1/metrics, traces /v1/traces; text: flagReason)',
    );
  });

  it('refuses gRPC, non-http endpoints and unknown text fields', () => {
    assert.throws(
      () => resolveTelemetryConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }),
      TelemetryConfigError,
    );
    assert.throws(
      () => resolveTelemetryConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }),
      TelemetryConfigError,
    );
    assert.throws(
      () => resolveTelemetryConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a' }, { includeText: ['diffs'] }),
      TelemetryConfigError,
    );
  });

  it('parses header lists, skipping pairs without a name', () => {
    assert.deepEqual(parseOtlpHeaders('a=1,=2,b,c=x%20y'), { a: '1', c: 'x y' });
    assert.deepEqual(parseOtlpHeaders(undefined), {});
  });
});
