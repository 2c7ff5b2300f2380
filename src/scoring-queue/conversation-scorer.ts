// Scores the turn queue's units as sidecar conversations, one per session: each request appends
// the units' context messages and turns and reads each turn's score from the result. The
// conversation lives in one sidecar process; when that process is replaced (a crash, a restart)
// or the conversation is gone, it is opened again from the history kept here, in batches that
// fit the model's context, before the new units are appended. When the model's scores change
// meaning (new vectors after a calibration), the whole kept history is scored again and the
// fresh scores of earlier turns are handed to `rescored`.
import { SidecarError } from '../contracts/rpc-errors';
import { Methods, type ActivationReturn, type AppendResult, type ChatMessage } from '../contracts/rpc-methods';
import type { DirectRequester } from '../sidecar-client/sidecar-client';
import { CHARS_PER_TOKEN, requestCharsFor, stepMessages } from '../transcript-pipeline/reader-chat';
import type { ScoringUnit } from './turn-queue';

/** The chat template's tokens around each message, counted as characters. */
const MESSAGE_OVERHEAD_CHARS = 24;

/** The model the scores come from. */
export interface ScoringModel {
  contextLimit: number;
  /** Changes when the same text would now score differently (new vectors). */
  scoresKey: string;
}

export interface ConversationScorerOptions<S> {
  sidecar: DirectRequester;
  returns: ActivationReturn;
  /** The score of the appended message at `messageIndex`, or null when the result has none. */
  read(result: AppendResult, messageIndex: number): S | null;
  /** The loaded model; rejects (with an error the queue retries) while none is ready. */
  model(): Promise<ScoringModel>;
  /** A turn scored before, scored again under a new `scoresKey`. */
  rescored?(sessionKey: string, turnId: string, score: S): void;
  /** History kept per session for reopening, in characters (oldest messages go first). */
  historyChars?: number;
}

interface HistoryEntry {
  message: ChatMessage;
  /** Set on a scored message: the turns its score belongs to. */
  turnIds?: readonly string[];
}

interface SessionConversation {
  history: HistoryEntry[];
  historyChars: number;
  /** Where the conversation is open now; undefined until (re)opened. */
  open?: { conversationId: string; pid: number | undefined; scoresKey: string };
  /** The scores key the history was last scored under. */
  scoredUnder?: string;
}

let conversationCounter = 0;

export class ConversationScorer<S> {
  private readonly sessions = new Map<string, SessionConversation>();
  private readonly historyLimit: number;
  private contextLimit: number | undefined;

  constructor(private readonly options: ConversationScorerOptions<S>) {
    this.historyLimit = options.historyChars ?? 400_000;
  }

  /** Request size for the queue: from the model's context once known, else a small default. */
  requestChars(): number {
    return requestCharsFor(this.contextLimit ?? 2048);
  }

  /** The conversations are gone (the model or its vectors reloaded): each session reopens on its next request. */
  reopenAll(): void {
    for (const s of this.sessions.values()) s.open = undefined;
  }

  /**
   * Adds messages scored by an earlier run (a resumed transcript) to a session's history, so the
   * conversation reopens with them as context; `turnId` marks an assistant turn.
   */
  addHistory(sessionKey: string, message: ChatMessage, turnId?: string): void {
    this.remember(this.session(sessionKey), [{ message, ...(turnId !== undefined ? { turnIds: [turnId] } : {}) }]);
  }

  private session(sessionKey: string): SessionConversation {
    let session = this.sessions.get(sessionKey);
    if (!session) {
      session = { history: [], historyChars: 0 };
      this.sessions.set(sessionKey, session);
    }
    return session;
  }

