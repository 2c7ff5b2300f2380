// A loaded model: its probe session, tokenizer and (on first use) its steering session. All
// model work runs one call at a time, in arrival order.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelInfo } from '../protocol/methods';
import { readModelConfig } from '../model-store/model-config';
import { readerContextLimit } from './read-passes';
import type { ResolvedModel } from '../model-store/model-store';
import { ModelTokenizer } from './chat-tokenizer';
import type { EmotionVectorSet } from '../emotion/vectors';
import type { LoadedVectors } from './session-vectors';
import { ResidualProbe, SteeredModel, type KvCache } from '../engine';
import { PacedEncoder } from './paced-encoder';

export interface SessionOptions {
  layers?: number[];
  /** Calibrated vectors to score with; their layer is added to the probe's layers. */
  vectors?: LoadedVectors;
  threads?: number;
  /** Where rewritten graphs are cached. */
  graphCacheDir: string;
  contextLimit?: number;
}

/** Default probe layer: about two-thirds of the way up, as the method prescribes. */
export function defaultProbeLayer(numLayers: number): number {
  return Math.min(numLayers - 1, Math.ceil((2 * numLayers) / 3));
}


export class ModelSession {
  private queue: Promise<unknown> = Promise.resolve();
  private steered?: Promise<SteeredModel>;
  /** The probe, run in passes short enough to keep the sidecar answering the host. */
  readonly encoder: PacedEncoder<KvCache>;

  private constructor(
    readonly resolved: ResolvedModel,
    readonly probe: ResidualProbe,
    readonly tokenizer: ModelTokenizer,
    readonly info: ModelInfo,
    private readonly options: SessionOptions,
    readonly vectors: EmotionVectorSet | undefined,
  ) {
    this.encoder = new PacedEncoder(probe);
  }

  static async open(name: string, resolved: ResolvedModel, options: SessionOptions): Promise<ModelSession> {
    const config = readModelConfig(resolved.folder);
    const numLayers = config.numHiddenLayers;
    const requested = options.layers?.length ? options.layers : [];
    const vectorLayer = options.vectors?.set.header.choice.layer;
    const layers = [...new Set([...requested, ...(vectorLayer === undefined ? [] : [vectorLayer])])];
    if (!layers.length && numLayers) layers.push(defaultProbeLayer(numLayers));
    const tokenizer = await ModelTokenizer.load(resolved.folder);
    const probe = await ResidualProbe.load(resolved.onnxPath, {
      layers,
      threads: options.threads,
      cacheDir: options.graphCacheDir,
    });
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
    return new ModelSession(resolved, probe, tokenizer, info, options, options.vectors?.set);
  }

  /** Runs `work` after every call queued before it. */
  serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Tokens that end a generated turn: the config's EOS ids and the chat template's end marker. */
  stopTokenIds(): number[] {
    return stopTokenIds(this.resolved.folder, this.tokenizer);
  }

  steeredModel(): Promise<SteeredModel> {
    this.steered ??= SteeredModel.load(this.resolved.onnxPath, {
      layers: Array.from({ length: this.info.numLayers }, (_, i) => i),
      threads: this.options.threads,
      cacheDir: this.options.graphCacheDir,
    });
    return this.steered!;
  }

  async release(): Promise<void> {
    await this.queue;
    await this.probe.release();
    const steered = await this.steered?.catch(() => undefined);
    await steered?.release();
  }
}

export type { KvCache };

/** Tokens that end a generated turn in the model at `folder`: EOS ids and the chat template's end marker. */
export function stopTokenIds(folder: string, tokenizer: Pick<ModelTokenizer, 'tokenId'>): number[] {
  const ids = new Set<number>();
  for (const file of ['generation_config.json', 'config.json']) {
    try {
      const { eos_token_id } = JSON.parse(readFileSync(join(folder, file), 'utf8')) as { eos_token_id?: number | number[] };
      for (const id of [eos_token_id ?? []].flat()) ids.add(id);
    } catch {
      // generation_config.json is optional.
    }
  }
  const end = tokenizer.tokenId('<|im_end|>');
  if (end !== undefined) ids.add(end);
  return [...ids];
}
