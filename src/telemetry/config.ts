// Where vitals are exported to, resolved from the standard OTEL_EXPORTER_OTLP_* variables and the
// `agentVitals.telemetry.*` settings (settings win, so one workspace can point elsewhere). Off
// unless an endpoint is configured by either.

export type OtlpProtocol = 'http/protobuf' | 'http/json';
export const OTLP_PROTOCOLS: readonly OtlpProtocol[] = ['http/protobuf', 'http/json'];

/** Text fields that leave the machine only when the user opts in, one by one. */
export const TEXT_FIELDS = ['turnText', 'testCommand', 'flagReason'] as const;
export type TextField = (typeof TEXT_FIELDS)[number];

/** The `agentVitals.telemetry.*` settings (or the CLI's options), all optional. */
export interface TelemetrySettings {
  endpoint?: string;
  protocol?: string;
  /** Extra request headers (e.g. an API key), merged over OTEL_EXPORTER_OTLP_HEADERS. */
  headers?: Record<string, string>;
  includeText?: readonly string[];
  /** Named in exports instead of hashed when set. */
  machineName?: string;
  workspaceName?: string;
}

export interface TelemetryConfig {
  logsUrl: string;
  metricsUrl: string;
  /** Absent when only the logs and metrics endpoints are named, or OTEL_TRACES_EXPORTER=none: no spans then. */
  tracesUrl?: string;
  protocol: OtlpProtocol;
  headers: Record<string, string>;
  includeText: ReadonlySet<TextField>;
  machineName?: string;
  workspaceName?: string;
}

export class TelemetryConfigError extends Error {}

/** `k=v,k2=v2` with percent-encoded values, as the OTLP exporter specification defines it. */
export function parseOtlpHeaders(value: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const pair of (value ?? '').split(',')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    headers[decodeURIComponent(pair.slice(0, eq).trim())] = decodeURIComponent(pair.slice(eq + 1).trim());
  }
  return headers;
}

/**
 * The signal's URL: the setting's base endpoint with `/v1/<signal>` appended, else the signal's
 * own variable as given, else the generic variable with `/v1/<signal>` appended.
 */
function signalUrl(
  env: NodeJS.ProcessEnv,
  signal: 'logs' | 'metrics' | 'traces',
  setting: string | undefined,
): string | undefined {
  const root =
    setting ??
    (env[`OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_ENDPOINT`] ? undefined : env.OTEL_EXPORTER_OTLP_ENDPOINT);
  if (root) return `${root.replace(/\/+$/, '')}/v1/${signal}`;
  return env[`OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_ENDPOINT`] || undefined;
}

/** The export configuration, or null when nothing says where to send. */
export function resolveTelemetryConfig(
  env: NodeJS.ProcessEnv,
  settings: TelemetrySettings = {},
): TelemetryConfig | null {
  const base = settings.endpoint?.trim() || undefined;
  const logsUrl = signalUrl(env, 'logs', base);
  const metricsUrl = signalUrl(env, 'metrics', base);
  if (!logsUrl || !metricsUrl) return null;
  // The standard switch for traces alone: OTEL_TRACES_EXPORTER=none sends no spans (any other value,
  // set in a shell for other programs, leaves the OTLP traces endpoint as configured).
  const tracesUrl = env.OTEL_TRACES_EXPORTER?.trim() === 'none' ? undefined : signalUrl(env, 'traces', base);
  for (const url of [logsUrl, metricsUrl, tracesUrl ?? logsUrl]) {
    if (!/^https?:\/\//.test(url)) throw new TelemetryConfigError(`OTLP endpoint ${url} is not an http(s) URL`);
  }
  const protocol = settings.protocol?.trim() || env.OTEL_EXPORTER_OTLP_PROTOCOL?.trim() || 'http/protobuf';
  if (!OTLP_PROTOCOLS.includes(protocol as OtlpProtocol))
    throw new TelemetryConfigError(
      `OTLP protocol '${protocol}' is not supported (expected ${OTLP_PROTOCOLS.join(' or ')})`,
    );
  const includeText = new Set<TextField>();
  for (const field of settings.includeText ?? []) {
    if (!TEXT_FIELDS.includes(field as TextField))
      throw new TelemetryConfigError(`unknown text field '${field}' (expected ${TEXT_FIELDS.join(', ')})`);
    includeText.add(field as TextField);
  }
  return {
    logsUrl,
    metricsUrl,
    ...(tracesUrl ? { tracesUrl } : {}),
    protocol: protocol as OtlpProtocol,
    headers: { ...parseOtlpHeaders(env.OTEL_EXPORTER_OTLP_HEADERS), ...settings.headers },
    includeText,
    machineName: settings.machineName?.trim() || undefined,
    workspaceName: settings.workspaceName?.trim() || undefined,
  };
}

/** One line saying where data goes (never the header values: they often hold keys). */
export function describeTelemetry(config: TelemetryConfig | null): string {
  if (!config) return 'Telemetry export: off (no OTLP endpoint configured)';
  const text = config.includeText.size ? `text: ${[...config.includeText].join(', ')}` : 'no text';
  const path = (url: string) => new URL(url).pathname;
  const traces = config.tracesUrl ? `, traces ${path(config.tracesUrl)}` : '';
  return `Telemetry export: ${config.protocol} to ${new URL(config.logsUrl).origin} (logs ${path(config.logsUrl)}, metrics ${path(config.metricsUrl)}${traces}; ${text})`;
}
