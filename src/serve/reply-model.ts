// What the endpoint asks of a model, and the local model that answers: prompts rendered through
// its chat template, replies sampled token by token on the steerable decoder (steered when asked),
// reusing the KV cache of the previous conversation when the new prompt extends it.
import type { ChatMessage } from '../contracts/rpc-methods';
import { meanRowNorm, type Steering } from '../engine';
import { sampleToken, seededRandom } from '../engine/sampling';
import { zScores } from '../emotion/calibrate';
import { layerVectors } from '../emotion/vectors';
import { IMPOSSIBLE_TASK } from '../experiments/reply-tamper';
import type { LoadedModel } from '../model/loaded-model';
import { readInPasses } from '../model/read-passes';
import { PrefixCache } from './prefix-cache';
import { SteerSpecError, type AppliedSteering, type SteerChoice } from './steer-option';
import { toolsPreamble } from './tool-calls';

export interface SamplingOptions {
  maxTokens: number;
  temperature: number;
  topP: number;
  seed: number;
  /** Steering for this reply: a choice, null for none, undefined for the server's default. */
  steer?: SteerChoice | null;
  signal?: AbortSignal;
}

export interface Generation {
  ids: number[];
  /** 'stop': the model ended its turn or the caller stopped it; 'length': it ran out of tokens. */
  finish: 'stop' | 'length';
  /** Prompt tokens whose KV cache was reused rather than recomputed. */
  cachedTokens: number;
  steering: AppliedSteering | null;
  /** The model's own state as it chose each generated token, on its calibrated vectors (none
   *  when the model has no vectors). */
  selfReading: SelfReading | null;
  /** Its state at each prompt token it ran for this reply (none when it has no vectors). */
  promptReading: PromptReading | null;
}

export interface SelfReading {
  layer: number;
  emotions: string[];
  /** Per generated token: z per emotion of the residual at the position whose logits chose it
   *  (steering included, as the model ran). */
  z: number[][];
}

/** Readings of the prompt tokens after the reused KV cache: a cached prefix is not run again. */
export interface PromptReading extends SelfReading {
  /** Index in the prompt of the first token read (the cached tokens before it were read by
   *  earlier turns). `z` has one row per token from there to the prompt's end: the residual at
   *  that token's position, so the last row is also the first generated token's reading. */
  start: number;
}

/** The seam between the HTTP endpoint and a model (tests script a model's text through it). */
export interface ReplyModel {
  readonly id: string;
  /** Most tokens prompt plus reply may hold. */
  readonly contextLimit: number;
  promptIds(messages: ChatMessage[], tools: readonly object[]): number[];
  decode(ids: number[]): string;
  /** One display string per token. */
  pieces(ids: number[]): string[];
  /** Generates after the prompt; `onToken` sees each new token and returns false to end the reply. */
  generate(promptIds: number[], options: SamplingOptions, onToken: (id: number) => boolean): Promise<Generation>;
}

export class LocalReplyModel implements ReplyModel {
  readonly id: string;
  private readonly stopIds: Set<number>;
  private readonly cache = new PrefixCache();
  private residualNorm?: number;

  constructor(
    private readonly model: LoadedModel,
    /** Steering for requests that name none. */
    private readonly defaultSteer: SteerChoice | null = null,
  ) {
    this.id = model.info.model;
    this.stopIds = new Set(model.stopTokenIds());
    if (defaultSteer) this.steeringVector(defaultSteer);
  }

  get contextLimit(): number {
    return this.model.contextLimit;
  }

  promptIds(messages: ChatMessage[], tools: readonly object[]): number[] {
    const tokenizer = this.model.tokenizer;
    let text = tokenizer.render(messages, true, tools);
    // A template without a tools section renders the same with and without them: then the
    // tools go in as a system preamble in the model family's convention.
    if (tools.length && text === tokenizer.render(messages, true))
      text = tokenizer.render(withPreamble(messages, toolsPreamble(tools)), true);
    return tokenizer.encode(text);
  }

  decode(ids: number[]): string {
    return this.model.tokenizer.decode(ids);
  }

  pieces(ids: number[]): string[] {
    return this.model.tokenizer.pieces(ids);
  }

