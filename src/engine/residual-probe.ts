// Reads the residual stream of a decoder at chosen layers, token by token with a KV cache.
import type { InferenceSession } from 'onnxruntime-node';
import { deriveGraph, type DerivedGraph } from './graph/graph-cache';
import type { ModelShape } from './graph/model-shape';
import { KvCache } from './kv-cache';
import { meanRowNorm } from './residual-norm';
import { checkInputs, decoderFeeds } from './session-feeds';
import { openSession, float32Output, type EngineLoadOptions } from './session';

export interface ProbeResult {
  /** Per layer: the new tokens' residuals, [n × hidden] row-major float32. */
  activations: Map<number, Float32Array>;
  /** The cache extended by the new tokens (the caller disposes caches it no longer needs). */
  past: KvCache;
}

export class ResidualProbe {
  readonly shape: ModelShape;
  readonly layers: number[];

  private constructor(
    private readonly session: InferenceSession,
    private readonly graph: DerivedGraph,
  ) {
    this.shape = graph.shape;
    this.layers = [...graph.layers];
  }

  static async load(onnxPath: string, opts: EngineLoadOptions): Promise<ResidualProbe> {
    const graph = await deriveGraph(onnxPath, 'probe', opts.layers, opts.cacheDir);
    const session = await openSession(graph.path, opts);
    checkInputs(session.inputNames, () => false, onnxPath);
    return new ResidualProbe(session, graph);
  }

  /** The rewritten graph this probe runs (for diagnostics). */
  get graphPath(): string {
    return this.graph.path;
  }

  /** Runs only `inputIds` on top of `past` (the cache of earlier tokens). */
  async forward(inputIds: number[], past?: KvCache): Promise<ProbeResult> {
    const feeds = decoderFeeds(this, this.session.inputNames, this.shape, inputIds, past);
    const outputs = await this.session.run(feeds);
    const activations = new Map<number, Float32Array>();
    for (const layer of this.layers) activations.set(layer, float32Output(outputs, this.graph.residualOutputs[layer]!));
    return { activations, past: KvCache.fromOutputs(this, (past?.length ?? 0) + inputIds.length, outputs) };
  }

  /** Mean residual norm per probed layer over `inputIds` (first token excluded), the scale that
   *  steering strengths are fractions of. */
  async meanResidualNorms(inputIds: number[]): Promise<Map<number, number>> {
    const { activations, past } = await this.forward(inputIds);
    past.dispose();
    const norms = new Map<number, number>();
    for (const [layer, rows] of activations) norms.set(layer, meanRowNorm(rows, this.shape.hiddenSize, 1));
    return norms;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
