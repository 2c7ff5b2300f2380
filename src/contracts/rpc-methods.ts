// The sidecar's JSON-RPC protocol, declared once and imported by both the server and the client.
import { NotificationType, RequestType, RequestType0 } from 'vscode-jsonrpc';
import type { SidecarErrorData } from './rpc-errors';
import type { ModelDtype } from './model-dtype';
import type { ExecutionProvider } from './execution-provider';
import type { RetryNotice } from './download-retry';
import type { EmotionSummary, LiveValidity } from './reading';
import type { ExperimentProgress, ExperimentRequest, ExperimentResult } from './experiments';

export type ChatRole = 'system' | 'user' | 'assistant' | 'tool';

export interface ChatMessage {
  role: ChatRole;
  content: string;
}

export interface LoadModelParams {
  /** Hub id (`owner/name[@revision]`), a local folder, or `fixture:<name>`. */
  model: string;
  dtype?: ModelDtype;
  /** Where hub downloads are cached; required for hub ids. Never inside node_modules. */
  cacheDir?: string;
  /** Use only what is already cached; fail with `offline-missing` naming the files otherwise. */
  offline?: boolean;
  /** Decoder layers to probe (0-based); default: ⌈2/3 depth⌉. */
  layers?: number[];
  threads?: number;
  /** Where onnxruntime runs the model (default: the CPU). */
  executionProvider?: ExecutionProvider;
  /** Most tokens a conversation may hold (default: the model's limit, at most 8192). */
  contextLimit?: number;
  /** Budget for all conversations' KV caches together; least recently used are evicted. */
  memoryBudgetBytes?: number;
  /** Caller's id for the `loadProgress` notifications of this load. */
  progressToken?: string;
  /** A vector file to score with instead of the cached one for this model. */
  vectorsPath?: string;
}

/** The emotion vectors a loaded model scores with. */
export interface VectorsInfo {
  path: string;
  layer: number;
  layerReason: string;
  emotions: string[];
  createdAt: string;
  /** Whether these vectors' readings may drive anything live, from the report card's verdict in the file. */
  live: LiveValidity;
}

export interface ModelInfo {
  model: string;
  folder: string;
  onnxPath: string;
  dtype: ModelDtype;
  numLayers: number;
  hiddenSize: number;
  layers: number[];
  contextLimit: number;
  /** Bytes of the ONNX graph plus its external data files. */
  weightBytes: number;
  /** null until the model has been calibrated (or when its vector file was refused). */
  vectors: VectorsInfo | null;
  /** Why a cached vector file was not used, when one was found but refused. */
  vectorsProblem?: string;
}

export interface LoadProgress {
  progressToken?: string;
  phase: 'download' | 'prepare' | 'ready';
  file?: string;
  loadedBytes?: number;
  totalBytes?: number;
  percent?: number;
  /** Set when a download request failed in a way that passes and another is about to be made. */
  retry?: RetryNotice;
}

/** `scores` needs calibrated vectors: per-token emotion z-scores of the appended assistant messages. */
export type ActivationReturn = 'activations' | 'norms' | 'scores' | 'none';

export interface OpenConversationParams {
  conversationId?: string;
  messages?: ChatMessage[];
  returns?: ActivationReturn;
}

export interface AppendMessagesParams {
  conversationId: string;
  messages: ChatMessage[];
  returns?: ActivationReturn;
}

/** Which tokens of the conversation belong to which message (indices into the whole sequence). */
export interface MessageSpan {
  messageIndex: number;
  role: ChatRole;
  start: number;
  end: number;
  /**
   * The message's own content tokens, `start <= contentStart <= contentEnd <= end`: the chat
   * template's tokens around it (role header, end-of-turn marker) lie outside. Readings cover
   * these tokens only; the template tokens still run through the model as context.
   */
  contentStart: number;
  contentEnd: number;
}

/** Float32 values, little-endian, base64-encoded: compact and exact over JSON. */
export type Float32Base64 = string;

export interface AppendResult {
  conversationId: string;
  /** Tokens in the conversation after this append. */
  totalTokens: number;
  /** Index of the first token whose activations are returned (the first new token). */
  firstNewToken: number;
  newTokenIds: number[];
  /** Spans of the appended messages only. */
  spans: MessageSpan[];
  /** Tokens whose keys/values came from the cache; `computedTokens` ran through the model. */
  reusedTokens: number;
  computedTokens: number;
  layers: number[];
  hiddenSize: number;
  /** Per layer: `[newTokens × hiddenSize]` activations, or `[newTokens]` L2 norms. */
  activations?: Record<string, Float32Base64>;
  norms?: Record<string, Float32Base64>;
  /** With `returns: 'scores'`. */
  scores?: AppendScores;
  /** Set when the cache was recomputed instead of extended, and why. */
  rebuilt?: { reason: 'context-limit' | 'evicted' | 'prefix-changed'; droppedMessages: number };
}

