// `agent-vitals score`: reads text or a conversation as the model's chat and prints per-token
// emotion z-scores for the assistant's tokens, with a summary.
import { readFileSync } from 'node:fs';
import { commandFailure, type CliCommand } from './commands';
import {
  MODEL_OPTIONS,
  MODEL_USAGE,
  openCalibratedModel,
  parseModelArgs,
  resolveModelArgs,
  UsageError,
} from './model-args';
import { scoreMessages } from '../emotion/turn-scores';
import { MissingVectorsError } from '../emotion/vector-store';
import { layerVectors } from '../emotion/vectors';
import type { ChatMessage } from '../contracts/rpc-methods';
import { Conversation } from '../model/conversation';
import { summarize } from '../emotion/reading';

const ROLES = new Set(['system', 'user', 'assistant', 'tool']);

export function parseConversation(text: string, source: string): ChatMessage[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${source} is not valid JSON: ${(err as Error).message}`);
  }
  const list = Array.isArray(data) ? data : (data as { messages?: unknown })?.messages;
  if (!Array.isArray(list) || list.length === 0)
    throw new UsageError(`${source} must hold a non-empty array of {role, content} messages`);
  return list.map((m, i) => {
    const { role, content } = (m ?? {}) as { role?: unknown; content?: unknown };
    if (typeof role !== 'string' || !ROLES.has(role) || typeof content !== 'string')
      throw new UsageError(`${source}: message ${i} needs a role (system|user|assistant|tool) and a string content`);
    return { role: role as ChatMessage['role'], content };
  });
}

export const scoreCommand: CliCommand = {
  name: 'score',
  summary: 'per-token emotion z-scores of an assistant turn or a conversation',
  usage: `${MODEL_USAGE} (--text "…" | --file f.txt | --conversation messages.json) [--vectors f.avv] [--json]`,
  options: {
    ...MODEL_OPTIONS,
    text: { type: 'string' },
    file: { type: 'string' },
    conversation: { type: 'string' },
    vectors: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(values, _positionals, io) {
    const fail = commandFailure(io, 'score');
    try {
      const inputs = ['text', 'file', 'conversation'].filter((k) => values[k] !== undefined);
      if (inputs.length !== 1) throw new UsageError('give exactly one of --text, --file or --conversation');
      const read = (path: string) => {
        try {
          return readFileSync(path, 'utf8');
        } catch (err) {
          throw new UsageError(`cannot read ${path}: ${(err as Error).message}`);
        }
      };
      const messages: ChatMessage[] =
        values.conversation !== undefined
          ? parseConversation(read(values.conversation as string), values.conversation as string)
          : [
              {
                role: 'assistant',
                content: values.text !== undefined ? (values.text as string) : read(values.file as string),
              },
            ];
      const args = parseModelArgs(values);
      const resolved = await resolveModelArgs(args, io.stderr, values.json === true);
      const { model, vectors } = await openCalibratedModel(
        args,
        resolved,
        io.stderr,
        values.vectors as string | undefined,
      );
      const layer = vectors.header.choice.layer;
      try {
        const conversation = new Conversation('score', model.encoder, model.tokenizer, {
          contextLimit: model.contextLimit,
        });
        const outcome = await conversation.append(messages);
        conversation.dispose();
        const emotions = vectors.header.emotions;
        const scored = scoreMessages(
          {
            activations: outcome.activations.get(layer)!,
            firstToken: outcome.firstNewToken,
            spans: outcome.spans,
            pieces: model.tokenizer.pieces(outcome.newTokenIds),
          },
          emotions,
          layerVectors(vectors, layer),
        );
        if (!scored.length) throw new UsageError('the conversation has no assistant message to score');
        const tokens = scored.flatMap((m) => m.tokens);
        const summary = Object.fromEntries(emotions.map((e) => [e, summarize(tokens.map((t) => t.z[e]))]));
        if (values.json) {
          io.stdout.write(
            JSON.stringify(
              {
                model: args.model,
                layer,
                emotions,
                tokens,
                summary,
                messages: scored.map((m) => ({ messageIndex: m.messageIndex, summary: m.summary })),
              },
              null,
              2,
            ) + '\n',
          );
        } else {
          io.stdout.write(
            `${args.model} layer ${layer}: ${tokens.length} assistant tokens (z-scores against neutral text)\n\n  emotion           mean     p90     max\n`,
          );
          const rows = emotions.map((e) => [e, summary[e]] as const).sort((a, b) => b[1].mean - a[1].mean);
          for (const [e, s] of rows)
            io.stdout.write(
              `  ${e.padEnd(15)} ${s.mean.toFixed(2).padStart(6)}  ${s.p90.toFixed(2).padStart(6)}  ${s.max.toFixed(2).padStart(6)}\n`,
            );
        }
        return 0;
      } finally {
        await model.release();
      }
    } catch (err) {
      if (err instanceof UsageError) return fail(err.message, 2);
      if (err instanceof MissingVectorsError) return fail(err.message, 3);
      throw err;
    }
  },
};
