// The sidecar's request handlers, bound to a JSON-RPC connection over any pair of streams
// (stdio for the forked process and for `agent-vitals serve`).
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import {
  createMessageConnection,
  StreamMessageWriter,
  type CancellationToken,
  type MessageConnection,
  type ResponseMessage,
} from 'vscode-jsonrpc/node';
import { PRODUCT_VERSION } from '../core/version';
import { SidecarError } from '../contracts/rpc-errors';
import { decodeFloat32, encodeFloat32 } from '../contracts/float32';
import {
  Methods,
  Notifications,
  type ActivationReturn,
  type AppendMessagesParams,
  type AppendResult,
  type CalibrateParams,
  type CalibrateResult,
  type CalibrationProgressNotice,
  type ChatMessage,
  type ConversationIdParams,
  type GenerateParams,
  type LoadModelParams,
  type ModelInfo,
  type OpenConversationParams,
  type RunExperimentParams,
  type StatusResult,
} from '../contracts/rpc-methods';
import { MissingVectorsError } from '../emotion/vector-store';
import { VectorFileError } from '../emotion/vectors';
import { ExperimentCancelledError, ExperimentParamError } from '../experiments/context';
import { runExperiment, type ExperimentResult } from '../experiments/registry';
import { experimentModel } from '../experiments/experiment-model';
import { defaultCacheDir } from '../storage/cache-dir';
import { resolveModel, type ResolvedModel } from '../model-store/model-store';
import { readModelConfig } from '../model-store/model-config';
import { projectRoot } from '../model-store/model-spec';
import { loadCorpus } from '../corpus/format';
import { lintCorpus } from '../corpus/lint';
import { calibrate, CalibrationError, type ActivationSource } from '../emotion/calibrate';
import { vectorFilePath } from '../emotion/vector-store';
import { writeVectorFile, type EmotionVectorSet } from '../emotion/vectors';
import { encodeScores, findVectors, vectorsInfo, type LoadedVectors } from '../model/loaded-vectors';
import { isModelDtype } from '../model-store/variants';
import { EXECUTION_PROVIDERS, isExecutionProvider } from '../contracts/execution-provider';
import { Conversation, type AppendOutcome } from '../model/conversation';
import { ConversationStore } from './conversation-store';
import { toSidecarError } from './error-mapping';
import { FrameReader } from './frame-reader';
import { identifyModel, LoadedModel } from '../model/loaded-model';
import { checkParams } from './params';
import { peakRssBytes } from './peak-rss';
import { tokenNorms } from '../model/token-norms';

export interface ServerOptions {
  /** Called once `shutdown` has been answered. */
  onShutdown?: () => void;
  /** Budget for all conversations' KV caches together (bytes). */
  memoryBudgetBytes?: number;
}

const DEFAULT_BUDGET = 1024 ** 3;

function encodeOutcome(outcome: AppendOutcome, hiddenSize: number, returns: ActivationReturn): AppendResult {
  const { activations, ...rest } = outcome;
  const result: AppendResult = { ...rest, hiddenSize };
  if (returns === 'activations') {
    result.activations = Object.fromEntries([...activations].map(([l, v]) => [String(l), encodeFloat32(v)]));
  } else if (returns === 'norms') {
    result.norms = Object.fromEntries(
      [...activations].map(([l, v]) => [String(l), encodeFloat32(tokenNorms(v, hiddenSize))]),
    );
  }
  return result;
}

const ROLES = new Set(['system', 'user', 'assistant', 'tool']);

/** Validates chat messages from the wire (exported for the protocol fuzz tests). */
export function checkMessages(messages: unknown): ChatMessage[] {
  if (!Array.isArray(messages))
    throw new SidecarError('invalid-params', '`messages` must be a list of { role, content }.');
  messages.forEach((m: Partial<ChatMessage> | null, i) => {
    if (!m || !ROLES.has(m.role as string) || typeof m.content !== 'string') {
      throw new SidecarError(
        'invalid-params',
        `Message ${i} needs a role (system, user, assistant, tool) and text content.`,
      );
    }
  });
  return messages as ChatMessage[];
}

function abortOn(token: CancellationToken): AbortController {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  token.onCancellationRequested(() => controller.abort());
  return controller;
}

