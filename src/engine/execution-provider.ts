// Whether an execution provider can run here, said before onnxruntime tries: onnxruntime-node
// 1.30 builds DirectML into its Windows binaries and CoreML into its macOS one; on Linux x64 it
// knows CUDA but ships the provider libraries only when installed with the CUDA 12 option.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { listSupportedBackends } from 'onnxruntime-node';
import type { ExecutionProvider } from '../contracts/execution-provider';

const LABELS: Record<ExecutionProvider, string> = { cpu: 'CPU', cuda: 'CUDA', dml: 'DirectML', coreml: 'CoreML' };
/** Libraries the CUDA provider loads from onnxruntime-node's binary folder. */
const CUDA_LIBRARIES = ['libonnxruntime_providers_shared.so', 'libonnxruntime_providers_cuda.so'];

export class ExecutionProviderUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExecutionProviderUnavailableError';
  }
}

export interface ProviderPlatform {
  /** `process.platform`-`process.arch`, for the message. */
  target: string;
  /** onnxruntime-node's own list: `bundled: false` means its libraries are installed separately. */
  backends: readonly { name: string; bundled: boolean }[];
  /** Whether onnxruntime-node's binary folder holds `file`. */
  hasLibrary(file: string): boolean;
}

function thisPlatform(): ProviderPlatform {
  const binding = join(
    dirname(createRequire(__filename).resolve('onnxruntime-node')),
    '..',
    'bin',
    'napi-v6',
    process.platform,
    process.arch,
  );
  return {
    target: `${process.platform}-${process.arch}`,
    backends: listSupportedBackends(),
    hasLibrary: (file) => existsSync(join(binding, file)),
  };
}

/** Why `provider` cannot run on `platform`, or undefined when it can be tried. */
export function providerProblem(
  provider: ExecutionProvider,
  platform: ProviderPlatform = thisPlatform(),
): string | undefined {
  if (provider === 'cpu') return undefined;
  const label = LABELS[provider];
  const backend = platform.backends.find((b) => b.name === provider);
  if (!backend)
    return `The ${label} execution provider is not part of onnxruntime-node on ${platform.target} (it ships DirectML on Windows, CoreML on macOS and CUDA on Linux x64). Use the CPU provider (--ep cpu).`;
  const missing = provider === 'cuda' && !backend.bundled ? CUDA_LIBRARIES.filter((f) => !platform.hasLibrary(f)) : [];
  if (missing.length)
    return `The ${label} execution provider's libraries are not installed (${missing.join(', ')} missing from onnxruntime-node). Install onnxruntime-node with --onnxruntime-node-install=cuda12 (CUDA 12 and cuDNN 9 must be on the system), or use the CPU provider (--ep cpu).`;
  return undefined;
}

/** Throws a readable error when `provider` cannot run here. */
export function checkProvider(provider: ExecutionProvider): void {
  const problem = providerProblem(provider);
  if (problem) throw new ExecutionProviderUnavailableError(problem);
}

/** onnxruntime's own failure to start a provider that passed the checks (a driver or runtime library missing). */
export function providerStartFailure(provider: ExecutionProvider, err: unknown): ExecutionProviderUnavailableError {
  return new ExecutionProviderUnavailableError(
    `The ${LABELS[provider]} execution provider did not start: ${err instanceof Error ? err.message : String(err)}. Use the CPU provider (--ep cpu).`,
  );
}
