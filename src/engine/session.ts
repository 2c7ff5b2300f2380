// Opening onnxruntime sessions on derived graphs.
import { InferenceSession, type Tensor } from 'onnxruntime-node';

export interface EngineLoadOptions {
  /** Decoder layers (0-based) to read or steer. */
  layers: number[];
  /** Intra-op threads for onnxruntime (default: its own choice). */
  threads?: number;
  /** Where rewritten graphs and their metadata are cached. */
  cacheDir: string;
}

export function openSession(path: string, threads: number | undefined): Promise<InferenceSession> {
  return InferenceSession.create(path, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    interOpNumThreads: 1,
    ...(threads ? { intraOpNumThreads: threads } : {}),
  });
}

/** Copies a [1, n, hidden] float32 output into a fresh array the caller may keep. */
export function rowsOf(outputs: Readonly<Record<string, Tensor>>, name: string): Float32Array {
  const tensor = outputs[name];
  if (!tensor || tensor.type !== 'float32') throw new Error(`model output ${name} is missing or not float32`);
  return Float32Array.from(tensor.data as Float32Array);
}
