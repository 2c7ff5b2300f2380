// Scores assistant turns in the model sidecar. The sidecar starts on the first turn that needs a
// score, loads the configured model from the cache only (downloading is the user's explicit
// "Download Model"), and each session becomes one sidecar conversation that is extended turn by
// turn. No vscode import: the host passes the model choice and a log.
import type { AgentEvent } from '../../core/events';
import { chatMessageFor } from '../../emotion/transcript-chat';
import { SidecarError } from '../../protocol/errors';
import { decodeFloat32 } from '../../protocol/float32';
import { Methods, type ChatMessage, type ModelInfo, type ScoredMessageWire } from '../../protocol/methods';
import { SidecarClient } from '../../sidecar-client/sidecar-client';
import type { ScoringStatus, TokenHeat } from '../../../webview/protocol';
import type { Disposable, ScoreSource } from '../integration/parts';
import type { TurnScore } from '../state/vitalsStore';

export interface ModelChoice {
  model: string;
  dtype: 'fp32' | 'fp16' | 'q8' | 'q4';
  cacheDir: string;
}

interface SessionConversation {
  opened: boolean;
  /** Messages not yet batched: user and tool messages wait for the next assistant turn. */
  pending: ChatMessage[];
  chain: Promise<unknown>;
}

export class SidecarScoreSource implements ScoreSource {
  private client: SidecarClient | undefined;
  private loading: Promise<ModelInfo | null> | undefined;
  private current: ScoringStatus;
  private readonly listeners = new Set<(s: ScoringStatus) => void>();
  private readonly conversations = new Map<string, SessionConversation>();

  constructor(
    private readonly sidecarPath: string,
    private readonly choice: () => ModelChoice,
    private readonly log: (line: string) => void,
  ) {
    this.current = { kind: 'starting', modelId: choice().model };
  }

  status(): ScoringStatus {
    return this.current;
  }

