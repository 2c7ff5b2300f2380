// agent-vitals analyze: reads recorded transcripts (any supported agent, auto-detected) and
// prints per-session turns, test runs, file edits and flags. The JSON field names are a contract.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readsOwnActivations, type AgentEvent, type FileEditOp, type TurnEvent } from '../core/events';
import { readTranscript, type RecordedSession } from '../watchers/read-transcript';
import { TRANSCRIPT_SOURCES } from '../watchers/agents/registry';
import type { TranscriptSource } from '../core/events';
import { flagRecordedSession, type FlagSummary } from '../transcript-pipeline/flags';
import type { CliCommand } from './commands';
import { BatchedWriter, jsonPieces } from './json-stream';
import { MODEL_OPTIONS, openCalibratedModel, parseModelArgs, resolveModelArgs, UsageError } from './model-args';
import type { LoadedModel } from '../model/loaded-model';
import { scoreTranscriptTurns, type ReadingModel } from '../transcript-pipeline/turn-scorer';
import type { EmotionVectorSet } from '../emotion/vectors';
import { MissingVectorsError } from '../emotion/vector-store';
import { liveValidity } from '../emotion/live-validity';
import { turnScoreOf } from '../emotion/reading';
import { NO_READER } from '../contracts/reading';
import { openCliExport, OTLP_OPTIONS, OTLP_USAGE } from './otlp';
import { recordSession, type TelemetryFeed } from '../telemetry/feed';
import type { LiveValidity } from '../contracts/reading';

export interface TurnReport {
  turnId: string;
  role: TurnEvent['role'];
  ts: string;
  text: string;
  emotions: Record<string, number> | null;
}
export interface TestRunReport {
  ts: string;
  command: string;
  framework: string;
  exitCode: number | null;
  /** Null when the runner's output does not say. */
  passed: number | null;
  failed: number;
  skipped: number;
  failingIds: string[];
}
export interface FileEditReport {
  ts: string;
  path: string;
  op: FileEditOp;
  isTestPath: boolean;
}
/** The JSON contract's flag fields. */
export type FlagReport = FlagSummary;
export interface SessionReport {
  source: TranscriptSource;
  sessionId: string;
  file: string;
  skippedRecords: number;
  turns: TurnReport[];
  testRuns: TestRunReport[];
  fileEdits: FileEditReport[];
  flags: FlagReport[];
}
export interface AnalyzeReport {
  sessions: SessionReport[];
}

/**
 * Where the emotion scorer and the tamper classifier plug in. Both are optional: without them
 * `emotions` stays null and `flags` stays empty.
 */
export interface AnalyzePlugins {
  scoreTurns?: (session: RecordedSession, turns: TurnEvent[]) => Promise<(Record<string, number> | null)[]>;
  /** `turnEmotions` are the scores of the session's turns, in order (null where unscored). */
  flagEdits?: (
    session: RecordedSession,
    events: AgentEvent[],
    turnEmotions: (Record<string, number> | null)[],
  ) => Promise<FlagReport[]>;
}

/** The one place a session's report is assembled from its events. */
export async function assembleSessionReport(
  session: RecordedSession,
  plugins: AnalyzePlugins = {},
): Promise<SessionReport> {
  const turns = session.events.filter((e): e is TurnEvent => e.type === 'turn');
  // The served model's turns carry its own readings: no reader model scores them again.
  const emotions = readsOwnActivations(session.source)
    ? turns.map(ownMeans)
    : plugins.scoreTurns
      ? await plugins.scoreTurns(session, turns)
      : turns.map(() => null);
  return {
    source: session.source,
    sessionId: session.sessionId,
    file: session.file,
    skippedRecords: session.skippedRecords,
    turns: turns.map((t, i) => ({
      turnId: t.turnId,
      role: t.role,
      ts: t.ts,
      text: t.text,
      emotions: emotions[i] ?? null,
    })),
    testRuns: session.events.flatMap((e) =>
      e.type === 'test-run'
        ? [
            {
              ts: e.ts,
              command: e.command,
              framework: e.framework,
              exitCode: e.exitCode ?? null,
              passed: e.passed,
              failed: e.failed,
              skipped: e.skipped,
              failingIds: e.failingIds,
            },
          ]
        : [],
    ),
    fileEdits: session.events.flatMap((e) =>
      e.type === 'file-edit' ? [{ ts: e.ts, path: e.path, op: e.op, isTestPath: e.isTestPath }] : [],
    ),
    flags: plugins.flagEdits ? await plugins.flagEdits(session, session.events, emotions) : [],
  };
}

