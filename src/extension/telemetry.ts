// Team telemetry in the editor: starts the OTLP export from the `agentVitals.telemetry.*` settings
// (or the OTEL_EXPORTER_OTLP_* variables) and feeds it the event stream, turn readings, flags and
// each workspace folder's guard log (as `watch` does: each line once, resuming after a reload from
// the mark the two share). Restarted when those settings change; off while neither configures an
// endpoint.
import * as vscode from 'vscode';
import type { AgentEvent } from '../core/events';
import type { Flag } from '../core/flags';
import type { FlagStatus } from '../contracts/flag-status';
import type { LiveValidity } from '../contracts/reading';
import { describeTelemetry, resolveTelemetryConfig, type TelemetrySettings } from '../telemetry/config';
import { describeCounts, VitalsExporter } from '../telemetry/exporter';
import { TelemetryFeed } from '../telemetry/feed';
import { GuardLogExport } from '../telemetry/guard-export';
import { LiveExport } from '../telemetry/live-export';
import type { ScoreSource } from './integration/parts';

const SECTION = 'agentVitals.telemetry';
/** Settings a workspace may not set in an untrusted folder: they decide where data goes and what. */
const USER_ONLY = new Set(['endpoint', 'headers', 'includeText']);
const SWEEP_MS = 30_000;

export interface TelemetryExport extends vscode.Disposable {
  event(event: AgentEvent): void;
  flag(flag: Flag, status: FlagStatus): void;
  /** Sends the guard decisions and audits appended to the folders' guard logs since the last call. */
  pollGuardLogs(): Promise<void>;
  /** Where data goes and how much went so far, or null while export is off. */
  describe(): string | null;
  /** Export started or stopped. */
  readonly onDidChange: vscode.Event<void>;
}

function readSettings(): TelemetrySettings {
  const config = vscode.workspace.getConfiguration(SECTION);
  const get = <T>(key: string): T | undefined =>
    USER_ONLY.has(key) && !vscode.workspace.isTrusted ? config.inspect<T>(key)?.globalValue : config.get<T>(key);
  return {
    endpoint: get<string>('endpoint'),
    protocol: get<string>('protocol'),
    headers: get<Record<string, string>>('headers'),
    includeText: get<string[]>('includeText'),
    machineName: get<string>('machineName'),
    workspaceName: get<string>('workspaceName'),
  };
}

export function startTelemetryExport(
  log: vscode.LogOutputChannel,
  scores: Pick<ScoreSource, 'onScore'>,
  reader: () => LiveValidity,
): TelemetryExport {
  let running: { exporter: VitalsExporter; live: LiveExport; guardLogs: GuardLogExport[]; where: string } | undefined;
  const changed = new vscode.EventEmitter<void>();
  /** Ends the sessions seen (their session spans go out) and sends what is queued. */
  const stop = (): void => {
    if (!running) return;
    running.live.end();
    // Counted before the queue is sent: what is queued shows as dropped here.
    log.info(`telemetry: stopping; so far ${describeCounts(running.exporter.counts())}`);
    const { exporter, guardLogs } = running;
    // A guard log read under way moves the shared mark: its lines go out before the exporter stops.
    void Promise.all(guardLogs.map((g) => g.poll())).then(() => exporter.shutdown());
    running = undefined;
    changed.fire();
  };
  const start = (): void => {
    stop();
    let config;
    try {
      config = resolveTelemetryConfig(process.env, readSettings());
    } catch (err) {
      log.warn(`telemetry: ${err instanceof Error ? err.message : String(err)}; nothing is exported`);
      return;
    }
    const where = describeTelemetry(config);
    log.info(where);
    if (!config) return;
    const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
    const root = folders[0];
    const exporter = new VitalsExporter(config, root);
    running = {
      exporter,
      live: new LiveExport(new TelemetryFeed(exporter, config.includeText, root), reader),
      guardLogs: folders.map((dir) => new GuardLogExport(dir, (r) => exporter.emit(r), { live: true })),
      where,
    };
    changed.fire();
  };
  start();
  const sweep = setInterval(() => running?.live.sweep(), SWEEP_MS);
  const subs = [
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(SECTION)) start();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => start()),
    scores.onScore((key, turnId, score) => running?.live.reading(key, turnId, score.emotions)),
  ];
  return {
    event: (event) => running?.live.event(event),
    flag: (flag, status) => running?.live.flag(flag, status),
    pollGuardLogs: async () => {
      await Promise.all((running?.guardLogs ?? []).map((g) => g.poll()));
    },
    describe: () => (running ? `${running.where}; so far ${describeCounts(running.exporter.counts())}` : null),
    onDidChange: changed.event,
    dispose() {
      clearInterval(sweep);
      for (const s of subs) s.dispose();
      stop();
      changed.dispose();
    },
  };
}