export class SidecarServer {
  private session?: LoadedModel;
  /** The loaded model's cache root (vectors and graphs live under it). */
  private cacheDir = defaultCacheDir();
  private store?: ConversationStore;
  private loadParams?: LoadModelParams;
  private loading?: Promise<ModelInfo>;
  private readonly budget: number;

  constructor(
    private readonly connection: MessageConnection,
    private readonly options: ServerOptions = {},
  ) {
    this.budget = options.memoryBudgetBytes ?? DEFAULT_BUDGET;
    this.register();
  }

  private register(): void {
    const c = this.connection;
    const guard =
      <P, R>(method: string, handler: (params: P, token: CancellationToken) => Promise<R>) =>
      async (params: P | undefined, token: CancellationToken): Promise<R> => {
        try {
          checkParams(method, params ?? {});
          return await handler(params ?? ({} as P), token);
        } catch (err) {
          throw toSidecarError(err).toResponseError();
        }
      };
    c.onRequest(Methods.status, () => this.status());
    c.onRequest(
      Methods.loadModel,
      guard(Methods.loadModel.method, (p: LoadModelParams, token) => this.loadModel(p, token)),
    );
    c.onRequest(
      Methods.openConversation,
      guard(Methods.openConversation.method, async (p: OpenConversationParams, token) => {
        const { store } = this.ready();
        const messages = checkMessages(p.messages ?? []);
        const conversation = store.openConversation(p.conversationId);
        try {
          return await this.append(conversation.id, messages, p.returns, token);
        } catch (err) {
          store.close(conversation.id); // a conversation that could not start is not left behind
          throw err;
        }
      }),
    );
    c.onRequest(
      Methods.appendMessages,
      guard(Methods.appendMessages.method, (p: AppendMessagesParams, token) =>
        this.append(p.conversationId, checkMessages(p.messages), p.returns, token),
      ),
    );
    c.onRequest(
      Methods.closeConversation,
      guard(Methods.closeConversation.method, async (p: ConversationIdParams) => ({
        closed: this.ready().store.close(p.conversationId),
      })),
    );
    c.onRequest(
      Methods.generate,
      guard(Methods.generate.method, (p: GenerateParams, token) => this.generate(p, token)),
    );
    c.onRequest(
      Methods.runExperiment,
      guard(Methods.runExperiment.method, (p: RunExperimentParams, token) => this.runExperiment(p, token)),
    );
    c.onRequest(
      Methods.calibrate,
      guard(Methods.calibrate.method, (p: CalibrateParams, token) => this.calibrate(p, token)),
    );
    c.onRequest(Methods.shutdown, async () => {
      await this.dispose().catch(() => undefined);
      setImmediate(() => this.options.onShutdown?.());
    });
  }

  private ready(): { session: LoadedModel; store: ConversationStore } {
    if (!this.session || !this.store)
      throw new SidecarError('no-model-loaded', 'No model is loaded yet: call loadModel first.');
    return { session: this.session, store: this.store };
  }

  private status(): StatusResult {
    return {
      pid: process.pid,
      version: PRODUCT_VERSION,
      state: this.loading ? 'loading' : this.session ? 'ready' : 'idle',
      model: this.session?.info,
      conversations: this.store?.status() ?? [],
      cacheBytes: this.store?.cacheBytes ?? 0,
      memoryBudgetBytes: this.budget,
      rssBytes: process.memoryUsage.rss(),
      peakRssBytes: peakRssBytes(),
      cpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000,
    };
  }

