// Experiment "Score Selection / File": a text read as one assistant turn, with every token's
// z-score for every emotion and a summary per emotion.
import { scoreMessages } from '../emotion/turn-scores';
import { SidecarError } from '../contracts/rpc-errors';
import { Conversation } from '../model/conversation';
import { asParams, ExperimentParamError, READER_CAVEAT, throwIfCancelled, type ExperimentContext } from './context';
import { readingLayer, type ExperimentModel } from './model';
import type { ScoreTextParams, ScoreTextResult } from '../contracts/experiments';

export function parseScoreTextParams(value: unknown): ScoreTextParams {
  const p = asParams(value);
  if (typeof p.text !== 'string' || p.text.trim() === '')
    throw new ExperimentParamError("'text' must be a non-empty string (the text to score)");
  return { text: p.text, source: typeof p.source === 'string' ? p.source : 'text' };
}

export async function runScoreText(
  model: ExperimentModel,
  params: ScoreTextParams,
  ctx: ExperimentContext = {},
): Promise<ScoreTextResult> {
  throwIfCancelled(ctx);
  ctx.onProgress?.({ done: 0, total: 1, message: 'reading the text' });
  const conversation = new Conversation('score', model.encoder, model.tokenizer, { contextLimit: model.contextLimit });
  try {
    let outcome;
    try {
      outcome = await conversation.append([{ role: 'assistant', content: params.text }]);
    } catch (err) {
      if (err instanceof SidecarError && err.kind === 'context-overflow')
        throw new ExperimentParamError(`${err.message} Score a shorter selection.`);
      throw err;
    }
    const emotions = model.vectors.header.emotions;
    const [message] = scoreMessages(
      {
        activations: outcome.activations.get(model.layer)!,
        firstToken: outcome.firstNewToken,
        spans: outcome.spans,
        pieces: model.tokenizer.pieces(outcome.newTokenIds),
      },
      emotions,
      readingLayer(model),
    );
    ctx.onProgress?.({ done: 1, total: 1, message: 'done' });
    return {
      experiment: 'score',
      model: model.identity.id,
      layer: model.layer,
      source: params.source,
      emotions,
      tokens: message.tokens,
      summary: message.summary,
      caveats: [
        READER_CAVEAT,
        'The text is read as one assistant message in the model’s chat format; the chat template’s own tokens around it are included, so the first and last few tokens mostly reflect the template.',
        'Per-token values are noisy: judge the summary and smoothed stretches, not single tokens.',
      ],
    };
  } finally {
    conversation.dispose();
  }
}
