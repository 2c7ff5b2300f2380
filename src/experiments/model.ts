// What every experiment runs on: the model's tokenizer and chat template, a residual encoder at
// the vectors' layer, the calibrated vectors, and (for the steering experiment) the steerable
// decoder. The CLI and the sidecar both build one from a LoadedModel (experiment-model.ts).
import type { SteeredModel } from '../engine';
import type { ActivationSource, LayerActivations } from '../emotion/calibrate';
import type { DialogueMessage } from '../corpus/format';
import { toChatMessages } from '../model/loaded-model';
import { layerVectors, type EmotionVectorSet, type LayerVectors, type ModelIdentity } from '../emotion/vectors';
import type { ChatMessage } from '../contracts/rpc-methods';
import { encodeChat } from '../model/chat-segments';
import type { ResidualEncoder } from '../model/residual-encoder';
import { readInPasses } from '../model/read-passes';

/** What the steering experiment needs of the steerable decoder. */
export type SteerableDecoder = Pick<SteeredModel, 'layers' | 'forward' | 'generate'>;

/** The tokenizer surface the experiments use (the sidecar's ModelTokenizer provides it). */
export interface ExperimentTokenizer {
  render(messages: ChatMessage[], addGenerationPrompt?: boolean): string;
  encode(text: string): number[];
  readonly longestTokenChars: number;
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

/** Residuals at the model's layer for `ids` ([ids.length × hidden]), read as calibration reads. */
export async function readResiduals(model: ExperimentModel, ids: readonly number[]): Promise<Float32Array> {
  return (await readInPasses(model.encoder, ids, [model.layer])).get(model.layer)!;
}

/** The experiments' model seen as an ActivationSource (what the report card reads through). */
export function experimentActivations(model: ExperimentModel): ActivationSource {
  const read = async (
    ids: number[],
    layers: readonly number[],
    contentTokens?: number[],
  ): Promise<LayerActivations> => {
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
