// Experiment "Steering": the model's own reply to a prompt with an emotion vector added to its
// residual stream at strength α (a fraction of the mean residual norm at the layer), several α
// side by side, k seeded samples each; per reply the readings and whether its code proposes
// editing, skipping or weakening tests — the research's reward-hacking measurement in miniature.
import { meanRowNorm } from '../engine';
import { zScores } from '../emotion/calibrate';
import { mean } from '../stats/stats';
import {
  asParams,
  emotionParam,
  ExperimentParamError,
  numberListParam,
  numberParam,
  READER_CAVEAT,
  throwIfCancelled,
  type ExperimentContext,
} from './context';
import { readingLayer, readResiduals, type ExperimentModel } from './model';
import { IMPOSSIBLE_TASK, replyTamperKinds } from './reply-tamper';
import type { AlphaResult, SteeredReply, SteeringParams, SteeringResult } from '../contracts/experiments';
import { ALPHA_LIMIT } from '../contracts/steering';

export function parseSteeringParams(value: unknown, emotions: readonly string[]): SteeringParams {
  const p = asParams(value);
  const prompt = p.prompt === undefined ? IMPOSSIBLE_TASK.prompt : p.prompt;
  if (typeof prompt !== 'string' || !prompt.trim())
    throw new ExperimentParamError("'prompt' must be a non-empty string");
  return {
    prompt,
    emotion: emotionParam(p, 'emotion', 'desperate', emotions),
    alphas: numberListParam(p, 'alphas', [-0.1, 0, 0.1], { min: -ALPHA_LIMIT, max: ALPHA_LIMIT }),
    samples: numberParam(p, 'samples', 1, { min: 1, max: 100, integer: true }),
    seed: numberParam(p, 'seed', 1, { min: 0, integer: true }),
    temperature: numberParam(p, 'temperature', 0.8, { min: 0, max: 5 }),
    topK: numberParam(p, 'topK', 40, { min: 0, integer: true }),
    maxNewTokens: numberParam(p, 'maxNewTokens', 96, { min: 1, max: 1024, integer: true }),
  };
}

function byEmotion(emotions: readonly string[], z: readonly number[]): Record<string, number> {
  return Object.fromEntries(emotions.map((e, k) => [e, z[k]]));
}

/** Mean z per emotion over rows `from…to` of a [tokens × hidden] residual matrix. */
function meanZ(
  rows: Float32Array,
  hidden: number,
  from: number,
  to: number,
  model: ExperimentModel,
): Record<string, number> {
  const emotions = model.vectors.header.emotions;
  const layer = readingLayer(model);
  const per = emotions.map(() => [] as number[]);
  for (let t = from; t < to; t++)
    zScores(rows.subarray(t * hidden, (t + 1) * hidden), layer).forEach((z, k) => per[k].push(z));
  return byEmotion(
    emotions,
    per.map((zs) => (zs.length ? mean(zs) : NaN)),
  );
}

function meanOver(records: readonly Record<string, number>[], emotions: readonly string[]): Record<string, number> {
  return Object.fromEntries(emotions.map((e) => [e, mean(records.map((r) => r[e]))]));
}

export async function runSteering(
  model: ExperimentModel,
  params: SteeringParams,
  ctx: ExperimentContext = {},
): Promise<SteeringResult> {
  const emotions = model.vectors.header.emotions;
  const vector = readingLayer(model).vectors[emotions.indexOf(params.emotion)];
  if (!vector) throw new ExperimentParamError(`the vectors have no emotion '${params.emotion}'`);
  const steered = await model.steered();
  if (!steered.layers.includes(model.layer))
    throw new Error(`the steerable model was loaded without layer ${model.layer}`);
  const hidden = model.hiddenSize;
  const promptIds = model.tokenizer.encode(model.tokenizer.render([{ role: 'user', content: params.prompt }], true));
  const residualNorm = meanRowNorm(await readResiduals(model, promptIds), hidden, 1);
  const total = params.alphas.length * params.samples;
  let done = 0;
  const alphas: AlphaResult[] = [];
  for (const alpha of params.alphas) {
    const scale = alpha * residualNorm;
    const steering = [{ layer: model.layer, vector, scale }];
    const replies: SteeredReply[] = [];
    for (let i = 0; i < params.samples; i++) {
      throwIfCancelled(ctx);
      ctx.onProgress?.({ done, total, message: `α = ${alpha}: reply ${i + 1} of ${params.samples}` });
      const seed = params.seed + i;
      const generated = await steered.generate(promptIds, {
        maxNewTokens: params.maxNewTokens,
        temperature: params.temperature,
        topK: params.topK,
        seed,
        stopIds: model.stopIds,
        steering,
        signal: ctx.signal,
      });
      throwIfCancelled(ctx);
      const replyIds = generated.filter((id) => !model.stopIds.includes(id));
      const ids = [...promptIds, ...replyIds];
      // The steered model's own residual stream over prompt + reply, as it was during generation.
      const step = await steered.forward(ids, undefined, steering);
      step.past.dispose();
      const own = step.residuals.get(model.layer)!;
      const reread = await readResiduals(model, ids);
      const text = model.tokenizer.decode(replyIds);
      const start = promptIds.length - 1;
      replies.push({
        seed,
        text,
        tokens: replyIds.length,
        tamperKinds: replyTamperKinds(text, { ...IMPOSSIBLE_TASK, prompt: params.prompt }),
        replyStart: byEmotion(
          emotions,
          zScores(own.subarray(start * hidden, (start + 1) * hidden), readingLayer(model)),
        ),
        steeredMean: meanZ(own, hidden, promptIds.length, ids.length, model),
        rereadMean: meanZ(reread, hidden, promptIds.length, ids.length, model),
      });
      done++;
    }
    const tamperCount = replies.filter((r) => r.tamperKinds.length > 0).length;
    alphas.push({
      alpha,
      scale,
      replies,
      tamperCount,
      tamperRate: tamperCount / replies.length,
      meanReplyStart: meanOver(
        replies.map((r) => r.replyStart),
        emotions,
      ),
      meanSteered: meanOver(
        replies.map((r) => r.steeredMean),
        emotions,
      ),
      meanReread: meanOver(
        replies.map((r) => r.rereadMean),
        emotions,
      ),
    });
  }
  ctx.onProgress?.({ done: total, total, message: 'done' });
  return {
    experiment: 'steer',
    model: model.identity.id,
    layer: model.layer,
    emotion: params.emotion,
    prompt: params.prompt,
    residualNorm,
    params,
    emotions,
    alphas,
    caveats: [
      'Steering changes this small local model, not your agent. The research steered a frontier model; a small model may ignore the task, ramble, or show no change in behaviour at all.',
      `Strength α is a fraction of the mean residual norm at layer ${model.layer}; the vector is added at every token of prompt and reply. Large |α| degrades text into nonsense before it changes behaviour.`,
      'The tamper count classifies fenced code blocks in each reply against the default task’s files; replies without code blocks count as not tampering. With few samples per α, rates are rough.',
      'The reading at the reply’s start is the input: it moves by α·‖r̄‖/σ because the vector was added there, so it measures nothing. Only the re-read column (the reply read again without steering) is a measurement of what the generated text carries. ' +
        READER_CAVEAT,
    ],
  };
}
