// A loaded model: its probe, tokenizer, identity and (on first use) its steering decoder. The one
// type every model user opens: the sidecar, the CLI commands, calibration, the experiments and the
// report card. All model work through it runs one call at a time, in arrival order.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DialogueMessage } from '../corpus/format';
import type { ActivationSource, LayerActivations } from '../emotion/calibrate';
import type { EmotionVectorSet, ModelIdentity } from '../emotion/vectors';
import { ResidualProbe, SteeredModel, type KvCache } from '../engine';
import { sourceDigest } from '../engine/graph/graph-cache';
import { readModelConfig } from '../model-store/model-config';
import type { ResolvedModel } from '../model-store/model-store';
import type { ChatMessage, ModelInfo } from '../contracts/rpc-methods';
import type { ExecutionProvider } from '../contracts/execution-provider';
import { encodeChat } from './chat-segments';
import { ModelTokenizer } from './chat-tokenizer';
import type { ResidualEncoder } from './residual-encoder';
import { PacedEncoder } from './paced-encoder';
import { readerContextLimit, readInPasses } from './read-passes';
import type { LoadedVectors } from './loaded-vectors';

export interface LoadOptions {
  /** Layers the probe exposes; calibration wants all of them, reading only the vectors' one. */
  layers?: number[];
  /** Calibrated vectors to score with; their layer is added to the probe's layers. */
  vectors?: LoadedVectors;
  threads?: number;
  executionProvider?: ExecutionProvider;
  /** Root of the product's cache: rewritten graphs go to `<cacheDir>/graphs`. */
  cacheDir: string;
  /** Most tokens a conversation may hold, before the model's own caps. */
  contextLimit?: number;
  /** Run the probe in passes short enough to keep a process answering (the sidecar's pings). */
  paced?: boolean;
}

/** Default probe layer: about two-thirds of the way up, as the method prescribes. */
export function defaultProbeLayer(numLayers: number): number {
  return Math.min(numLayers - 1, Math.ceil((2 * numLayers) / 3));
}

/** What a vector file records about the model it was calibrated on. */
export function modelIdentity(name: string, resolved: ResolvedModel, fileHash: string): ModelIdentity {
  const revision = resolved.spec.kind === 'hub' ? resolved.spec.revision : resolved.spec.kind;
  return { id: name, revision, fileHash, dtype: resolved.dtype };
}

/** The identity of the model at `resolved`, its graph digested once per cache. */
export async function identifyModel(name: string, resolved: ResolvedModel, cacheDir: string): Promise<ModelIdentity> {
  return modelIdentity(name, resolved, await sourceDigest(resolved.onnxPath, join(cacheDir, 'graphs')));
}

export function toChatMessages(messages: readonly DialogueMessage[]): ChatMessage[] {
  return messages.map((m) => ({ role: m.role, content: m.text }));
}

export class LoadedModel {
  private queue: Promise<unknown> = Promise.resolve();
  private steered?: Promise<SteeredModel>;
  /** The probe as conversations run it: paced when the model was opened `paced`. */
  readonly encoder: ResidualEncoder<KvCache>;

  private constructor(
    readonly resolved: ResolvedModel,
    readonly identity: ModelIdentity,
    readonly probe: ResidualProbe,
    readonly tokenizer: ModelTokenizer,
    readonly info: ModelInfo,
    private readonly options: LoadOptions,
    readonly vectors: EmotionVectorSet | undefined,
  ) {
    this.encoder = options.paced ? new PacedEncoder(probe) : probe;
  }

  static async open(name: string, resolved: ResolvedModel, options: LoadOptions): Promise<LoadedModel> {
    const config = readModelConfig(resolved.folder);
    const vectorLayer = options.vectors?.set.header.choice.layer;
    const layers = [...new Set([...(options.layers ?? []), ...(vectorLayer === undefined ? [] : [vectorLayer])])];
    if (!layers.length && config.numHiddenLayers) layers.push(defaultProbeLayer(config.numHiddenLayers));
    const [tokenizer, identity, probe] = await Promise.all([
      ModelTokenizer.load(resolved.folder),
      identifyModel(name, resolved, options.cacheDir),
      ResidualProbe.load(resolved.onnxPath, {
        layers,
        threads: options.threads,
        executionProvider: options.executionProvider,
        cacheDir: join(options.cacheDir, 'graphs'),
      }),
    ]);
    const info: ModelInfo = {
      model: name,
      folder: resolved.folder,
      onnxPath: resolved.onnxPath,
      dtype: resolved.dtype,
      numLayers: probe.shape.numLayers,
      hiddenSize: probe.shape.hiddenSize,
      layers: probe.layers,
      contextLimit: readerContextLimit(config, probe.shape, options.contextLimit),
      weightBytes: resolved.weightBytes,
      vectors: options.vectors?.info ?? null,
    };
    return new LoadedModel(resolved, identity, probe, tokenizer, info, options, options.vectors?.set);
  }

  get contextLimit(): number {
    return this.info.contextLimit;
  }

  /** Runs `work` after every call queued before it. */
  serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Tokens that end a generated turn: the config's EOS ids and the chat template's end marker. */
  stopTokenIds(): number[] {
    const ids = new Set<number>();
    for (const file of ['generation_config.json', 'config.json']) {
      try {
        const { eos_token_id } = JSON.parse(readFileSync(join(this.resolved.folder, file), 'utf8')) as {
          eos_token_id?: number | number[];
        };
        for (const id of [eos_token_id ?? []].flat()) ids.add(id);
      } catch {
        // generation_config.json is optional.
      }
    }
    const end = this.tokenizer.tokenId('<|im_end|>');
    if (end !== undefined) ids.add(end);
    return [...ids];
  }

  steeredModel(): Promise<SteeredModel> {
    this.steered ??= SteeredModel.load(this.resolved.onnxPath, {
      layers: Array.from({ length: this.info.numLayers }, (_, i) => i),
      threads: this.options.threads,
      executionProvider: this.options.executionProvider,
      cacheDir: join(this.options.cacheDir, 'graphs'),
    });
    return this.steered;
  }

  /** The probe's layers read as calibration reads (passes of READ_CHUNK_TOKENS), one call at a time. */
  activationSource(): ActivationSource {
    const read = (ids: number[], layers: readonly number[], contentTokens?: number[]): Promise<LayerActivations> =>
      this.serial(async () => ({
        numTokens: ids.length,
        layers: await readInPasses(this.probe, ids, layers),
        contentTokens,
      }));
    return {
      model: this.identity,
      hiddenSize: this.info.hiddenSize,
      numLayers: this.info.numLayers,
      readText: (text, layers) => read(this.tokenizer.encodeText(text), layers),
      readConversation: (messages, layers, options = {}) => {
        const chat = encodeChat(this.tokenizer, toChatMessages(messages), options.addGenerationPrompt);
        return read(chat.ids, layers, chat.contentTokens);
      },
    };
  }

  async release(): Promise<void> {
    await this.queue;
    await this.probe.release();
    const steered = await this.steered?.catch(() => undefined);
    await steered?.release();
  }
}

export type { KvCache };
