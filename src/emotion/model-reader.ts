// A real model as an ActivationReader: the model's own tokenizer and chat template, and the
// engine's probe graph for the residual stream. Used by calibration, the report card and the
// score command, in the CLI process or in the sidecar.

import { join } from 'node:path';
import type { DialogueMessage } from '../corpus/format';
import { ResidualProbe } from '../engine';
import { sourceDigest } from '../engine/graph/graph-cache';
import type { ResolvedModel } from '../model-store/model-store';
import type { ChatMessage } from '../protocol/methods';
import { encodeChat } from '../model/chat-segments';
import { ModelTokenizer } from '../model/chat-tokenizer';
import { readInPasses } from '../model/read-passes';
import type { ActivationReader, LayerActivations } from './calibrate';
import type { ModelIdentity } from './vectors';

export function toChatMessages(messages: readonly DialogueMessage[]): ChatMessage[] {
  return messages.map((m) => ({ role: m.role, content: m.text }));
}

/** What a vector file records about the model it was calibrated on. */
export function modelIdentity(name: string, resolved: ResolvedModel, fileHash: string): ModelIdentity {
  const revision = resolved.spec.kind === 'hub' ? resolved.spec.revision : resolved.spec.kind;
  return { id: name, revision, fileHash, dtype: resolved.dtype };
}

export interface ModelReaderOptions {
  /** Layers the probe exposes; calibration wants all of them, reading only the chosen one. */
  layers: number[];
  threads?: number;
  /** Root of the product's cache: rewritten graphs go to `<cacheDir>/graphs`. */
  cacheDir: string;
}

export class ModelActivationReader implements ActivationReader {
  private constructor(
    readonly model: ModelIdentity,
    readonly probe: ResidualProbe,
    readonly tokenizer: ModelTokenizer,
  ) {}

  static async open(name: string, resolved: ResolvedModel, options: ModelReaderOptions): Promise<ModelActivationReader> {
    const graphs = join(options.cacheDir, 'graphs');
    const [tokenizer, probe, fileHash] = await Promise.all([
      ModelTokenizer.load(resolved.folder),
      ResidualProbe.load(resolved.onnxPath, { layers: options.layers, threads: options.threads, cacheDir: graphs }),
      sourceDigest(resolved.onnxPath, graphs),
    ]);
    return new ModelActivationReader(modelIdentity(name, resolved, fileHash), probe, tokenizer);
  }

  get hiddenSize(): number {
    return this.probe.shape.hiddenSize;
  }

  get numLayers(): number {
    return this.probe.shape.numLayers;
  }

  async readText(text: string, layers: readonly number[]): Promise<LayerActivations> {
    return this.read(this.tokenizer.encodeText(text), layers);
  }

  async readConversation(
    messages: readonly DialogueMessage[],
    layers: readonly number[],
    options: { addGenerationPrompt?: boolean } = {},
  ): Promise<LayerActivations> {
    const chat = encodeChat(this.tokenizer, toChatMessages(messages), options.addGenerationPrompt);
    return this.read(chat.ids, layers, chat.contentTokens);
  }

  private async read(ids: number[], layers: readonly number[], contentTokens?: number[]): Promise<LayerActivations> {
    return { numTokens: ids.length, layers: await readInPasses(this.probe, ids, layers), contentTokens };
  }

  release(): Promise<void> {
    return this.probe.release();
  }
}
