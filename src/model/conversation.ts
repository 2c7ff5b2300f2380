// One scored conversation: a growing token sequence with its KV cache. Appending messages
// re-renders the chat, finds the longest token prefix the cache already covers, and runs only
// the rest through the probe.
import { SidecarError } from '../contracts/rpc-errors';
import type { AppendResult, ChatMessage, MessageSpan } from '../contracts/rpc-methods';
import { commonPrefix, contentTokens, renderSegments, type ChatTokenizer, type RenderedChat } from './chat-segments';
import { READ_CHUNK_TOKENS } from '../contracts/reading';
import { concatRows } from './read-passes';
import type { KvCacheHandle, ResidualEncoder } from './residual-encoder';

export interface ConversationLimits {
  /**
   * Most tokens the conversation may hold. Past it, the oldest turns are dropped until the rest
   * fits in three quarters of it, so the next appends extend the rebuilt cache instead of each
   * triggering another rebuild.
   */
  contextLimit: number;
  /** Longest single forward pass; longer inputs run in chunks on top of the cache. Defaults to
   *  the length calibration reads with (tests shorten it to exercise chunking). */
  chunkTokens?: number;
}

/** What an append computed, before it is encoded for the wire. */
export interface AppendOutcome extends Omit<AppendResult, 'activations' | 'norms' | 'hiddenSize'> {
  activations: Map<number, Float32Array>;
}

/** After dropping turns, the conversation is cut back to this fraction of the context limit. */
const LOW_WATER = 0.75;

export class Conversation<C extends KvCacheHandle = KvCacheHandle> {
  private messages: ChatMessage[] = [];
  private rendered?: RenderedChat;
  private segmentIds: number[][] = [];
  private ids: number[] = [];
  private past?: C;
  private evicted = false;

  constructor(
    readonly id: string,
    private readonly encoder: ResidualEncoder<C>,
    private readonly tokenizer: ChatTokenizer,
    private readonly limits: ConversationLimits,
  ) {}

  get tokenCount(): number {
    return this.ids.length;
  }

  get cachedTokens(): number {
    return this.past?.length ?? 0;
  }

  get cacheBytes(): number {
    return this.past?.bytes ?? 0;
  }

  /** Frees the KV cache; the transcript stays, and the next append recomputes it. */
  evict(): void {
    if (!this.past) return;
    this.past.dispose();
    this.past = undefined;
    this.evicted = true;
  }

  dispose(): void {
    this.past?.dispose();
    this.past = undefined;
  }

