// Weight variants and their file names inside a hub repo's onnx/ folder.
import type { ModelDtype } from '../contracts/model-dtype';

const SUFFIX: Record<ModelDtype, string> = { fp32: '', fp16: '_fp16', q8: '_quantized', q4: '_q4' };

export const MODEL_DTYPES = Object.keys(SUFFIX) as ModelDtype[];

export function isModelDtype(value: unknown): value is ModelDtype {
  return typeof value === 'string' && value in SUFFIX;
}

/** `onnx/model_quantized.onnx` and friends. */
export function onnxFileFor(dtype: ModelDtype): string {
  return `onnx/model${SUFFIX[dtype]}.onnx`;
}

/** External data chunk names as transformers.js expects them: `x.onnx_data`, `x.onnx_data_1`, … */
export function externalDataFiles(onnxFile: string, chunks: number): string[] {
  return Array.from({ length: chunks }, (_, i) => `${onnxFile}_data${i === 0 ? '' : `_${i}`}`);
}
