// Step two of the pipeline, in this process: reader steps appended to one KV-cached conversation,
// each assistant turn read in the context of everything before it and scored against the
// vectors. The sidecar does the same for live watching (the score source sends the same steps);
// `analyze` and the Replay experiment read recorded sessions here. The report card reads its
// agent-turn validation set through `readAssistantMeans`.
import type { AgentEvent, TurnEvent } from '../core/events';
import type { ChatMessage } from '../contracts/rpc-methods';
import { SidecarError } from '../contracts/rpc-errors';
import { meanOfRows } from '../emotion/calibrate';
import type { ScoredMessage } from '../emotion/turn-scores';
import type { EmotionVectorSet } from '../emotion/vectors';
import type { ChatTokenizer } from '../model/chat-segments';
import { Conversation, type AppendOutcome } from '../model/conversation';
import type { ResidualEncoder } from '../model/residual-encoder';
import { scoreAppended } from '../model/loaded-vectors';
import { ReaderChat, stepMessages } from './reader-chat';

/** What reading needs of a loaded model. */
export interface ReadingModel {
  encoder: ResidualEncoder;
  tokenizer: ChatTokenizer & { pieces(ids: number[]): string[] };
  /** Most tokens the conversation may hold (the loaded model's `contextLimit`). */
  contextLimit: number;
}

/** Reads one session's events in order, as live watching does. */
export class RecordedTurnScorer {
  private readonly chat = new ReaderChat();
  private readonly conversation: Conversation;

  constructor(
    private readonly model: ReadingModel,
    private readonly vectors: EmotionVectorSet,
  ) {
    this.conversation = new Conversation('read', model.encoder, model.tokenizer, { contextLimit: model.contextLimit });
  }

  /**
   * The reading of the assistant turn `event` completes; null when that turn alone does not fit
   * the context; undefined for events that are context or not read.
   */
  async read(event: AgentEvent): Promise<ScoredMessage | null | undefined> {
    const step = this.chat.push(event);
    if (!step) return undefined;
    try {
      const outcome = await this.conversation.append(stepMessages(step, this.model.contextLimit));
      return scoreAppended(outcome, this.vectors, this.model.tokenizer.pieces(outcome.newTokenIds)).at(-1) ?? null;
    } catch (err) {
      if (err instanceof SidecarError && err.kind === 'context-overflow') return null;
      throw err;
    }
  }

  dispose(): void {
    this.conversation.dispose();
  }
}

/** Mean z per emotion for each of `turns` (null for turns that are not read assistant text). */
export async function scoreTranscriptTurns(
  events: readonly AgentEvent[],
  turns: readonly TurnEvent[],
  model: ReadingModel,
  vectors: EmotionVectorSet,
): Promise<(Record<string, number> | null)[]> {
  const reader = new RecordedTurnScorer(model, vectors);
  const byTurn = new Map<string, Record<string, number>>();
  try {
    for (const event of [...events].sort((a, b) => a.seq - b.seq)) {
      const reading = await reader.read(event);
      if (reading && event.type === 'turn')
        byTurn.set(event.turnId, Object.fromEntries(Object.entries(reading.summary).map(([e, s]) => [e, s.mean])));
    }
  } finally {
    reader.dispose();
  }
  return turns.map((t) => byTurn.get(t.turnId) ?? null);
}

/**
 * For each assistant message of `messages`, appended one at a time, its mean activation at
 * `layer` over its own content tokens (null for other messages and empty ones). Readings are
 * linear, so z-scoring this mean gives the turn's mean z for any vectors at that layer.
 */
export async function readAssistantMeans(
  messages: readonly ChatMessage[],
  model: ReadingModel,
  layer: number,
): Promise<(Float64Array | null)[]> {
  const out: (Float64Array | null)[] = messages.map(() => null);
  const conversation = new Conversation('read', model.encoder, model.tokenizer, { contextLimit: model.contextLimit });
  try {
    for (let i = 0; i < messages.length; i++) {
      const outcome: AppendOutcome = await conversation.append([messages[i]]);
      const span = outcome.spans[0];
      if (span.role !== 'assistant' || span.contentEnd === span.contentStart) continue;
      const activations = outcome.activations.get(layer)!;
      const hidden = activations.length / outcome.newTokenIds.length;
      const rows = Array.from(
        { length: span.contentEnd - span.contentStart },
        (_, t) => span.contentStart - outcome.firstNewToken + t,
      );
      out[i] = meanOfRows(activations, hidden, rows);
    }
  } finally {
    conversation.dispose();
  }
  return out;
}