  async append(added: ChatMessage[]): Promise<AppendOutcome> {
    // Counting is cheap and tokenizing is not: text too long to fit even at the longest token per
    // position is refused before it is tokenized.
    const chars = added.reduce((n, m) => n + m.content.length, 0);
    const fewestTokens = Math.ceil(chars / this.tokenizer.longestTokenChars);
    if (fewestTokens > this.limits.contextLimit) {
      throw new SidecarError(
        'context-overflow',
        `The new messages hold ${chars} characters, at least ${fewestTokens} tokens: more than the context limit of ${this.limits.contextLimit}.`,
      );
    }
    const layout = this.layout(added);
    const { ids, segmentIds, rendered, messages, dropped } = layout;
    const firstNew = segmentIds.slice(0, messages.length - added.length).reduce((n, s) => n + s.length, 0);

    let rebuilt: AppendResult['rebuilt'];
    let reused = this.past ? commonPrefix(this.ids, ids, Math.min(this.past.length, firstNew)) : 0;
    if (dropped > 0) rebuilt = { reason: 'context-limit', droppedMessages: dropped };
    else if (this.evicted) rebuilt = { reason: 'evicted', droppedMessages: 0 };
    else if (this.past && reused < this.past.length) rebuilt = { reason: 'prefix-changed', droppedMessages: 0 };
    if (this.past && reused < this.past.length) {
      // The cache cannot be cut back, so a changed prefix means starting over.
      this.past.dispose();
      this.past = undefined;
      reused = 0;
    }

    const collected = new Map<number, Float32Array[]>();
    let past = this.past;
    const pending = ids.slice(reused);
    const chunkTokens = this.limits.chunkTokens ?? READ_CHUNK_TOKENS;
    for (let at = 0; at < pending.length; at += chunkTokens) {
      const chunk = pending.slice(at, at + chunkTokens);
      const out = await this.encoder.forward(chunk, past);
      if (past && out.past !== past) past.dispose();
      past = out.past;
      const chunkStart = reused + at;
      for (const [layer, values] of out.activations) {
        // Keep only the appended messages' rows.
        const skip = Math.max(0, firstNew - chunkStart);
        if (skip >= chunk.length) continue;
        const width = values.length / chunk.length;
        const list = collected.get(layer) ?? [];
        list.push(values.subarray(skip * width));
        collected.set(layer, list);
      }
    }

    this.past = past;
    this.evicted = false;
    this.messages = messages;
    this.rendered = rendered;
    this.segmentIds = segmentIds;
    this.ids = ids;

    const spans: MessageSpan[] = [];
    let start = firstNew;
    let segmentStart = rendered.segments.slice(0, messages.length - added.length).reduce((n, s) => n + s.length, 0);
    for (let k = 0; k < added.length; k++) {
      const index = messages.length - added.length + k;
      const content = contentTokens(
        this.tokenizer,
        messages,
        index,
        segmentStart,
        rendered.segments[index],
        segmentIds[index],
      );
      spans.push({
        messageIndex: k,
        role: added[k].role,
        start,
        end: start + segmentIds[index].length,
        contentStart: start + content.from,
        contentEnd: start + content.to,
      });
      start += segmentIds[index].length;
      segmentStart += rendered.segments[index].length;
    }
    const activations = new Map<number, Float32Array>();
    for (const layer of this.encoder.layers) activations.set(layer, concatRows(collected.get(layer) ?? []));
    return {
      conversationId: this.id,
      totalTokens: ids.length,
      firstNewToken: firstNew,
      newTokenIds: ids.slice(firstNew),
      spans,
      reusedTokens: reused,
      computedTokens: ids.length - reused,
      layers: this.encoder.layers,
      activations,
      rebuilt,
    };
  }

  /** Token layout after appending, dropping the oldest turns if the context limit requires. */
  private layout(added: ChatMessage[]) {
    let messages = [...this.messages, ...added];
    let dropped = 0;
    let budget = this.limits.contextLimit;
    let previous: RenderedChat | undefined = this.rendered;
    let previousIds = this.segmentIds;
    for (;;) {
      const rendered = renderSegments(this.tokenizer, messages, previous);
      const segmentIds = rendered.segments.map((text, i) =>
        previous && previous.segments[i] === text && previousIds[i] ? previousIds[i] : this.tokenizer.encode(text),
      );
      if (rendered.tail) segmentIds.push(this.tokenizer.encode(rendered.tail));
      const ids = segmentIds.flat();
      if (ids.length <= budget) return { ids, segmentIds, rendered, messages, dropped };
      budget = Math.floor(this.limits.contextLimit * LOW_WATER);
      // Keep a leading system message; drop the oldest turn after it.
      const keep = messages[0]?.role === 'system' ? 1 : 0;
      if (messages.length - keep <= added.length) {
        if (ids.length <= this.limits.contextLimit) return { ids, segmentIds, rendered, messages, dropped };
        throw new SidecarError(
          'context-overflow',
          `The new messages need ${ids.length} tokens, more than the context limit of ${this.limits.contextLimit}.`,
        );
      }
      messages = [...messages.slice(0, keep), ...messages.slice(keep + 1)];
      dropped++;
      previous = undefined;
      previousIds = [];
    }
  }
}
