// Inputs of one decoder run: the new token ids on top of an optional KV cache.
import { Tensor } from 'onnxruntime-node';
import { ModelRequestError } from './graph/errors';
import type { ModelShape } from './graph/model-shape';
import type { KvCache } from './kv-cache';

const PAST = /^past_key_values[._]\d+[._](?:key|value)$/;
/** transformers' exports cut the logits to the last k tokens (0 keeps all) before lm_head. Only
 *  the last token's logits are ever read, so the engine keeps 1; residuals are not affected. */
const LOGITS_TO_KEEP = /^(?:num_)?logits_to_keep$/;

/** Token ids, mask, positions and KV-cache feeds for the inputs the session declares. */
export function decoderFeeds(
  owner: object,
  inputNames: readonly string[],
  shape: ModelShape,
  inputIds: readonly number[],
  past: KvCache | undefined,
): Record<string, Tensor> {
  if (inputIds.length === 0) throw new ModelRequestError('forward() needs at least one token id.');
  const pastLength = past?.length ?? 0;
  const n = inputIds.length;
  if (shape.maxPositions !== undefined && pastLength + n > shape.maxPositions) {
    throw new ModelRequestError(
      `This run would reach position ${pastLength + n}, but the model's rotary table covers ${shape.maxPositions} positions; drop older turns or start a new conversation.`,
    );
  }
  const feeds: Record<string, Tensor> = {};
  for (const name of inputNames) {
    if (name === 'input_ids') feeds[name] = new Tensor('int64', BigInt64Array.from(inputIds, BigInt), [1, n]);
    else if (name === 'attention_mask')
      feeds[name] = new Tensor('int64', new BigInt64Array(pastLength + n).fill(1n), [1, pastLength + n]);
    else if (name === 'position_ids') {
      feeds[name] = new Tensor(
        'int64',
        BigInt64Array.from({ length: n }, (_, i) => BigInt(pastLength + i)),
        [1, n],
      );
    } else if (PAST.test(name)) feeds[name] = past ? past.tensorFor(owner, name) : emptyCache(shape);
    else if (LOGITS_TO_KEEP.test(name)) feeds[name] = new Tensor('int64', BigInt64Array.of(1n), []);
  }
  return feeds;
}

function emptyCache(shape: ModelShape): Tensor {
  const dims = [1, shape.numKvHeads, 0, shape.headDim];
  return shape.kvDtype === 'float16'
    ? new Tensor('float16', new Uint16Array(0), dims)
    : new Tensor('float32', new Float32Array(0), dims);
}

/** Rejects graph inputs the engine does not know how to fill. */
export function checkInputs(inputNames: readonly string[], known: (name: string) => boolean, modelPath: string): void {
  const standard = new Set(['input_ids', 'attention_mask', 'position_ids']);
  const unknown = inputNames.filter((n) => !standard.has(n) && !PAST.test(n) && !LOGITS_TO_KEEP.test(n) && !known(n));
  if (unknown.length > 0) throw new ModelRequestError(`${modelPath}: unsupported model inputs ${unknown.join(', ')}.`);
}
