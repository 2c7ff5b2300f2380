// Opening onnxruntime sessions on derived graphs.
import { InferenceSession, type Tensor } from 'onnxruntime-node';
import type { ExecutionProvider } from '../contracts/execution-provider';
import { checkProvider, providerStartFailure } from './execution-provider';

export interface EngineLoadOptions {
  /** Decoder layers (0-based) to read or steer. */
  layers: number[];
  /** Intra-op threads for onnxruntime (default: its own choice). */
  threads?: number;
  /** Where onnxruntime runs the graphs (default: the CPU). */
  executionProvider?: ExecutionProvider;
  /** Where rewritten graphs and their metadata are cached. */
  cacheDir: string;
}

export async function openSession(
  path: string,
  opts: Pick<EngineLoadOptions, 'threads' | 'executionProvider'>,
): Promise<InferenceSession> {
  const provider = opts.executionProvider ?? 'cpu';
  checkProvider(provider);
  try {
    return await InferenceSession.create(path, {
      executionProviders: [provider],
      graphOptimizationLevel: 'all',
      interOpNumThreads: 1,
      ...(opts.threads ? { intraOpNumThreads: opts.threads } : {}),
    });
  } catch (err) {
    if (provider === 'cpu') throw err;
    throw providerStartFailure(provider, err);
  }
}

/** Copies a float32 or float16 output into a fresh float32 array the caller may keep. */
export function float32Output(outputs: Readonly<Record<string, Tensor>>, name: string): Float32Array {
  const tensor = outputs[name];
  if (tensor?.type === 'float32') return Float32Array.from(tensor.data as Float32Array);
  if (tensor?.type === 'float16') return Float32Array.from(tensor.data as Uint16Array, halfToFloat);
  throw new Error(`model output ${name} is missing or not a float tensor`);
}

/** IEEE 754 binary16 bits to a number (Node 20 has no Float16Array). */
function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}
