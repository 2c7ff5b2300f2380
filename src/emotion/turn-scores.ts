// Scores the tokens of whole messages: per-token z for every emotion, and a summary per message.
// Shared by the score command, the sidecar's conversation scoring and the experiments.
import type { MessageSpan } from '../contracts/rpc-methods';
import type { EmotionSummary, TokenHeat } from '../contracts/reading';
import { scoreTokens, summarize } from './reading';
import type { LayerVectors } from './vectors';

export interface ScoredMessage {
  messageIndex: number;
  role: MessageSpan['role'];
  tokens: TokenHeat[];
  summary: Record<string, EmotionSummary>;
}

export interface ScoreInput {
  /** [tokens × hidden] activations at the vectors' layer, starting at token `firstToken`. */
  activations: Float32Array;
  firstToken: number;
  spans: readonly MessageSpan[];
  /** Display text of each token covered by `activations`. */
  pieces: readonly string[];
}

export function scoreMessages(
  input: ScoreInput,
  emotions: readonly string[],
  layer: Pick<LayerVectors, 'vectors' | 'baseline'>,
  roles: ReadonlySet<string> = new Set(['assistant']),
): ScoredMessage[] {
  const hidden = layer.vectors[0].length;
  const out: ScoredMessage[] = [];
  for (const span of input.spans) {
    // Only the message's own content is read: the chat template's tokens are no part of it.
    const count = span.contentEnd - span.contentStart;
    if (!roles.has(span.role) || count === 0) continue;
    const from = span.contentStart - input.firstToken;
    const z = scoreTokens(input.activations.subarray(from * hidden, (from + count) * hidden), count, layer);
    out.push({
      messageIndex: span.messageIndex,
      role: span.role,
      tokens: Array.from({ length: count }, (_, t) => ({
        text: input.pieces[from + t],
        z: Object.fromEntries(emotions.map((e, k) => [e, z[k][t]])),
      })),
      summary: Object.fromEntries(emotions.map((e, k) => [e, summarize(z[k])])),
    });
  }
  return out;
}