  private async loadModel(p: LoadModelParams, token: CancellationToken): Promise<ModelInfo> {
    if (p.dtype !== undefined && !isModelDtype(p.dtype)) {
      throw new SidecarError('invalid-params', `Unknown dtype '${String(p.dtype)}' (fp32, fp16, q8, q4).`);
    }
    if (p.executionProvider !== undefined && !isExecutionProvider(p.executionProvider)) {
      throw new SidecarError(
        'invalid-params',
        `Unknown execution provider '${String(p.executionProvider)}' (${EXECUTION_PROVIDERS.join(', ')}).`,
      );
    }
    await this.loading?.catch(() => undefined);
    const controller = abortOn(token);
    const dtype = p.dtype ?? 'fp32';
    const cacheDir = p.cacheDir ?? defaultCacheDir();
    const load = (async () => {
      const resolved = await resolveModel(p.model, {
        dtype,
        cacheDir,
        offline: p.offline,
        signal: controller.signal,
        onProgress: (f) =>
          this.connection.sendNotification(Notifications.loadProgress, {
            progressToken: p.progressToken,
            phase: 'download',
            ...f,
          }),
      });
      if (controller.signal.aborted) throw new SidecarError('cancelled', `Loading ${p.model} was cancelled.`);
      this.connection.sendNotification(Notifications.loadProgress, {
        progressToken: p.progressToken,
        phase: 'prepare',
      });
      const identity = await identifyModel(p.model, resolved, cacheDir);
      const { loaded, problem } = findVectors(
        identity,
        cacheDir,
        readModelConfig(resolved.folder).hiddenSize,
        p.vectorsPath,
        resolved.folder,
      );
      await this.open(p, resolved, cacheDir, loaded, problem);
      this.connection.sendNotification(Notifications.loadProgress, { progressToken: p.progressToken, phase: 'ready' });
      return this.session!.info;
    })();
    this.loading = load;
    try {
      return await load;
    } finally {
      if (this.loading === load) this.loading = undefined;
    }
  }

  /** Opens `resolved` as the loaded model, replacing the previous one and its conversations. */
  private async open(
    p: LoadModelParams,
    resolved: ResolvedModel,
    cacheDir: string,
    vectors: LoadedVectors | undefined,
    vectorsProblem?: string,
  ): Promise<void> {
    const session = await LoadedModel.open(p.model, resolved, {
      layers: p.layers,
      vectors,
      threads: p.threads,
      executionProvider: p.executionProvider,
      cacheDir,
      contextLimit: p.contextLimit,
      paced: true,
    });
    if (vectorsProblem) session.info.vectorsProblem = vectorsProblem;
    await this.dispose();
    this.session = session;
    this.cacheDir = cacheDir;
    this.loadParams = p;
    this.store = new ConversationStore(
      p.memoryBudgetBytes ?? this.budget,
      (id) => new Conversation(id, session.encoder, session.tokenizer, { contextLimit: session.info.contextLimit }),
    );
  }

  private async append(
    id: string,
    messages: ChatMessage[],
    returns: ActivationReturn = 'activations',
    token: CancellationToken,
  ): Promise<AppendResult> {
    const { session, store } = this.ready();
    if (returns === 'scores' && !session.vectors)
      throw new SidecarError(
        'vectors-missing',
        `${session.info.model} has no emotion vectors yet: calibrate it first.${session.info.vectorsProblem ? ` (${session.info.vectorsProblem})` : ''}`,
      );
    const conversation = store.use(id);
    return session.serial(async () => {
      if (token.isCancellationRequested) throw new SidecarError('cancelled', 'The request was cancelled.');
      const outcome = await conversation.append(messages);
      store.enforceBudget(id);
      if (returns !== 'scores') return encodeOutcome(outcome, session.info.hiddenSize, returns);
      const result = encodeOutcome(outcome, session.info.hiddenSize, 'none');
      result.scores = encodeScores(outcome, session.vectors!, session.tokenizer.pieces(outcome.newTokenIds));
      return result;
    });
  }

