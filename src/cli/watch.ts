// agent-vitals watch: follows one workspace's live agent transcripts without VS Code (CI, remote
// machines) and exports test runs, turns, pressure, flags and the guard log's decisions over OTLP
// until Ctrl-C. No reader model is loaded here: behaviour alone judges flags, and turns carry no
// reading numbers.
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { NO_READER } from '../contracts/reading';
import type { AgentSource, TranscriptSource } from '../core/events';
import { flagEngine } from '../transcript-pipeline/flags';
import { TestPathMatcher } from '../testpaths/matcher';
import { TRANSCRIPT_SOURCES } from '../watchers/agents/registry';
import { defaultLocations } from '../watchers/locations';
import { TranscriptWatchManager } from '../watchers/watch-manager';
import type { CliCommand } from './commands';
import { UsageError } from './model-args';
import { openCliExport, OTLP_OPTIONS } from './otlp';

/** How often the workspace's guard log is read for new decisions. */
const GUARD_LOG_POLL_MS = 1_000;

export interface WatchOptions {
  env: NodeJS.ProcessEnv;
  stderr: NodeJS.WritableStream;
  sources: readonly TranscriptSource[];
  /** Text fields opted in (`--otlp-include-text`). */
  includeText?: string;
  /** Resolves when watching should stop. */
  stop: Promise<void>;
  /** Called once every transcript folder is watched. */
  onStarted?: () => void;
}

/** Follows `root` until `stop`, then sends what is queued. */
export async function watchAndExport(root: string, options: WatchOptions): Promise<void> {
  const otlp = openCliExport(
    { otlp: true, 'otlp-workspace': root, 'otlp-include-text': options.includeText },
    options.env,
    options.stderr,
    { live: true },
  )!;
  const engine = flagEngine({ turnDesperation: () => [], readerValidity: () => NO_READER });
  // The engine also returns flags a later run re-judged; a flag is exported once, when raised.
  const raised = new Set<string>();
  const manager = new TranscriptWatchManager({
    workspaceRoot: root,
    sources: options.sources,
    locations: defaultLocations(options.env),
    testPaths: new TestPathMatcher(undefined, root),
    onError: (err, file) =>
      options.stderr.write(`agent-vitals watch: ${file ?? ''}: ${err instanceof Error ? err.message : String(err)}\n`),
    sink: (event) => {
      otlp.feed.event(event);
      if (event.type === 'turn') otlp.feed.turn(event, null, NO_READER);
      for (const flag of engine.observe(event)) {
        if (raised.has(flag.id)) continue;
        raised.add(flag.id);
        otlp.feed.flag(flag.source as AgentSource, flag.sessionId, { ...flag, pressure: flag.pressureSummary });
      }
    },
  });
  const guardPoll = setInterval(() => void otlp.pollGuardLog(), GUARD_LOG_POLL_MS);
  try {
    await manager.start();
    options.stderr.write(`agent-vitals watch: following ${options.sources.join(', ')} for ${root} (Ctrl-C stops)\n`);
    options.onStarted?.();
    await options.stop;
  } finally {
    clearInterval(guardPoll);
    manager.dispose();
    await otlp.finish();
  }
}

export const watchCommand: CliCommand = {
  name: 'watch',
  summary: "follow a workspace's live agent transcripts headless and export them over OTLP",
  usage: `<workspace-folder> [--source ${TRANSCRIPT_SOURCES.join(',')}] [--otlp-include-text turnText,testCommand,flagReason]   (endpoint: OTEL_EXPORTER_OTLP_ENDPOINT)`,
  options: { source: { type: 'string' }, 'otlp-include-text': OTLP_OPTIONS['otlp-include-text'] },
  async run(values, positionals, io) {
    const fail = (reason: string): number => {
      io.stderr.write(`agent-vitals watch: ${reason}\n`);
      return 2;
    };
    if (positionals.length !== 1) return fail('expected exactly one workspace folder');
    const root = resolve(positionals[0]!);
    if (!(await stat(root).catch(() => null))?.isDirectory()) return fail(`${root} is not a folder`);
    const sources =
      typeof values.source === 'string' ? values.source.split(',').map((s) => s.trim()) : [...TRANSCRIPT_SOURCES];
    const unknown = sources.filter((s) => !TRANSCRIPT_SOURCES.includes(s as TranscriptSource));
    if (unknown.length) return fail(`unknown source ${unknown.join(', ')} (expected ${TRANSCRIPT_SOURCES.join(', ')})`);
    const stop = new Promise<void>((done) => {
      process.once('SIGINT', () => done());
      process.once('SIGTERM', () => done());
    });
    try {
      await watchAndExport(root, {
        env: process.env,
        stderr: io.stderr,
        sources: sources as TranscriptSource[],
        includeText: values['otlp-include-text'] as string | undefined,
        stop,
      });
    } catch (err) {
      if (err instanceof UsageError) return fail(err.message);
      throw err;
    }
    return 0;
  },
};
