// A served model with a real model's tokenizer and chat template whose replies write a fixed
// script token by token: stop handling and tool-call parsing on known model text.
import type { ChatMessage } from '../../../src/contracts/rpc-methods';
import type { Generation, ReplyModel, SamplingOptions } from '../../../src/serve/reply-model';

export class ScriptedModel implements ReplyModel {
  readonly id = 'scripted';
  readonly contextLimit = 4096;
  /** The prompt of every request, as token ids. */
  prompts: number[][] = [];

  constructor(
    /** The model whose template and tokenizer render prompts and decode the script. */
    private readonly base: ReplyModel,
    private readonly tokenizer: { encode(text: string): number[] },
    private readonly script: string,
    /** Generation waits for it: a request held open. */
    private readonly gate: Promise<void> = Promise.resolve(),
  ) {}

  promptIds(messages: ChatMessage[], tools: readonly object[]): number[] {
    const ids = this.base.promptIds(messages, tools);
    this.prompts.push(ids);
    return ids;
  }

  decode(ids: number[]): string {
    return this.base.decode(ids);
  }

  pieces(ids: number[]): string[] {
    return this.base.pieces(ids);
  }

  async generate(_prompt: number[], options: SamplingOptions, onToken: (id: number) => boolean): Promise<Generation> {
    await this.gate;
    const ids: number[] = [];
    const done = (finish: Generation['finish']): Generation => ({
      ids,
      finish,
      cachedTokens: 0,
      steering: null,
      selfReading: null,
      promptReading: null,
    });
    for (const id of this.tokenizer.encode(this.script).slice(0, options.maxTokens)) {
      ids.push(id);
      if (!onToken(id)) return done('stop');
    }
    return done(ids.length >= options.maxTokens ? 'length' : 'stop');
  }
}