  generate(promptIds: number[], options: SamplingOptions, onToken: (id: number) => boolean): Promise<Generation> {
    return this.model.serial(async () => {
      const decoder = await this.model.steeredModel();
      const random = seededRandom(options.seed);
      const choice = options.steer === undefined ? this.defaultSteer : options.steer;
      const applied = choice ? await this.applied(choice) : null;
      const steering: Steering[] =
        applied && choice ? [{ layer: applied.layer, vector: this.steeringVector(choice), scale: applied.scale }] : [];
      // A cache computed under other steering holds other residuals: it is reused only under the same.
      const { past, rest } = this.cache.take(promptIds, JSON.stringify(applied));
      const cachedTokens = promptIds.length - rest.length;
      let step = await decoder.forward(rest, past, steering).finally(() => past?.dispose());
      const seen = [...promptIds];
      const ids: number[] = [];
      const read = this.selfReader();
      const promptZ = read?.(step.residuals);
      const z: number[][] = [];
      let finish: Generation['finish'] = 'length';
      try {
        while (ids.length < options.maxTokens && seen.length < this.contextLimit && !options.signal?.aborted) {
          const next = sampleToken(step.logits, options.temperature, undefined, random, options.topP);
          // The prompt pass's last row was read with the prompt.
          const reading = ids.length ? read?.(step.residuals).at(-1) : promptZ?.at(-1);
          if (this.stopIds.has(next)) {
            finish = 'stop';
            break;
          }
          ids.push(next);
          if (reading) z.push(reading);
          if (!onToken(next)) {
            finish = 'stop';
            break;
          }
          if (ids.length >= options.maxTokens) break;
          const previous = step.past;
          step = await decoder.forward([next], previous, steering);
          previous.dispose();
          seen.push(next);
        }
      } catch (err) {
        step.past.dispose();
        throw err;
      }
      this.cache.keep(seen, step.past, JSON.stringify(applied));
      const vectors = this.model.vectors;
      const on = vectors && { layer: vectors.header.choice.layer, emotions: vectors.header.emotions };
      return {
        ids,
        finish,
        cachedTokens,
        steering: applied,
        selfReading: on ? { ...on, z } : null,
        promptReading: on && promptZ ? { ...on, start: cachedTokens, z: promptZ } : null,
      };
    });
  }

  /** z per emotion of each new token's residual at the vectors' layer, when there are vectors. */
  private selfReader(): ((residuals: Map<number, Float32Array>) => number[][]) | undefined {
    const vectors = this.model.vectors;
    if (!vectors) return undefined;
    const layer = layerVectors(vectors, vectors.header.choice.layer);
    const hidden = this.model.info.hiddenSize;
    return (residuals) => {
      const rows = residuals.get(layer.layer)!;
      return Array.from({ length: rows.length / hidden }, (_, i) =>
        zScores(rows.subarray(i * hidden, (i + 1) * hidden), layer),
      );
    };
  }

  /** The unit vector for a choice, refusing emotions the model's vectors lack. */
  private steeringVector(choice: SteerChoice): Float32Array {
    const vectors = this.model.vectors;
    if (!vectors)
      throw new SteerSpecError('steering needs calibrated vectors for this model (run agent-vitals calibrate)');
    const index = vectors.header.emotions.indexOf(choice.emotion);
    if (index < 0)
      throw new SteerSpecError(
        `the vectors have no emotion '${choice.emotion}' (have ${vectors.header.emotions.join(', ')})`,
      );
    return layerVectors(vectors, vectors.header.choice.layer).vectors[index]!;
  }

  /** α in the research's units: the yardstick is the mean residual norm at the layer over the
   *  Steering experiment's default prompt, measured once. */
  private async applied(choice: SteerChoice): Promise<AppliedSteering> {
    this.steeringVector(choice);
    const layer = this.model.vectors!.header.choice.layer;
    if (this.residualNorm === undefined) {
      const tokenizer = this.model.tokenizer;
      const ids = tokenizer.encode(tokenizer.render([{ role: 'user', content: IMPOSSIBLE_TASK.prompt }], true));
      const rows = (await readInPasses(this.model.encoder, ids, [layer])).get(layer)!;
      this.residualNorm = meanRowNorm(rows, this.model.info.hiddenSize, 1);
    }
    return { ...choice, layer, scale: choice.alpha * this.residualNorm };
  }

  release(): void {
    this.cache.clear();
  }
}

function withPreamble(messages: ChatMessage[], preamble: string): ChatMessage[] {
  const [first, ...others] = messages;
  if (first?.role === 'system') return [{ role: 'system', content: `${first.content}\n\n${preamble}` }, ...others];
  return [{ role: 'system', content: preamble }, ...messages];
}
