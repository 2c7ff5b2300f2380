// The numbers a model folder's config.json declares, each bounded before it sizes anything: the
// file may come from the hub, and a count like 100,000,000 data files must be refused, not built.
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ModelStoreError } from './model-store-error';

/** Widest residual stream, deepest stack, longest context and most weight files accepted. */
export const CONFIG_LIMITS = {
  hidden_size: 1 << 16,
  num_hidden_layers: 1024,
  max_position_embeddings: 1 << 24,
  external_data_files: 256,
} as const;

export interface ModelConfig {
  hiddenSize?: number;
  numHiddenLayers?: number;
  maxPositionEmbeddings?: number;
  /** The architecture family (`qwen2`, `llama`, …), as transformers names it. */
  modelType?: string;
  /** Files of the transformers.js external-data chunk list for `onnxFile`, 0 when none. */
  externalDataChunks(onnxFile: string): number;
}

function bounded(file: string, name: string, value: unknown, max: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = typeof value === 'boolean' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > max) {
    throw new ModelStoreError(
      'unsupported-architecture',
      `${file} declares ${name} ${JSON.stringify(value)}; Agent Vitals accepts a whole number from 0 to ${max}. Check the model's config.json.`,
    );
  }
  return n;
}

export function parseModelConfig(text: string, file: string): ModelConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ModelStoreError('unsupported-architecture', `${file} is not valid JSON (${(err as Error).message}).`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new ModelStoreError('unsupported-architecture', `${file} is not a JSON object.`);
  const doc = raw as Record<string, unknown>;
  const field = (name: keyof typeof CONFIG_LIMITS) => bounded(file, name, doc[name], CONFIG_LIMITS[name]);
  return {
    hiddenSize: field('hidden_size'),
    numHiddenLayers: field('num_hidden_layers'),
    maxPositionEmbeddings: field('max_position_embeddings'),
    modelType: typeof doc.model_type === 'string' ? doc.model_type : undefined,
    externalDataChunks(onnxFile) {
      const jsConfig = doc['transformers.js_config'];
      const setting =
        typeof jsConfig === 'object' && jsConfig !== null
          ? (jsConfig as Record<string, unknown>).use_external_data_format
          : undefined;
      // Either one count for every file, or a table keyed by file name (with or without .onnx).
      const own = (table: object, key: string): unknown =>
        Object.hasOwn(table, key) ? (table as Record<string, unknown>)[key] : undefined;
      const name = basename(onnxFile);
      const value =
        typeof setting === 'object' && setting !== null
          ? (own(setting, name) ?? own(setting, name.replace(/\.onnx$/, '')) ?? own(setting, 'model'))
          : setting;
      return (
        bounded(file, 'transformers.js_config.use_external_data_format', value, CONFIG_LIMITS.external_data_files) ?? 0
      );
    },
  };
}

export function readModelConfig(folder: string): ModelConfig {
  const file = join(folder, 'config.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ModelStoreError('model-not-found', `Cannot read ${file}: ${(err as Error).message}.`);
  }
  return parseModelConfig(text, file);
}