  /**
   * Calibrates the loaded model on the shipped corpus, writes its vector file to the cache and
   * reopens the model at the chosen layer (open conversations are closed: callers re-append).
   */
  private async calibrate(p: CalibrateParams, token: CancellationToken): Promise<CalibrateResult> {
    const { session } = this.ready();
    const controller = abortOn(token);
    const started = Date.now();
    const notify = (phase: CalibrationProgressNotice['phase'], done: number, total: number) =>
      this.connection.sendNotification(Notifications.calibrationProgress, {
        progressToken: p.progressToken,
        phase,
        done,
        total,
      });
    const corpus = loadCorpus(join(projectRoot(), 'vectors'));
    const problems = lintCorpus(corpus).errors;
    if (problems.length) throw new SidecarError('internal', `The shipped corpus fails its lint: ${problems[0]}`);
    const layers = p.layers ?? Array.from({ length: session.info.numLayers }, (_, i) => i);
    // A second probe with every layer, used only while calibrating; model work stays serialised.
    const calibrating = await session.serial(() =>
      LoadedModel.open(session.info.model, session.resolved, {
        layers,
        threads: this.loadParams?.threads,
        executionProvider: this.loadParams?.executionProvider,
        cacheDir: this.cacheDir,
      }),
    );
    let vectors: EmotionVectorSet;
    try {
      const reader = calibrating.activationSource();
      const serialReader: ActivationSource = {
        ...reader,
        readText: (text, l) => session.serial(() => reader.readText(text, l)),
        readConversation: (messages, l, options) => session.serial(() => reader.readConversation(messages, l, options)),
      };
      ({ vectors } = await calibrate(corpus, serialReader, {
        layers,
        tokenStart: p.tokenStart,
        signal: controller.signal,
        onProgress: (progress) => notify(progress.phase, progress.done, progress.total),
      }).catch((err: unknown) => {
        if (err instanceof CalibrationError && controller.signal.aborted)
          throw new SidecarError('cancelled', 'Calibration was cancelled.');
        throw err;
      }));
    } finally {
      await calibrating.release();
    }
    const path = vectorFilePath(this.cacheDir, calibrating.identity);
    writeVectorFile(path, vectors);
    notify('reload', 0, 1);
    const closed = this.store?.status().length ?? 0;
    const loaded = { set: vectors, info: vectorsInfo(vectors, path) };
    await this.open(this.loadParams!, session.resolved, this.cacheDir, loaded);
    notify('reload', 1, 1);
    const h = vectors.header;
    return {
      vectors: loaded.info,
      seconds: (Date.now() - started) / 1000,
      perLayer: h.choice.perLayer,
      storiesUsed: h.storiesUsed,
      storiesSkipped: h.storiesSkipped,
      conversationsClosed: closed,
    };
  }

  private async generate(p: GenerateParams, token: CancellationToken) {
    const { session } = this.ready();
    const controller = abortOn(token);
    return session.serial(async () => {
      const model = await session.steeredModel();
      const prompt = session.tokenizer.encode(session.tokenizer.render(checkMessages(p.messages), true));
      const stopIds = session.stopTokenIds();
      const tokenIds = await model.generate(prompt, {
        maxNewTokens: p.maxNewTokens,
        temperature: p.temperature ?? 0,
        topK: p.topK,
        seed: p.seed ?? 0,
        stopIds,
        steering: p.steering?.map((s) => ({ layer: s.layer, vector: decodeFloat32(s.vector), scale: s.scale })),
        signal: controller.signal,
        onToken: (tokenId: number) =>
          this.connection.sendNotification(Notifications.generatedToken, {
            streamToken: p.streamToken,
            tokenId,
            text: session.tokenizer.decode([tokenId]),
          }),
      });
      if (controller.signal.aborted) throw new SidecarError('cancelled', 'Generation was cancelled.');
      return { tokenIds, text: session.tokenizer.decode(tokenIds) };
    });
  }

  private async runExperiment(p: RunExperimentParams, token: CancellationToken): Promise<ExperimentResult> {
    const { session } = this.ready();
    const controller = abortOn(token);
    try {
      const model = experimentModel(session, this.cacheDir, p.vectorsPath);
      return await runExperiment(p.name, p.params, model, {
        signal: controller.signal,
        onProgress: (progress) =>
          this.connection.sendNotification(Notifications.experimentProgress, {
            progressToken: p.progressToken,
            ...progress,
          }),
      });
    } catch (err) {
      if (err instanceof ExperimentCancelledError) throw new SidecarError('cancelled', 'The experiment was cancelled.');
      if (err instanceof ExperimentParamError) throw new SidecarError('invalid-params', err.message);
      if (err instanceof MissingVectorsError || err instanceof VectorFileError)
        throw new SidecarError('vectors-missing', err.message);
      throw err;
    }
  }

  async dispose(): Promise<void> {
    this.store?.closeAll();
    this.store = undefined;
    const session = this.session;
    this.session = undefined;
    await session?.release();
  }
}

/** Starts serving on the given streams; returns the live connection. */
export function serveSidecar(
  input: Readable,
  output: Writable,
  options: ServerOptions = {},
): { connection: MessageConnection; server: SidecarServer } {
  const writer = new StreamMessageWriter(output);
  // Frames the host's messages; what cannot be read is answered here, with the request's id if known.
  const reader = new FrameReader(input, ({ id, code, message }) => {
    const response: ResponseMessage = { jsonrpc: '2.0', id, error: { code, message } };
    return writer.write(response).catch(() => undefined);
  });
  const connection = createMessageConnection(reader, writer);
  const server = new SidecarServer(connection, options);
  connection.listen();
  return { connection, server };
}
