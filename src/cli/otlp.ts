// `--otlp` for the CLI's commands: the export configured by the standard OTEL_EXPORTER_OTLP_*
// variables, its status line and final counts on stderr (stdout stays the command's output).
import { resolve } from 'node:path';
import { describeTelemetry, resolveTelemetryConfig, TelemetryConfigError } from '../telemetry/config';
import { describeCounts, VitalsExporter } from '../telemetry/exporter';
import { TelemetryFeed } from '../telemetry/feed';
import { GuardLogExport, type GuardLogExportOptions } from '../telemetry/guard-export';
import { UsageError } from './model-args';

export const OTLP_OPTIONS = {
  otlp: { type: 'boolean' },
  'otlp-include-text': { type: 'string' },
  'otlp-workspace': { type: 'string' },
} as const;
export const OTLP_USAGE = '[--otlp [--otlp-include-text turnText,testCommand,flagReason] [--otlp-workspace <folder>]]';

export interface CliExport {
  feed: TelemetryFeed;
  /** Exports the guard decisions and audits appended to the workspace's guard log since the last call. */
  pollGuardLog(): Promise<void>;
  /** Exports the rest of the guard log, ends open sessions, sends what is queued and reports what was sent. */
  finish(): Promise<void>;
}

/**
 * The export `--otlp` asks for, or undefined without it; throws UsageError when nothing says where
 * to send. Flag and guard paths are sent relative to `--otlp-workspace` (default: the current
 * folder), whose guard log, when it has one, is exported too.
 */
export function openCliExport(
  values: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  stderr: NodeJS.WritableStream,
  /** `watch` follows the guard log live (each line once); `analyze` backfills all of it. */
  guardLogOptions: GuardLogExportOptions = {},
): CliExport | undefined {
  if (values.otlp !== true) return undefined;
  const includeText =
    typeof values['otlp-include-text'] === 'string'
      ? values['otlp-include-text']
          .split(',')
          .map((f) => f.trim())
          .filter(Boolean)
      : [];
  let config;
  try {
    config = resolveTelemetryConfig(env, { includeText });
  } catch (err) {
    if (err instanceof TelemetryConfigError) throw new UsageError(err.message);
    throw err;
  }
  if (!config)
    throw new UsageError('--otlp needs OTEL_EXPORTER_OTLP_ENDPOINT (or the _LOGS_ and _METRICS_ endpoints) set');
  stderr.write(`${describeTelemetry(config)}\n`);
  const workspaceRoot = resolve(
    typeof values['otlp-workspace'] === 'string' ? values['otlp-workspace'] : process.cwd(),
  );
  const exporter = new VitalsExporter(config, workspaceRoot);
  const guardLog = new GuardLogExport(workspaceRoot, (record) => exporter.emit(record), guardLogOptions);
  const feed = new TelemetryFeed(exporter, config.includeText, workspaceRoot, () => exporter.room());
  return {
    feed,
    pollGuardLog: () => guardLog.poll(),
    async finish() {
      await guardLog.poll();
      // Sessions still open (a watched one) end here: their last turn and session spans go out.
      feed.end();
      stderr.write(`Telemetry export: ${describeCounts(await exporter.shutdown())}\n`);
    },
  };
}