const SKIPPED_DIRS = new Set(['node_modules', '.git']);

async function candidateFiles(path: string): Promise<string[]> {
  const info = await stat(path);
  // A FIFO, socket or device would block the read forever or never end.
  if (!info.isDirectory() && !info.isFile()) throw new AnalyzeInputError(`${path} is not a regular file or a folder`);
  if (!info.isDirectory()) return [path];
  const files: string[] = [];
  for (const entry of (await readdir(path, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    const child = join(path, entry.name);
    if (entry.isDirectory() && !SKIPPED_DIRS.has(entry.name)) files.push(...(await candidateFiles(child)));
    else if (entry.isFile() && /\.(?:jsonl?|md)$/.test(entry.name)) files.push(child);
  }
  return files;
}

/** Mean z per emotion of a turn's own per-token readings (null when it has none). */
function ownMeans(turn: TurnEvent): Record<string, number> | null {
  if (!turn.own?.tokens?.length) return null;
  return Object.fromEntries(Object.entries(turnScoreOf(turn.own.tokens).emotions).map(([e, r]) => [e, r.mean]));
}

/** Always plugged in: the tamper rules. `--model` adds turn scoring on top (see the command). */
export const DEFAULT_ANALYZE_PLUGINS: AnalyzePlugins = {
  flagEdits: async (_session, events, turnEmotions) => flagRecordedSession(events, turnEmotions),
};

/** Turn scoring and flags with a reader model: desperation adds to flags only when `vectors` passed the report card on agent text. */
export function modelAnalyzePlugins(model: ReadingModel, vectors: EmotionVectorSet): AnalyzePlugins {
  return {
    scoreTurns: (session, turns) => scoreTranscriptTurns(session.events, turns, model, vectors),
    flagEdits: async (_session, events, turnEmotions) =>
      flagRecordedSession(events, turnEmotions, liveValidity(vectors)),
  };
}

/** `plugins` with each analysed session also recorded into `feed` (`--otlp`), once its flags are known. */
export function exportingPlugins(plugins: AnalyzePlugins, feed: TelemetryFeed, reader: LiveValidity): AnalyzePlugins {
  return {
    ...plugins,
    // Flagging is the last step of a session's report and the one that sees all of it.
    flagEdits: async (session, events, turnEmotions) => {
      const flags = plugins.flagEdits ? await plugins.flagEdits(session, events, turnEmotions) : [];
      await recordSession(feed, events, turnEmotions, flags, reader);
      return flags;
    },
  };
}

export class AnalyzeInputError extends Error {}

export async function analyzePath(
  path: string,
  source: TranscriptSource | undefined,
  plugins: AnalyzePlugins = {},
): Promise<AnalyzeReport> {
  const sessions: SessionReport[] = [];
  for await (const session of analyzeSessions(path, source, plugins)) sessions.push(session);
  return { sessions };
}

/**
 * The report of each transcript under `path`, one file at a time, so a caller can print and drop
 * each before the next is read. Throws AnalyzeInputError when nothing there is a transcript.
 */
export async function* analyzeSessions(
  path: string,
  source: TranscriptSource | undefined,
  plugins: AnalyzePlugins = {},
): AsyncGenerator<SessionReport> {
  let files: string[];
  try {
    files = await candidateFiles(path);
  } catch (err) {
    if (err instanceof AnalyzeInputError) throw err;
    throw new AnalyzeInputError(
      `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  let found = 0;
  for (const file of files) {
    let recorded: RecordedSession | undefined;
    try {
      recorded = await readTranscript(file, source ? { source } : {});
    } catch (err) {
      throw new AnalyzeInputError(
        `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      );
    }
    if (!recorded) continue;
    found++;
    yield await assembleSessionReport(recorded, plugins);
  }
  if (found === 0) {
    throw new AnalyzeInputError(`no ${source ?? 'known'} transcript found in ${path}`);
  }
}

/** The text summary of one session: its turn counts, test runs, edits and flags. */
function summaryText(s: SessionReport): string {
  const roles = (role: string) => s.turns.filter((t) => t.role === role).length;
  const lines = [
    `${s.source} session ${s.sessionId} (${s.file})`,
    `  turns: ${roles('assistant')} assistant, ${roles('user')} user; skipped records: ${s.skippedRecords}`,
  ];
  for (const r of s.testRuns) {
    const exit = r.exitCode === null ? '' : ` exit ${r.exitCode}`;
    lines.push(
      `  test run ${r.ts} ${r.framework}: ${r.passed ?? '?'} passed, ${r.failed} failed, ${r.skipped} skipped${exit} — ${r.command.split('\n')[0]}`,
    );
  }
  for (const e of s.fileEdits) lines.push(`  edit ${e.ts} ${e.op} ${e.path}${e.isTestPath ? ' [test]' : ''}`);
  for (const f of s.flags) lines.push(`  flag ${f.ts} ${f.severity} ${f.kinds.join(',')} ${f.path}: ${f.reason}`);
  return lines.join('\n');
}

/**
 * Prints each session as it is analysed: the JSON report (`{"sessions": [...]}`, as
 * JSON.stringify(report, null, 2) would print it) or the text summary, never as one string.
 */
async function printSessions(
  sessions: AsyncIterable<SessionReport>,
  json: boolean,
  out: NodeJS.WritableStream,
): Promise<void> {
  const writer = new BatchedWriter(out);
  let count = 0;
  for await (const session of sessions) {
    if (json) await writer.write([count === 0 ? '{\n  "sessions": [\n    ' : ',\n    ', ...jsonPieces(session, 2, 2)]);
    else await writer.write([count === 0 ? '' : '\n', summaryText(session)]);
    count++;
  }
  await writer.write([json ? '\n  ]\n}\n' : '\n']);
  await writer.flush();
}

export const analyzeCommand: CliCommand = {
  name: 'analyze',
  summary: 'read recorded agent transcripts and report turns, test runs, edits and flags',
  usage: `<file-or-folder> [--source auto|${TRANSCRIPT_SOURCES.join('|')}] [--model <hub id|folder|fixture:name> [--dtype …] [--cache-dir d] [--offline] [--threads n] [--vectors f.avv]] [--json] ${OTLP_USAGE}`,
  options: {
    ...MODEL_OPTIONS,
    ...OTLP_OPTIONS,
    source: { type: 'string' },
    vectors: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(values, positionals, io) {
    const fail = (reason: string): number => {
      io.stderr.write(`agent-vitals analyze: ${reason}\n`);
      return 2;
    };
    if (positionals.length !== 1) return fail('expected exactly one file or folder');
    const requested = typeof values.source === 'string' ? values.source : 'auto';
    if (requested !== 'auto' && !TRANSCRIPT_SOURCES.includes(requested as TranscriptSource)) {
      return fail(`unknown source '${requested}' (expected auto or ${TRANSCRIPT_SOURCES.join(', ')})`);
    }
    let model: LoadedModel | undefined;
    let otlp: ReturnType<typeof openCliExport>;
    try {
      otlp = openCliExport(values, process.env, io.stderr);
      let plugins: AnalyzePlugins = DEFAULT_ANALYZE_PLUGINS;
      let reader = NO_READER;
      if (typeof values.model === 'string') {
        const args = parseModelArgs(values);
        const resolved = await resolveModelArgs(args, io.stderr, values.json === true);
        const opened = await openCalibratedModel(args, resolved, io.stderr, values.vectors as string | undefined);
        model = opened.model;
        plugins = modelAnalyzePlugins(opened.model, opened.vectors);
        reader = liveValidity(opened.vectors);
      }
      if (otlp) plugins = exportingPlugins(plugins, otlp.feed, reader);
      const sessions = analyzeSessions(
        positionals[0]!,
        requested === 'auto' ? undefined : (requested as TranscriptSource),
        plugins,
      );
      await printSessions(sessions, values.json === true, io.stdout);
    } catch (err) {
      if (err instanceof AnalyzeInputError || err instanceof UsageError || err instanceof MissingVectorsError)
        return fail(err.message);
      throw err;
    } finally {
      await model?.release();
      await otlp?.finish();
    }
    return 0;
  },
};
