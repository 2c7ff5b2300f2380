// What the endpoint asks of a model, and the local model that answers: prompts rendered through
// its chat template, replies sampled token by token on the steerable decoder, reusing the KV
// cache of the previous conversation when the new prompt extends it.
import type { ChatMessage } from '../contracts/rpc-methods';
import { sampleToken, seededRandom } from '../engine/sampling';
import type { LoadedModel } from '../model/loaded-model';
import { PrefixCache } from './prefix-cache';
import { toolsPreamble } from './tool-calls';

export interface SamplingOptions {
  maxTokens: number;
  temperature: number;
  topP: number;
  seed: number;
  signal?: AbortSignal;
}

export interface Generation {
  ids: number[];
  /** 'stop': the model ended its turn or the caller stopped it; 'length': it ran out of tokens. */
  finish: 'stop' | 'length';
  /** Prompt tokens whose KV cache was reused rather than recomputed. */
  cachedTokens: number;
}

/** The seam between the HTTP endpoint and a model (tests script a model's text through it). */
export interface ReplyModel {
  readonly id: string;
  /** Most tokens prompt plus reply may hold. */
  readonly contextLimit: number;
  promptIds(messages: ChatMessage[], tools: readonly object[]): number[];
  decode(ids: number[]): string;
  /** Generates after the prompt; `onToken` sees each new token and returns false to end the reply. */
  generate(promptIds: number[], options: SamplingOptions, onToken: (id: number) => boolean): Promise<Generation>;
}

export class LocalReplyModel implements ReplyModel {
  readonly id: string;
  private readonly stopIds: Set<number>;
  private readonly cache = new PrefixCache();

  constructor(private readonly model: LoadedModel) {
    this.id = model.info.model;
    this.stopIds = new Set(model.stopTokenIds());
  }

  get contextLimit(): number {
    return this.model.contextLimit;
  }

  promptIds(messages: ChatMessage[], tools: readonly object[]): number[] {
    const tokenizer = this.model.tokenizer;
    let text = tokenizer.render(messages, true, tools);
    // A template without a tools section renders the same with and without them: then the
    // tools go in as a system preamble in the model family's convention.
    if (tools.length && text === tokenizer.render(messages, true)) text = tokenizer.render(withPreamble(messages, toolsPreamble(tools)), true);
    return tokenizer.encode(text);
  }

  decode(ids: number[]): string {
    return this.model.tokenizer.decode(ids);
  }

  generate(promptIds: number[], options: SamplingOptions, onToken: (id: number) => boolean): Promise<Generation> {
    return this.model.serial(async () => {
      const decoder = await this.model.steeredModel();
      const random = seededRandom(options.seed);
      const { past, rest } = this.cache.take(promptIds);
      const cachedTokens = promptIds.length - rest.length;
      let step = await decoder.forward(rest, past).finally(() => past?.dispose());
      const seen = [...promptIds];
      const ids: number[] = [];
      let finish: Generation['finish'] = 'length';
      try {
        while (ids.length < options.maxTokens && seen.length < this.contextLimit && !options.signal?.aborted) {
          const next = sampleToken(step.logits, options.temperature, undefined, random, options.topP);
          if (this.stopIds.has(next)) {
            finish = 'stop';
            break;
          }
          ids.push(next);
          if (!onToken(next)) {
            finish = 'stop';
            break;
          }
          if (ids.length >= options.maxTokens) break;
          const previous = step.past;
          step = await decoder.forward([next], previous);
          previous.dispose();
          seen.push(next);
        }
      } catch (err) {
        step.past.dispose();
        throw err;
      }
      this.cache.keep(seen, step.past);
      return { ids, finish, cachedTokens };
    });
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
