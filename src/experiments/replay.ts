// Experiment "Replay Transcript": a recorded agent session read through the transcript pipeline
// live watching uses (one growing conversation, assistant turns scored as they arrive, flags from
// the same engine), with its test runs and tamper flags on one timeline — instantly or paced.
import type { TurnEvent } from '../core/events';
import { DESPERATE } from '../contracts/reading';
import { liveValidity } from '../emotion/live-validity';
import { flagRecorded, type TurnDesperation } from '../transcript-pipeline/flags';
import { RecordedTurnScorer } from '../transcript-pipeline/turn-scorer';
import { readTranscript } from '../watchers/read-transcript';
import { TRANSCRIPT_SOURCES } from '../watchers/agents/registry';
import type { TranscriptSource } from '../core/events';
import {
  asParams,
  ExperimentParamError,
  numberParam,
  pause,
  READER_CAVEAT,
  stringParam,
  throwIfCancelled,
  type ExperimentContext,
} from './context';
import type { ExperimentModel } from './model';
import type { ReplayEntry, ReplayParams, ReplayResult } from '../contracts/experiments';

/** Turn text kept in the result (the transcript has the rest). */
const TEXT_PREVIEW = 400;

export function parseReplayParams(value: unknown): ReplayParams {
  const p = asParams(value);
  const source = p.source === undefined || p.source === 'auto' ? undefined : stringParam(p, 'source');
  if (source !== undefined && !TRANSCRIPT_SOURCES.includes(source as TranscriptSource))
    throw new ExperimentParamError(`'source' must be auto or one of ${TRANSCRIPT_SOURCES.join(', ')}`);
  return {
    file: stringParam(p, 'file'),
    source: source as TranscriptSource | undefined,
    delayMs: numberParam(p, 'delayMs', 0, { min: 0, max: 60_000 }),
  };
}

export async function runReplay(
  model: ExperimentModel,
  params: ReplayParams,
  ctx: ExperimentContext = {},
): Promise<ReplayResult> {
  let recorded;
  try {
    recorded = await readTranscript(params.file, params.source ? { source: params.source } : {});
  } catch (err) {
    throw new ExperimentParamError(
      `cannot read ${params.file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  if (!recorded)
    throw new ExperimentParamError(
      `${params.file} is not a transcript of a supported agent${params.source ? ` (${params.source})` : ''}`,
    );
  const events = [...recorded.events].sort((a, b) => a.seq - b.seq);
  const emotions = model.vectors.header.emotions;
  const reader = new RecordedTurnScorer(model, model.vectors);
  const timeline: ReplayEntry[] = [];
  const turnDesperation: TurnDesperation[] = [];
  const turns = events.filter((e): e is TurnEvent => e.type === 'turn');
  let unscored = 0;
  let done = 0;
  const emit = (entry: ReplayEntry) => {
    timeline.push(entry);
    ctx.onProgress?.({ done, total: turns.length, message: `turn ${done} of ${turns.length}`, partial: entry });
  };
  try {
    for (const event of events) {
      throwIfCancelled(ctx);
      // Every event goes to the reader: tool calls are context of the next assistant turn.
      const reading = await reader.read(event);
      if (event.type === 'test-run') {
        emit({
          kind: 'test-run',
          seq: event.seq,
          ts: event.ts,
          command: event.command,
          framework: event.framework,
          passed: event.passed,
          failed: event.failed,
          skipped: event.skipped,
          exitCode: event.exitCode ?? null,
        });
        continue;
      }
      if (event.type !== 'turn') continue;
      done++;
      if (reading === null) unscored++;
      const z = reading?.summary[DESPERATE]?.mean;
      if (z !== undefined) turnDesperation.push({ seq: event.seq, z });
      if (event.role === 'assistant') await pause(params.delayMs, ctx);
      emit({
        kind: 'turn',
        seq: event.seq,
        ts: event.ts,
        role: event.role,
        text: event.text.slice(0, TEXT_PREVIEW),
        summary: reading?.summary ?? null,
        tokens: reading?.tokens.length ?? 0,
      });
    }
  } finally {
    reader.dispose();
  }
  const flags = flagRecorded(events, turnDesperation, liveValidity(model.vectors));
  for (const f of flags)
    timeline.push({
      kind: 'flag',
      seq: f.editSeq,
      ts: f.ts,
      path: f.path,
      kinds: f.kinds,
      severity: f.severity,
      desperation: f.desperation,
      reason: f.reason,
    });
  timeline.sort((a, b) => a.seq - b.seq || Number(a.kind === 'flag') - Number(b.kind === 'flag'));
  ctx.onProgress?.({ done: turns.length, total: turns.length, message: 'done' });
  return {
    experiment: 'replay',
    model: model.identity.id,
    layer: model.layer,
    file: recorded.file,
    source: recorded.source,
    sessionId: recorded.sessionId,
    emotions,
    skippedRecords: recorded.skippedRecords,
    unscoredTurns: unscored,
    timeline,
    caveats: [
      READER_CAVEAT,
      'The replay reads the transcript as live watching does: prompts, tool calls and test output go as context of the next assistant turn, and very long sessions are cut from the front to fit the reading model’s context.',
      'Flags come from the test-tamper classifier on the recorded edits; their desperation is the reading of the assistant turns before the edit.',
    ],
  };
}