export interface ScoredMessageWire {
  messageIndex: number;
  role: ChatRole;
  /** Display text of each of the message's tokens. */
  tokens: string[];
  summary: Record<string, EmotionSummary>;
  /** Per emotion: `[tokens]` z-scores. */
  z: Record<string, Float32Base64>;
}

/** The scored messages of one append, as the wire carries them (a live turn's TurnScore is derived from one). */
export interface AppendScores {
  layer: number;
  emotions: string[];
  messages: ScoredMessageWire[];
}

export interface CalibrateParams {
  /** Layers to calibrate (default: all). */
  layers?: number[];
  tokenStart?: number;
  /** Caller's id for the `calibrationProgress` notifications of this run. */
  progressToken?: string;
}

export interface CalibrationProgressNotice {
  progressToken?: string;
  phase: 'stories' | 'neutral' | 'vectors' | 'reload';
  done: number;
  total: number;
}

export interface CalibrateResult {
  vectors: VectorsInfo;
  seconds: number;
  perLayer: { layer: number; top1Accuracy: number; desperateCalmAuroc: number }[];
  storiesUsed: number;
  storiesSkipped: number;
  /** The model was reopened at the chosen layer, so open conversations were closed. */
  conversationsClosed: number;
}

export interface ConversationIdParams {
  conversationId: string;
}

export interface SteeringSpec {
  layer: number;
  /** `[hiddenSize]` float32 direction. */
  vector: Float32Base64;
  scale: number;
}

export interface GenerateParams {
  messages: ChatMessage[];
  maxNewTokens: number;
  temperature?: number;
  topK?: number;
  seed?: number;
  steering?: SteeringSpec[];
  /** Caller's id for the `generatedToken` notifications of this call. */
  streamToken?: string;
}

export interface GenerateResult {
  tokenIds: number[];
  text: string;
}

export interface GeneratedToken {
  streamToken?: string;
  tokenId: number;
  text: string;
}

export interface ConversationStatus {
  conversationId: string;
  tokens: number;
  cachedTokens: number;
  cacheBytes: number;
}

export interface StatusResult {
  pid: number;
  version: string;
  state: 'idle' | 'loading' | 'ready';
  model?: ModelInfo;
  conversations: ConversationStatus[];
  cacheBytes: number;
  memoryBudgetBytes: number;
  rssBytes: number;
  peakRssBytes: number;
  /** CPU time this process has used (all threads), for overhead measurements. */
  cpuMs: number;
}

/** One of the experiments by name with any of that experiment's parameters (see the CLI's help). */
export type RunExperimentParams = ExperimentRequest & {
  /** A vector file to use instead of the cached one for the loaded model. */
  vectorsPath?: string;
  /** Caller's id for the `experimentProgress` notifications of this run. */
  progressToken?: string;
};

export interface ExperimentProgressNotice extends ExperimentProgress {
  progressToken?: string;
}

export const Methods = {
  status: new RequestType0<StatusResult, SidecarErrorData>('status'),
  loadModel: new RequestType<LoadModelParams, ModelInfo, SidecarErrorData>('loadModel'),
  openConversation: new RequestType<OpenConversationParams, AppendResult, SidecarErrorData>('openConversation'),
  appendMessages: new RequestType<AppendMessagesParams, AppendResult, SidecarErrorData>('appendMessages'),
  closeConversation: new RequestType<ConversationIdParams, { closed: boolean }, SidecarErrorData>('closeConversation'),
  generate: new RequestType<GenerateParams, GenerateResult, SidecarErrorData>('generate'),
  runExperiment: new RequestType<RunExperimentParams, ExperimentResult, SidecarErrorData>('runExperiment'),
  calibrate: new RequestType<CalibrateParams, CalibrateResult, SidecarErrorData>('calibrate'),
  shutdown: new RequestType0<void, SidecarErrorData>('shutdown'),
} as const;

export const Notifications = {
  loadProgress: new NotificationType<LoadProgress>('loadProgress'),
  generatedToken: new NotificationType<GeneratedToken>('generatedToken'),
  experimentProgress: new NotificationType<ExperimentProgressNotice>('experimentProgress'),
  calibrationProgress: new NotificationType<CalibrationProgressNotice>('calibrationProgress'),
} as const;
