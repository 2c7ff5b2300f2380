// Live scoring: each watched session is one conversation in the sidecar. Events become chat
// messages (see transcript-chat); while an append is in flight, new messages queue and go in
// the next append together, so a fast agent coalesces into fewer, larger model calls instead of
// an unbounded backlog. Every message is kept per session, so when the sidecar restarts or the
// model is recalibrated the conversation is reopened in full and every assistant turn is scored
// again (the store keys scores by turn, so a re-score replaces, never duplicates).
import type * as vscode from 'vscode';
import type { AgentEvent } from '../../core/events';
import { chatMessageFor } from '../../emotion/transcript-chat';
import { decodeFloat32 } from '../../protocol/float32';
import { Methods, type AppendResult, type ChatMessage } from '../../protocol/methods';
import { SidecarError } from '../../protocol/errors';
import type { ScoringStatus, TokenHeat } from '../../../webview/protocol';
import type { TurnScore } from '../state/vitalsStore';
import type { SidecarHost } from '../sidecarHost';
import type { Disposable, ScoreListener, ScoreSource } from './parts';

interface Entry {
  message: ChatMessage;
  turnId?: string;
}

interface SessionFeed {
  conversationId: string;
  /** Messages the sidecar's conversation holds. */
  sent: Entry[];
  /** Messages waiting for the next append. */
  queued: Entry[];
  /** False until the conversation exists in the current sidecar process. */
  open: boolean;
  running: boolean;
}

let conversationCounter = 0;

/**
 * Takes queued messages off the front for one append, up to about a third of the context limit
 * (counting ~3 characters a token), so a burst never needs more tokens than the model can hold:
 * the sidecar can drop old turns to make room, but not parts of the messages being added.
 */
/** The chat template's tokens around each message, counted as characters. */
const MESSAGE_OVERHEAD_CHARS = 24;

export function takeBatch(queue: Entry[], contextLimit: number): Entry[] {
  let chars = 0;
  let n = 0;
  const cost = (e: Entry) => e.message.content.length + MESSAGE_OVERHEAD_CHARS;
  while (n < queue.length && (n === 0 || chars + cost(queue[n]) <= contextLimit / 3)) chars += cost(queue[n++]);
  return queue.splice(0, n);
}

/** A single message longer than the context can hold keeps its start and end. */
export function clipMessage(message: ChatMessage, contextLimit: number): ChatMessage {
  const max = Math.floor(contextLimit / 2);
  if (message.content.length <= max) return message;
  return { role: message.role, content: `${message.content.slice(0, max / 2)}\n…\n${message.content.slice(-max / 2)}` };
}

export function turnScoreFrom(result: AppendResult, messageIndex: number): TurnScore | null {
  const scored = result.scores?.messages.find((m) => m.messageIndex === messageIndex);
  if (!scored || !result.scores) return null;
  const emotions = result.scores.emotions;
  const z = Object.fromEntries(emotions.map((e) => [e, decodeFloat32(scored.z[e])]));
  const tokens: TokenHeat[] = scored.tokens.map((text, t) => ({ text, z: Object.fromEntries(emotions.map((e) => [e, z[e][t]])) }));
  return {
    emotions: Object.fromEntries(emotions.map((e) => [e, { mean: scored.summary[e].mean, max: scored.summary[e].max }])),
    tokens,
  };
}

export class SidecarScoreSource implements ScoreSource {
  private readonly sessions = new Map<string, SessionFeed>();
  private readonly listeners = new Set<ScoreListener>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly host: SidecarHost,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscriptions.push(
      host.onReloaded(() => {
        for (const [key, feed] of this.sessions) {
          // The new process holds no conversation: resend everything and score it again.
          feed.open = false;
          feed.queued = [...feed.sent, ...feed.queued];
          feed.sent = [];
          void this.flush(key);
        }
      }),
    );
  }

  status(): ScoringStatus {
    return this.host.status;
  }

  onStatus(listener: (status: ScoringStatus) => void): Disposable {
    return this.host.onStatus(listener);
  }

  onScore(listener: ScoreListener): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  score(sessionKey: string, event: AgentEvent): void {
    const message = chatMessageFor(event);
    if (!message) return;
    let feed = this.sessions.get(sessionKey);
    if (!feed) {
      feed = { conversationId: `session-${++conversationCounter}`, sent: [], queued: [], open: false, running: false };
      this.sessions.set(sessionKey, feed);
    }
    feed.queued.push({ message, turnId: event.type === 'turn' && event.role === 'assistant' ? event.turnId : undefined });
    void this.flush(sessionKey);
  }

  /** Sends everything queued for a session in one append, then whatever queued meanwhile. */
  private async flush(sessionKey: string): Promise<void> {
    const feed = this.sessions.get(sessionKey);
    if (!feed || feed.running || feed.queued.length === 0) return;
    // A session's conversation opens, and the model starts, with its first assistant turn: until
    // then there is nothing to score and its messages wait as context.
    if (!feed.open && !feed.queued.some((e) => e.turnId)) return;
    feed.running = true;
    try {
      const info = await this.host.ensureModel();
      // Without a model or vectors the messages wait; a later load or calibration resends them.
      if (!info?.vectors) return;
      while (feed.queued.length) {
        const batch = takeBatch(feed.queued, info.contextLimit);
        const messages = batch.map((e) => clipMessage(e.message, info.contextLimit));
        let result: AppendResult;
        try {
          result = feed.open
            ? await this.host.client.request(Methods.appendMessages, { conversationId: feed.conversationId, messages, returns: 'scores' })
            : await this.host.client.request(Methods.openConversation, { conversationId: feed.conversationId, messages, returns: 'scores' });
        } catch (err) {
          if (err instanceof SidecarError && err.kind === 'conversation-not-found') {
            feed.open = false;
            feed.queued = [...feed.sent, ...batch, ...feed.queued];
            feed.sent = [];
            continue;
          }
          if (err instanceof SidecarError && (err.kind === 'sidecar-crashed' || err.kind === 'sidecar-gave-up')) {
            // The restart resends everything (onReloaded); until then the batch waits.
            feed.queued = [...batch, ...feed.queued];
            return;
          }
          // Anything else would fail again: those turns stay unscored and the session moves on.
          this.log.error(`scoring ${sessionKey} failed, ${batch.length} message(s) left unscored: ${err instanceof Error ? err.message : String(err)}`);
          continue;
        }
        feed.open = true;
        feed.sent.push(...batch);
        batch.forEach((entry, index) => {
          if (!entry.turnId) return;
          const score = turnScoreFrom(result, index);
          if (score) for (const l of this.listeners) l(sessionKey, entry.turnId, score);
        });
      }
    } finally {
      feed.running = false;
    }
  }

  restart(): Promise<void> {
    return this.host.restart();
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.listeners.clear();
  }
}
