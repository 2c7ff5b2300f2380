// The model's own tokenizer and chat template, through transformers.js.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AutoTokenizer, type PreTrainedTokenizer } from '@huggingface/transformers';
import { CHAT_TEMPLATE_FILE } from '../model-store/model-store';
import type { ChatMessage } from '../contracts/rpc-methods';
import { alternateRoles, needsReshapedRoles } from './chat-roles';
import type { ChatTokenizer } from './chat-segments';

export class ModelTokenizer implements ChatTokenizer {
  /** Whether the template demands alternating roles (or has no system role); messages are then reshaped to fit. */
  private readonly reshapeRoles: boolean;

  private constructor(
    private readonly tokenizer: PreTrainedTokenizer,
    /** The folder's chat_template.jinja, which (as in transformers) wins over tokenizer_config.json's. */
    private readonly template: string | null,
    readonly longestTokenChars: number,
  ) {
    this.reshapeRoles = needsReshapedRoles({ render: (messages) => this.renderTemplate(messages, false) });
  }

  /** `folder` is a model folder laid out like a hub repo (tokenizer.json, tokenizer_config.json,
   *  optionally chat_template.jinja). */
  static async load(folder: string): Promise<ModelTokenizer> {
    const tokenizer = await AutoTokenizer.from_pretrained(folder, { local_files_only: true });
    const templateFile = join(folder, CHAT_TEMPLATE_FILE);
    // Byte-level vocabularies spell each byte as one character, so this bounds decoded length too.
    let longest = 1;
    for (const token of tokenizer.get_vocab().keys()) longest = Math.max(longest, token.length);
    return new ModelTokenizer(tokenizer, existsSync(templateFile) ? readFileSync(templateFile, 'utf8') : null, longest);
  }

  /** `tools` (JSON-schema function specs) reach the template as its `tools` variable. */
  render(messages: ChatMessage[], addGenerationPrompt = false, tools?: readonly object[]): string {
    return this.renderTemplate(this.reshapeRoles ? alternateRoles(messages) : messages, addGenerationPrompt, tools);
  }

  private renderTemplate(messages: ChatMessage[], addGenerationPrompt: boolean, tools?: readonly object[]): string {
    return this.tokenizer.apply_chat_template(messages, {
      chat_template: this.template,
      tokenize: false,
      add_generation_prompt: addGenerationPrompt,
      ...(tools?.length ? { tools: [...tools] } : {}),
    }) as string;
  }

  encode(text: string): number[] {
    return this.tokenizer.encode(text, { add_special_tokens: false });
  }

  /** Plain text with the tokenizer's usual special tokens (e.g. BOS), for probing raw text. */
  encodeText(text: string): number[] {
    return this.tokenizer.encode(text);
  }

  decode(ids: number[]): string {
    return this.tokenizer.decode(ids, { skip_special_tokens: true });
  }

  /** One display string per token (byte-level pieces decoded one by one). */
  pieces(ids: number[]): string[] {
    return ids.map((id) => this.tokenizer.decode([id], { skip_special_tokens: false }));
  }

  tokenId(token: string): number | undefined {
    const ids = this.tokenizer.encode(token, { add_special_tokens: false });
    return ids.length === 1 ? ids[0] : undefined;
  }
}
