// The reading at the start of the assistant's reply: the conversation in the model's chat format
// with the assistant header appended, read at its last token — where, per the research, the
// model's representation predicts the emotion of the reply it is about to write.
import { zScores } from '../emotion/calibrate';
import type { ChatMessage } from '../contracts/rpc-methods';
import { readingLayer, readResiduals, type ExperimentModel } from './model';

/** z per emotion (keyed by name) at the token after the assistant header. */
export async function replyStartReading(
  model: ExperimentModel,
  messages: ChatMessage[],
): Promise<Record<string, number>> {
  const ids = model.tokenizer.encode(model.tokenizer.render(messages, true));
  const rows = await readResiduals(model, ids);
  const last = rows.subarray((ids.length - 1) * model.hiddenSize);
  const z = zScores(last, readingLayer(model));
  return Object.fromEntries(model.vectors.header.emotions.map((e, k) => [e, z[k]]));
}
