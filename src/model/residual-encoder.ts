// What reading needs of the engine: a forward pass that returns residuals at some layers and
// the KV cache to continue from. Conversations, paced encoders and pass-wise reads all take one.

/** The KV cache of earlier tokens, as the engine hands it out. */
export interface KvCacheHandle {
  readonly length: number;
  readonly bytes: number;
  dispose(): void;
}

/** The part of the engine's ResidualProbe a conversation needs. */
export interface ResidualEncoder<C extends KvCacheHandle = KvCacheHandle> {
  readonly layers: number[];
  forward(inputIds: number[], past?: C): Promise<{ activations: Map<number, Float32Array>; past: C }>;
}
