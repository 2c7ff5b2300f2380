// Experiment "Replay Transcript": a recorded agent session read through the same scoring loop
// as live watching (one growing conversation, assistant turns scored as they arrive), with its
// test runs and tamper flags on one timeline — instantly or paced at a chosen speed.
import type { AgentEvent, FileEditEvent, TurnEvent } from '../core/events';
import type { EmotionSummary } from '../emotion/reading';
import { scoreMessages } from '../emotion/turn-scores';
import { SidecarError } from '../protocol/errors';
import type { ChatMessage } from '../protocol/methods';
import { Conversation } from '../model/conversation';
import { TamperEngine } from '../tamper/engine';
import { desperationFromTurns, type TurnDesperation } from '../tamper/session-flags';
import { readTranscript } from '../watchers/read-transcript';
import { TRANSCRIPT_SOURCES, type TranscriptSource } from '../watchers/sources';
import { asParams, ExperimentParamError, numberParam, pause, READER_CAVEAT, stringParam, throwIfCancelled, type ExperimentContext } from './context';
import { readingLayer, type ExperimentModel } from './model';
import type { ReplayEntry, ReplayResult } from './results';

export interface ReplayParams {
  file: string;
  source?: TranscriptSource;
  /** Pause between turns in milliseconds (0 = instantly). */
  delayMs: number;
}

/** Turn text kept in the result (the transcript has the rest). */
const TEXT_PREVIEW = 400;

export function parseReplayParams(value: unknown): ReplayParams {
  const p = asParams(value);
  const source = p.source === undefined || p.source === 'auto' ? undefined : stringParam(p, 'source');
  if (source !== undefined && !TRANSCRIPT_SOURCES.includes(source as TranscriptSource))
    throw new ExperimentParamError(`'source' must be auto or one of ${TRANSCRIPT_SOURCES.join(', ')}`);
  return { file: stringParam(p, 'file'), source: source as TranscriptSource | undefined, delayMs: numberParam(p, 'delayMs', 0, { min: 0, max: 60_000 }) };
}

/** Tool output is shown to the reading model as user-side input, as agents receive it. */
function chatMessage(turn: TurnEvent): ChatMessage {
  return { role: turn.role === 'assistant' ? 'assistant' : 'user', content: turn.text };
}

export async function runReplay(model: ExperimentModel, params: ReplayParams, ctx: ExperimentContext = {}): Promise<ReplayResult> {
  let recorded;
  try {
    recorded = await readTranscript(params.file, params.source ? { source: params.source } : {});
  } catch (err) {
    throw new ExperimentParamError(`cannot read ${params.file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (!recorded) throw new ExperimentParamError(`${params.file} is not a transcript of a supported agent${params.source ? ` (${params.source})` : ''}`);
  const events = [...recorded.events].sort((a, b) => a.seq - b.seq);
  const emotions = model.vectors.header.emotions;
  const layer = readingLayer(model);
  const desperate = emotions.indexOf('desperate');
  const conversation = new Conversation('replay', model.encoder, model.tokenizer, { contextLimit: model.contextLimit });
  const timeline: ReplayEntry[] = [];
  const turnDesperation: TurnDesperation[] = [];
  const turns = events.filter((e): e is TurnEvent => e.type === 'turn');
  let unscored = 0;
  let pending: ChatMessage[] = [];
  let done = 0;
  const emit = (entry: ReplayEntry) => {
    timeline.push(entry);
    ctx.onProgress?.({ done, total: turns.length, message: `turn ${done} of ${turns.length}`, partial: entry });
  };
  try {
    for (const event of events) {
      throwIfCancelled(ctx);
      if (event.type === 'test-run') {
        emit({ kind: 'test-run', seq: event.seq, ts: event.ts, command: event.command, framework: event.framework, passed: event.passed, failed: event.failed, skipped: event.skipped, exitCode: event.exitCode ?? null });
        continue;
      }
      if (event.type !== 'turn') continue;
      done++;
      pending.push(chatMessage(event));
      let summary: Record<string, EmotionSummary> | null = null;
      let tokens = 0;
      if (event.role === 'assistant') {
        // The loop scores when an assistant turn arrives, with everything before it as context.
        try {
          const outcome = await conversation.append(pending);
          const scored = scoreMessages(
            { activations: outcome.activations.get(model.layer)!, firstToken: outcome.firstNewToken, spans: outcome.spans, pieces: model.tokenizer.pieces(outcome.newTokenIds) },
            emotions,
            layer,
          );
          summary = scored[0]?.summary ?? null;
          tokens = scored[0]?.tokens.length ?? 0;
          if (summary && desperate >= 0) turnDesperation.push({ seq: event.seq, z: summary.desperate.mean });
        } catch (err) {
          if (!(err instanceof SidecarError && err.kind === 'context-overflow')) throw err;
          unscored++;
        }
        pending = [];
        await pause(params.delayMs, ctx);
      }
      emit({ kind: 'turn', seq: event.seq, ts: event.ts, role: event.role, text: event.text.slice(0, TEXT_PREVIEW), summary, tokens });
    }
  } finally {
    conversation.dispose();
  }
  for (const entry of flagEntries(events, turnDesperation)) timeline.push(entry);
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
      'The replay reads the transcript as recorded: tool output appears as user-side input and very long sessions are cut from the front to fit the reading model’s context, as in live watching.',
      'Flags come from the test-tamper classifier on the recorded edits; their desperation is the reading of the assistant turns before the edit.',
    ],
  };
}

/** Tamper flags for the session, with desperation taken from the replay's own turn readings. */
function flagEntries(events: readonly AgentEvent[], turns: readonly TurnDesperation[]): ReplayEntry[] {
  const desperation = turns.length ? desperationFromTurns(turns) : () => null;
  const engine = new TamperEngine({ desperationAt: (edit: FileEditEvent) => desperation(edit) });
  for (const e of events) engine.observe(e);
  return engine.flags().map((f) => ({ kind: 'flag', seq: f.editSeq, ts: f.ts, path: f.path, kinds: f.kinds, severity: f.severity, desperation: f.desperation, reason: f.reason }));
}