  /** Scores units of one session in order; plugs into `TurnQueue`'s `score`. */
  async score(sessionKey: string, units: readonly ScoringUnit[]): Promise<(S | undefined)[]> {
    const model = await this.options.model();
    this.contextLimit = model.contextLimit;
    const session = this.session(sessionKey);
    // Each unit is one reader step; only its last message, the turn, is scored.
    const added: HistoryEntry[] = units.flatMap((u) => {
      const messages = stepMessages(
        { context: u.context, message: { role: 'assistant', content: u.text } },
        model.contextLimit,
      );
      return messages.map((message, i) => (i === messages.length - 1 ? { message, turnIds: u.turnIds } : { message }));
    });
    const messages = added.map((e) => e.message);
    for (let attempt = 0; ; attempt++) {
      const open = session.open;
      const current = open !== undefined && open.pid === this.options.sidecar.pid && open.scoresKey === model.scoresKey;
      const conversation = current
        ? { id: open.conversationId, opened: true }
        : await this.reopen(sessionKey, session, model);
      const params = { conversationId: conversation.id, messages, returns: this.options.returns };
      try {
        const result = conversation.opened
          ? await this.options.sidecar.request(Methods.appendMessages, params)
          : await this.options.sidecar.request(Methods.openConversation, params);
        session.open = { conversationId: conversation.id, pid: this.options.sidecar.pid, scoresKey: model.scoresKey };
        session.scoredUnder = model.scoresKey;
        this.remember(session, added);
        return added.flatMap((entry, i) => (entry.turnIds ? [this.options.read(result, i) ?? undefined] : []));
      } catch (err) {
        session.open = undefined;
        // The sidecar lost the conversation without restarting: reopen once from the history.
        if (err instanceof SidecarError && err.kind === 'conversation-not-found' && attempt === 0) continue;
        throw err;
      }
    }
  }

  /**
   * Starts a new conversation holding the session's history (none: the caller's request opens
   * it); turns of the history scored again under new vectors are reported.
   */
  private async reopen(
    sessionKey: string,
    session: SessionConversation,
    model: ScoringModel,
  ): Promise<{ id: string; opened: boolean }> {
    const id = `${sessionKey}#${++conversationCounter}`;
    const rescore =
      session.scoredUnder !== undefined &&
      session.scoredUnder !== model.scoresKey &&
      this.options.rescored !== undefined;
    // Without a rescore only what the model's context can hold matters for the next scores
    // (twice the estimate, as token counts vary; the sidecar drops what does not fit).
    const replay = rescore ? session.history : tail(session.history, model.contextLimit * CHARS_PER_TOKEN * 2);
    let opened = false;
    for (const batch of batches(replay, requestCharsFor(model.contextLimit))) {
      const params = {
        conversationId: id,
        messages: batch.map((e) => e.message),
        returns: rescore ? this.options.returns : ('none' as const),
      };
      const result = opened
        ? await this.options.sidecar.request(Methods.appendMessages, params)
        : await this.options.sidecar.request(Methods.openConversation, params);
      opened = true;
      if (!rescore) continue;
      batch.forEach((entry, i) => {
        const score = entry.turnIds ? this.options.read(result, i) : null;
        if (score !== null) for (const turnId of entry.turnIds!) this.options.rescored!(sessionKey, turnId, score);
      });
    }
    return { id, opened };
  }

  private remember(session: SessionConversation, added: readonly HistoryEntry[]): void {
    for (const entry of added) {
      session.history.push(entry);
      session.historyChars += entry.message.content.length;
    }
    while (session.historyChars > this.historyLimit && session.history.length > 1) {
      session.historyChars -= session.history.shift()!.message.content.length;
    }
  }
}

/** The newest entries whose text fits `chars`. */
function tail(history: readonly HistoryEntry[], chars: number): HistoryEntry[] {
  let start = history.length;
  let total = 0;
  while (start > 0 && total + history[start - 1]!.message.content.length <= chars)
    total += history[--start]!.message.content.length;
  return history.slice(start);
}

/** Consecutive runs of entries within `limit` characters (a longer entry goes alone). */
function batches(entries: readonly HistoryEntry[], limit: number): HistoryEntry[][] {
  const out: HistoryEntry[][] = [];
  let chars = 0;
  for (const entry of entries) {
    const cost = entry.message.content.length + MESSAGE_OVERHEAD_CHARS;
    const last = out[out.length - 1];
    if (last && chars + cost <= limit) {
      last.push(entry);
      chars += cost;
    } else {
      out.push([entry]);
      chars = cost;
    }
  }
  return out;
}
