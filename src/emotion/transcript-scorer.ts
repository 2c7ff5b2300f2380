// Scores a recorded session's assistant turns the way live watching does: the events become the
// reader model's chat one message at a time on a KV-cached conversation, so each turn is read in
// the context of everything before it.
import type { AgentEvent, TurnEvent } from '../core/events';
import type { ResidualProbe } from '../engine';
import type { ModelTokenizer } from '../sidecar/chat-tokenizer';
import { Conversation } from '../sidecar/conversation';
import { chatMessageFor } from './transcript-chat';
import { scoreMessages } from './turn-scores';
import { layerVectors, type EmotionVectorSet } from './vectors';

export interface TranscriptModel {
  probe: ResidualProbe;
  tokenizer: ModelTokenizer;
  contextLimit: number;
}

/** Mean z per emotion for each of `turns` (null for turns that are not scored assistant text). */
export async function scoreTranscriptTurns(events: readonly AgentEvent[], turns: readonly TurnEvent[], model: TranscriptModel, vectors: EmotionVectorSet): Promise<(Record<string, number> | null)[]> {
  const layer = vectors.header.choice.layer;
  const emotions = vectors.header.emotions;
  const conversation = new Conversation('analyze', model.probe, model.tokenizer, { contextLimit: model.contextLimit });
  const byTurn = new Map<string, Record<string, number>>();
  try {
    for (const event of events) {
      const message = chatMessageFor(event);
      if (!message) continue;
      const outcome = await conversation.append([message]);
      if (event.type !== 'turn' || event.role !== 'assistant') continue;
      const [scored] = scoreMessages(
        { activations: outcome.activations.get(layer)!, firstToken: outcome.firstNewToken, spans: outcome.spans, pieces: model.tokenizer.pieces(outcome.newTokenIds) },
        emotions,
        layerVectors(vectors, layer),
      );
      if (scored) byTurn.set(event.turnId, Object.fromEntries(emotions.map((e) => [e, scored.summary[e].mean])));
    }
  } finally {
    conversation.dispose();
  }
  return turns.map((t) => byTurn.get(t.turnId) ?? null);
}
