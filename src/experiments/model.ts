// What every experiment runs on: the model's tokenizer and chat template, a residual encoder at
// the vectors' layer, the calibrated vectors, and (for the steering experiment) the steerable
// decoder. The CLI opens one in-process; the sidecar builds one from its loaded session.
import type { SteeredModel } from '../engine';
import type { ActivationReader, LayerActivations } from '../emotion/calibrate';
import type { DialogueMessage } from '../corpus/format';
import { toChatMessages } from '../emotion/model-reader';
import { layerVectors, type EmotionVectorSet, type LayerVectors, type ModelIdentity } from '../emotion/vectors';
import type { ChatMessage } from '../protocol/methods';
import { encodeChat } from '../sidecar/chat-segments';
import type { KvCacheHandle, ResidualEncoder } from '../sidecar/conversation';

/** What the steering experiment needs of the steerable decoder. */
export type SteerableDecoder = Pick<SteeredModel, 'layers' | 'forward' | 'generate'>;

/** The tokenizer surface the experiments use (the sidecar's ModelTokenizer provides it). */
export interface ExperimentTokenizer {
  render(messages: ChatMessage[], addGenerationPrompt?: boolean): string;
  encode(text: string): number[];
  encodeText(text: string): number[];
  decode(ids: number[]): string;
  pieces(ids: number[]): string[];
}

export interface ExperimentModel {
  identity: ModelIdentity;
  hiddenSize: number;
  numLayers: number;
  tokenizer: ExperimentTokenizer;
  /** Must expose `layer`. */
  encoder: ResidualEncoder;
  vectors: EmotionVectorSet;
  /** The file the vectors were read from, where known: the report card records its verdicts there. */
  vectorsPath?: string;
  /** The vectors' chosen layer: where readings are taken and steering is added. */
  layer: number;
  /** Most tokens one conversation may hold (the model's position limit). */
  contextLimit: number;
  /** Token ids that end a generated reply. */
  stopIds: number[];
  /** The steerable decoder (loaded on first use); it must accept steering at `layer`. */
  steered(): Promise<SteerableDecoder>;
}

export function readingLayer(model: ExperimentModel): LayerVectors {
  return layerVectors(model.vectors, model.layer);
}

/** Longest single forward pass; longer inputs run in chunks on top of the KV cache. */
export const CHUNK_TOKENS = 512;

/** Residuals at the model's layer for `ids` ([ids.length × hidden]), chunked over the KV cache. */
export async function readResiduals(model: ExperimentModel, ids: readonly number[]): Promise<Float32Array> {
  const out = new Float32Array(ids.length * model.hiddenSize);
  let past: KvCacheHandle | undefined;
  try {
    for (let at = 0; at < ids.length; at += CHUNK_TOKENS) {
      const result = await model.encoder.forward(ids.slice(at, at + CHUNK_TOKENS), past);
      past?.dispose();
      past = result.past;
      const rows = result.activations.get(model.layer);
      if (!rows) throw new Error(`the model's encoder does not expose layer ${model.layer}`);
      out.set(rows, at * model.hiddenSize);
    }
  } finally {
    past?.dispose();
  }
  return out;
}

/** The experiments' model seen as an ActivationReader (what the report card reads through). */
export function experimentReader(model: ExperimentModel): ActivationReader {
  const read = async (ids: number[], layers: readonly number[], contentTokens?: number[]): Promise<LayerActivations> => {
    const missing = layers.filter((l) => l !== model.layer);
    if (missing.length) throw new Error(`experiments read layer ${model.layer} only, not ${missing.join(', ')}`);
    return { numTokens: ids.length, layers: new Map([[model.layer, await readResiduals(model, ids)]]), contentTokens };
  };
  return {
    model: model.identity,
    hiddenSize: model.hiddenSize,
    numLayers: model.numLayers,
    readText: (text, layers) => read(model.tokenizer.encodeText(text), layers),
    readConversation: (messages: readonly DialogueMessage[], layers, options = {}) => {
      const chat = encodeChat(model.tokenizer, toChatMessages(messages), options.addGenerationPrompt);
      return read(chat.ids, layers, chat.contentTokens);
    },
  };
}
