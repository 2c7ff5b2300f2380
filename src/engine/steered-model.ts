// The full decoder with additive steering inputs: logits for generation, optionally steered.
import { Tensor, type InferenceSession } from 'onnxruntime-node';
import { ModelRequestError } from './graph/errors';
import { deriveGraph, type DerivedGraph } from './graph/graph-cache';
import type { ModelShape } from './graph/model-shape';
import { steerInputName } from './graph/steer-graph';
import { KvCache } from './kv-cache';
import { sampleToken, seededRandom } from './sampling';
import { checkInputs, decoderFeeds } from './session-feeds';
import { openSession, float32Output, type EngineLoadOptions } from './session';

/** Adds `scale · vector` to the residual after `layer`, at every token of the run. */
export interface Steering {
  layer: number;
  vector: Float32Array;
  scale: number;
}

export interface SteeredStep {
  /** Logits of the last new token. */
  logits: Float32Array;
  /** Per steerable layer: the new tokens' (steered) residuals, [n × hidden] row-major. */
  residuals: Map<number, Float32Array>;
  past: KvCache;
}

export interface GenerateOptions {
  maxNewTokens: number;
  /** 0 = greedy. */
  temperature: number;
  topK?: number;
  seed: number;
  stopIds: number[];
  steering?: Steering[];
  onToken?: (id: number) => void;
  signal?: AbortSignal;
}

export class SteeredModel {
  readonly shape: ModelShape;
  /** Layers that accept steering (the ones requested at load). */
  readonly layers: number[];

  private constructor(
    private readonly session: InferenceSession,
    private readonly graph: DerivedGraph,
  ) {
    this.shape = graph.shape;
    this.layers = [...graph.layers];
  }

  static async load(onnxPath: string, opts: EngineLoadOptions): Promise<SteeredModel> {
    const graph = await deriveGraph(onnxPath, 'steer', opts.layers, opts.cacheDir);
    const session = await openSession(graph.path, opts);
    const steerInputs = new Set(graph.layers.map(steerInputName));
    checkInputs(session.inputNames, (name) => steerInputs.has(name), onnxPath);
    return new SteeredModel(session, graph);
  }

  async forward(inputIds: number[], past: KvCache | undefined, steering: Steering[] = []): Promise<SteeredStep> {
    const feeds = decoderFeeds(this, this.session.inputNames, this.shape, inputIds, past);
    Object.assign(feeds, this.steeringFeeds(steering));
    const outputs = await this.session.run(feeds);
    const data = float32Output(outputs, 'logits');
    // [1, tokens kept, vocab]: a graph that keeps only the last token's logits returns one row.
    const vocab = outputs['logits']!.dims.at(-1)!;
    const residuals = new Map<number, Float32Array>();
    for (const layer of this.layers) residuals.set(layer, float32Output(outputs, this.graph.residualOutputs[layer]!));
    return {
      logits: data.slice(data.length - vocab),
      residuals,
      past: KvCache.fromOutputs(this, (past?.length ?? 0) + inputIds.length, outputs),
    };
  }

  /** Generates up to `maxNewTokens` ids after the prompt (stop ids are returned but end the run). */
  async generate(promptIds: number[], opts: GenerateOptions): Promise<number[]> {
    const random = seededRandom(opts.seed);
    const generated: number[] = [];
    let step = await this.forward(promptIds, undefined, opts.steering);
    try {
      while (generated.length < opts.maxNewTokens && !opts.signal?.aborted) {
        const next = sampleToken(step.logits, opts.temperature, opts.topK, random);
        generated.push(next);
        opts.onToken?.(next);
        if (opts.stopIds.includes(next) || generated.length >= opts.maxNewTokens) break;
        const previous = step.past;
        step = await this.forward([next], previous, opts.steering);
        previous.dispose();
      }
    } finally {
      step.past.dispose();
    }
    return generated;
  }

  async release(): Promise<void> {
    await this.session.release();
  }

  /** One `steer.<L>` feed per steerable layer: the sum of that layer's scaled vectors, or zero. */
  private steeringFeeds(steering: Steering[]): Record<string, Tensor> {
    const hidden = this.shape.hiddenSize;
    const sums = new Map(this.layers.map((layer) => [layer, new Float32Array(hidden)]));
    for (const { layer, vector, scale } of steering) {
      const sum = sums.get(layer);
      if (!sum)
        throw new ModelRequestError(
          `Layer ${layer} is not steerable in this session (loaded for ${this.layers.join(', ')}).`,
        );
      if (vector.length !== hidden)
        throw new ModelRequestError(
          `A steering vector has ${vector.length} values; the model's hidden size is ${hidden}.`,
        );
      for (let i = 0; i < hidden; i++) sum[i]! += scale * vector[i]!;
    }
    const feeds: Record<string, Tensor> = {};
    for (const [layer, sum] of sums) feeds[steerInputName(layer)] = new Tensor('float32', sum, [hidden]);
    return feeds;
  }
}