  onStatus(listener: (status: ScoringStatus) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  private setStatus(status: ScoringStatus): void {
    this.current = status;
    for (const l of this.listeners) l(status);
  }

  async score(sessionKey: string, event: AgentEvent): Promise<{ turnId: string; score: TurnScore } | null> {
    const message = chatMessageFor(event);
    if (!message) return null;
    let conv = this.conversations.get(sessionKey);
    if (!conv) {
      conv = { opened: false, pending: [], chain: Promise.resolve() };
      this.conversations.set(sessionKey, conv);
    }
    conv.pending.push(message);
    if (event.type !== 'turn' || event.role !== 'assistant') return null;
    const turnId = event.turnId;
    const session = conv;
    // This turn's batch is fixed now: later turns queue their own while this one is scored.
    const messages = session.pending.splice(0);
    const run = session.chain.then(async () => {
      const info = await this.ensureModel();
      if (!info?.vectors || !this.client) return null;
      const client = this.client;
      const send = async (messages: ChatMessage[]) => {
        const result = session.opened
          ? await client.request(Methods.appendMessages, { conversationId: sessionKey, messages, returns: 'scores' })
          : await client.request(Methods.openConversation, { conversationId: sessionKey, messages, returns: 'scores' });
        session.opened = true;
        return result;
      };
      let result;
      try {
        result = await send(messages);
      } catch (err) {
        // Long tool output can outgrow a small model's context: score the turn on its own.
        if (!(err instanceof SidecarError && err.kind === 'context-overflow') || messages.length === 1) throw err;
        this.log(`${sessionKey}: ${err.message} Scoring the assistant turn without the messages before it.`);
        result = await send([message]);
      }
      const scored = result.scores?.messages.filter((m) => m.role === 'assistant').pop();
      return scored ? { turnId, score: toTurnScore(scored) } : null;
    });
    session.chain = run.catch(() => undefined);
    return run;
  }

  /** Starts the sidecar and loads the model once; the status says what is missing. */
  private ensureModel(): Promise<ModelInfo | null> {
    this.loading ??= this.load(true);
    return this.loading;
  }

  private async load(offline: boolean, onProgress?: (received: number, total: number | null) => void): Promise<ModelInfo | null> {
    const { model, dtype, cacheDir } = this.choice();
    this.setStatus({ kind: 'starting', modelId: model });
    const client = (this.client ??= this.startClient());
    const token = `load-${Date.now()}`;
    const progress = (p: { progressToken?: string; loadedBytes?: number; totalBytes?: number }) => {
      if (p.progressToken !== token || p.loadedBytes === undefined) return;
      onProgress?.(p.loadedBytes, p.totalBytes ?? null);
      this.setStatus({ kind: 'downloading', modelId: model, received: p.loadedBytes, total: p.totalBytes ?? null });
    };
    client.on('loadProgress', progress);
    try {
      const info = await client.request(Methods.loadModel, { model, dtype, cacheDir, offline, progressToken: token });
      this.conversations.forEach((c) => (c.opened = false));
      if (info.vectors) this.setStatus({ kind: 'ready', modelId: model, layer: info.vectors.layer, demo: model.startsWith('fixture:') });
      else this.setStatus({ kind: 'uncalibrated', modelId: model, problem: info.vectorsProblem ?? null });
      return info;
    } catch (err) {
      if (err instanceof SidecarError && err.kind === 'offline-missing') {
        this.setStatus({ kind: 'no-model', modelId: model, sizeLabel: null });
      } else {
        this.setStatus({ kind: 'failed', reason: err instanceof Error ? err.message : String(err) });
      }
      this.log(`model load (${offline ? 'cache only' : 'download allowed'}): ${err instanceof Error ? err.message : String(err)}`);
      return null;
    } finally {
      client.off('loadProgress', progress);
    }
  }

  /** "Download Model": loads with the network allowed, reporting bytes. */
  download(onProgress: (received: number, total: number | null) => void): Promise<ModelInfo | null> {
    this.loading = this.load(false, onProgress);
    return this.loading;
  }

  /** "Calibrate Emotion Vectors": reads the shipped corpus through the model; cancellable. */
  async calibrate(onProgress: (done: number, total: number) => void, signal: AbortSignal): Promise<void> {
    const info = await this.ensureModel();
    if (!info || !this.client) throw new Error('The model is not loaded; download or select it first.');
    const token = `calibrate-${Date.now()}`;
    const progress = (p: { progressToken?: string; done: number; total: number }) => {
      if (p.progressToken !== token) return;
      onProgress(p.done, p.total);
      this.setStatus({ kind: 'calibrating', modelId: info.model, done: p.done, total: p.total });
    };
    this.client.on('calibrationProgress', progress);
    try {
      const result = await this.client.request(Methods.calibrate, { progressToken: token }, signal);
      this.conversations.forEach((c) => (c.opened = false));
      this.setStatus({ kind: 'ready', modelId: info.model, layer: result.vectors.layer, demo: info.model.startsWith('fixture:') });
    } catch (err) {
      this.setStatus({ kind: 'uncalibrated', modelId: info.model, problem: signal.aborted ? 'Calibration was cancelled.' : String(err instanceof Error ? err.message : err) });
      throw err;
    } finally {
      this.client.off('calibrationProgress', progress);
    }
  }

  async restart(): Promise<void> {
    await this.client?.stop();
    this.client = undefined;
    this.loading = undefined;
    this.conversations.clear();
    await this.ensureModel();
  }

  private startClient(): SidecarClient {
    const client = new SidecarClient({ sidecarPath: this.sidecarPath });
    client.on('log', (line) => this.log(`[sidecar] ${line.trimEnd()}`));
    client.on('gaveUp', (err) => this.setStatus({ kind: 'failed', reason: err.message }));
    return client;
  }

  dispose(): void {
    void this.client?.stop();
  }
}

function toTurnScore(m: ScoredMessageWire): TurnScore {
  const z = Object.fromEntries(Object.entries(m.z).map(([e, data]) => [e, decodeFloat32(data)]));
  const tokens: TokenHeat[] = m.tokens.map((text, t) => ({ text, z: Object.fromEntries(Object.entries(z).map(([e, values]) => [e, values[t] ?? 0])) }));
  const emotions = Object.fromEntries(Object.entries(m.summary).map(([e, s]) => [e, { mean: s.mean, max: s.max }]));
  return { emotions, tokens };
}
