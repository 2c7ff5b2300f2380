/** Where onnxruntime runs the model: the CPU, or a GPU provider onnxruntime-node ships for the platform. */
export const EXECUTION_PROVIDERS = ['cpu', 'cuda', 'dml', 'coreml'] as const;
export type ExecutionProvider = (typeof EXECUTION_PROVIDERS)[number];

export function isExecutionProvider(value: unknown): value is ExecutionProvider {
  return (EXECUTION_PROVIDERS as readonly unknown[]).includes(value);
}
