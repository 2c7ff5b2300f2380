// Reads a recorded conversation's assistant turns the way live watching does: messages become the
// reader model's chat one at a time on a KV-cached conversation, so each turn is read in the
// context of everything before it. The analyze command scores transcripts this way, and the
// report card reads its agent-turn validation set this way.
import type { AgentEvent, TurnEvent } from '../core/events';
import type { ChatMessage } from '../protocol/methods';
import type { ChatTokenizer } from '../model/chat-segments';
import { Conversation, type AppendOutcome, type ResidualEncoder } from '../model/conversation';
import { meanOfRows } from './calibrate';
import { chatMessageFor } from './transcript-chat';
import { scoreMessages } from './turn-scores';
import { layerVectors, type EmotionVectorSet } from './vectors';

export interface TranscriptModel {
  encoder: ResidualEncoder;
  tokenizer: ChatTokenizer & { pieces(ids: number[]): string[] };
  contextLimit: number;
}

/** Appends `messages` one at a time, as live watching does, handing each append's outcome to `visit`. */
async function readLive(messages: readonly ChatMessage[], model: TranscriptModel, visit: (index: number, outcome: AppendOutcome) => void): Promise<void> {
  const conversation = new Conversation('read', model.encoder, model.tokenizer, { contextLimit: model.contextLimit });
  try {
    for (let i = 0; i < messages.length; i++) visit(i, await conversation.append([messages[i]]));
  } finally {
    conversation.dispose();
  }
}

/** Mean z per emotion for each of `turns` (null for turns that are not scored assistant text). */
export async function scoreTranscriptTurns(events: readonly AgentEvent[], turns: readonly TurnEvent[], model: TranscriptModel, vectors: EmotionVectorSet): Promise<(Record<string, number> | null)[]> {
  const layer = vectors.header.choice.layer;
  const emotions = vectors.header.emotions;
  const read = events.flatMap((event) => {
    const message = chatMessageFor(event);
    return message ? [{ event, message }] : [];
  });
  const byTurn = new Map<string, Record<string, number>>();
  await readLive(read.map((r) => r.message), model, (i, outcome) => {
    const { event } = read[i];
    if (event.type !== 'turn' || event.role !== 'assistant') return;
    const [scored] = scoreMessages(
      { activations: outcome.activations.get(layer)!, firstToken: outcome.firstNewToken, spans: outcome.spans, pieces: model.tokenizer.pieces(outcome.newTokenIds) },
      emotions,
      layerVectors(vectors, layer),
    );
    if (scored) byTurn.set(event.turnId, Object.fromEntries(emotions.map((e) => [e, scored.summary[e].mean])));
  });
  return turns.map((t) => byTurn.get(t.turnId) ?? null);
}

/**
 * For each assistant message of `messages`, read live, its mean activation at `layer` over its
 * own content tokens (null for other messages and empty ones). Readings are linear, so z-scoring
 * this mean gives the turn's mean z — what the turn view shows — for any vectors at that layer.
 */
export async function readAssistantMeans(messages: readonly ChatMessage[], model: TranscriptModel, layer: number): Promise<(Float64Array | null)[]> {
  const out: (Float64Array | null)[] = messages.map(() => null);
  await readLive(messages, model, (i, outcome) => {
    const span = outcome.spans[0];
    if (span.role !== 'assistant' || span.contentEnd === span.contentStart) return;
    const activations = outcome.activations.get(layer)!;
    const hidden = activations.length / outcome.newTokenIds.length;
    const rows = Array.from({ length: span.contentEnd - span.contentStart }, (_, t) => span.contentStart - outcome.firstNewToken + t);
    out[i] = meanOfRows(activations, hidden, rows);
  });
  return out;
}
