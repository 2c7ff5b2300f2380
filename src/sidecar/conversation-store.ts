// Open conversations, most recently used last. When their KV caches together pass the memory
// budget, the least recently used ones lose their cache (not their transcript).
import { randomUUID } from 'node:crypto';
import { SidecarError } from '../contracts/rpc-errors';
import type { ConversationStatus } from '../contracts/rpc-methods';
import type { Conversation } from '../model/conversation';

export class ConversationStore {
  private readonly open = new Map<string, Conversation>();

  constructor(
    private readonly budgetBytes: number,
    private readonly create: (id: string) => Conversation,
  ) {}

  get memoryBudgetBytes(): number {
    return this.budgetBytes;
  }

  openConversation(id?: string): Conversation {
    const conversationId = id ?? randomUUID();
    if (this.open.has(conversationId)) {
      throw new SidecarError('invalid-params', `Conversation '${conversationId}' is already open.`);
    }
    const conversation = this.create(conversationId);
    this.open.set(conversationId, conversation);
    return conversation;
  }

  /** Looks a conversation up and marks it most recently used. */
  use(id: string): Conversation {
    const conversation = this.open.get(id);
    if (!conversation)
      throw new SidecarError(
        'conversation-not-found',
        `No open conversation '${id}' (closed, or the sidecar restarted).`,
      );
    this.open.delete(id);
    this.open.set(id, conversation);
    return conversation;
  }

  close(id: string): boolean {
    const conversation = this.open.get(id);
    conversation?.dispose();
    return this.open.delete(id);
  }

  closeAll(): void {
    for (const id of [...this.open.keys()]) this.close(id);
  }

  get cacheBytes(): number {
    let total = 0;
    for (const c of this.open.values()) total += c.cacheBytes;
    return total;
  }

  /** Evicts least recently used caches until the budget holds; `keep` is never evicted. */
  enforceBudget(keep?: string): string[] {
    const evicted: string[] = [];
    for (const [id, conversation] of this.open) {
      if (this.cacheBytes <= this.budgetBytes) break;
      if (id === keep || conversation.cacheBytes === 0) continue;
      conversation.evict();
      evicted.push(id);
    }
    return evicted;
  }

  status(): ConversationStatus[] {
    return [...this.open.values()].map((c) => ({
      conversationId: c.id,
      tokens: c.tokenCount,
      cachedTokens: c.cachedTokens,
      cacheBytes: c.cacheBytes,
    }));
  }
}
