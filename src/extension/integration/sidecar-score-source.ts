// Live scoring: the one scoring queue (bounded, coalescing, no turn lost or scored twice)
// feeding the sidecar through a conversation per watched session. Assistant turns are scored;
// the user's prompts and tool output go with the next assistant turn as its context. While the
// model is not loaded or not calibrated the turns wait in the queue; a sidecar restart reopens
// each conversation from its history, and new vectors score the history again (the store keys
// scores by turn, so a re-score replaces, never duplicates). A session whose turns carry the
// acting model's own activations is never read by the reader model.
import { readsOwnActivations, type AgentEvent } from '../../core/events';
import { decodeFloat32 } from '../../contracts/float32';
import type { AppendResult } from '../../contracts/rpc-methods';
import type { ErrorKind } from '../../contracts/error-kinds';
import { SidecarError } from '../../contracts/rpc-errors';
import { ConversationScorer } from '../../scoring-queue/conversation-scorer';
import { TurnQueue } from '../../scoring-queue/turn-queue';
import { chatMessageFor, ReaderChat } from '../../transcript-pipeline/reader-chat';
import { SYSTEM_CLOCK, type Clock } from '../../core/clock';
import type { ScoringStatus, TokenHeat } from '../../contracts/sidebar-protocol';
import type { TurnScore } from '../../contracts/reading';
import type { ModelLifecycle } from './model-lifecycle';
import type { Disposable, ScoreListener, ScoreSource } from './parts';

/** Not an error: the model is not loaded or not calibrated yet, so turns wait. */
class ModelNotReady extends Error {}

/** Failures that pass once the sidecar is back or the model is ready; the queue retries them. */
const WAITING_KINDS: ReadonlySet<ErrorKind> = new Set([
  'sidecar-crashed',
  'sidecar-gave-up',
  'conversation-not-found',
  'no-model-loaded',
  'vectors-missing',
]);

export function turnScoreFrom(result: AppendResult, messageIndex: number): TurnScore | null {
  const scored = result.scores?.messages.find((m) => m.messageIndex === messageIndex);
  if (!scored || !result.scores) return null;
  const emotions = result.scores.emotions;
  const z = Object.fromEntries(emotions.map((e) => [e, decodeFloat32(scored.z[e])]));
  const tokens: TokenHeat[] = scored.tokens.map((text, t) => ({
    text,
    z: Object.fromEntries(emotions.map((e) => [e, z[e][t]])),
  }));
  return {
    emotions: Object.fromEntries(
      emotions.map((e) => [e, { mean: scored.summary[e].mean, max: scored.summary[e].max }]),
    ),
    tokens,
  };
}

export class SidecarScoreSource implements ScoreSource {
  private readonly listeners = new Set<ScoreListener>();
  private readonly subscriptions: Disposable[] = [];
  private readonly scorer: ConversationScorer<TurnScore>;
  private readonly queue: TurnQueue<TurnScore>;
  /** Each session's chat: messages since its last assistant turn wait to go with the next one. */
  private readonly chats = new Map<string, ReaderChat>();

  constructor(
    private readonly host: ModelLifecycle,
    private readonly log: { error(message: string): void },
    // Long waits are fine: a reload or a model becoming ready retries at once (below).
    retryDelayMs: (attempt: number) => number = (attempt) => Math.min(1_000 * 2 ** (attempt - 1), 300_000),
    clock: Clock = SYSTEM_CLOCK,
  ) {
    this.scorer = new ConversationScorer<TurnScore>({
      sidecar: host.client,
      returns: 'scores',
      read: turnScoreFrom,
      model: async () => {
        const info = await host.ensureModel().catch((err: unknown) => {
          throw new ModelNotReady(err instanceof Error ? err.message : String(err));
        });
        if (!info?.vectors) throw new ModelNotReady('no calibrated model yet');
        return {
          contextLimit: info.contextLimit,
          scoresKey: `${info.model}|${info.vectors.path}|${info.vectors.createdAt}|${info.vectors.layer}`,
        };
      },
      rescored: (key, turnId, score) => this.emit(key, turnId, score),
    });
    this.queue = new TurnQueue<TurnScore>({
      score: (key, units) => this.scorer.score(key, units),
      isRetryable: (err) =>
        err instanceof ModelNotReady || (err instanceof SidecarError && WAITING_KINDS.has(err.kind)),
      retryDelayMs,
      clock,
      maxRequestChars: () => this.scorer.requestChars(),
      deliver: (unit, score) => unit.turnIds.forEach((id) => this.emit(unit.sessionKey, id, score)),
      fail: (unit, err) =>
        this.log.error(
          `scoring ${unit.sessionKey} failed, ${unit.turnIds.length} turn(s) left unscored: ${err instanceof Error ? err.message : String(err)}`,
        ),
    });
    this.subscriptions.push(
      host.onReloaded(() => {
        // The new process (or new vectors) holds no conversation: reopen, and go now.
        this.scorer.reopenAll();
        this.queue.retryNow();
      }),
      host.onStatus((status) => {
        if (status.kind === 'ready') this.queue.retryNow();
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
    if (readsOwnActivations(event.source)) return;
    let chat = this.chats.get(sessionKey);
    if (!chat) this.chats.set(sessionKey, (chat = new ReaderChat()));
    const step = chat.push(event);
    if (step)
      this.queue.push({ sessionKey, turnId: step.turn.turnId, text: step.message.content, context: step.context });
  }

  /** An event of a resumed transcript, scored by an earlier host: context for what comes next. */
  replay(sessionKey: string, event: AgentEvent): void {
    if (readsOwnActivations(event.source)) return;
    const message = chatMessageFor(event);
    if (message)
      this.scorer.addHistory(
        sessionKey,
        message,
        event.type === 'turn' && event.role === 'assistant' ? event.turnId : undefined,
      );
  }

  /** Resolves once no turn waits or is being scored (tests, shutdown). */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  private emit(sessionKey: string, turnId: string, score: TurnScore): void {
    for (const l of this.listeners) l(sessionKey, turnId, score);
  }

  restart(): Promise<void> {
    return this.host.restart();
  }

  dispose(): void {
    this.queue.close();
    for (const s of this.subscriptions) s.dispose();
    this.listeners.clear();
  }
}
