// The report card's agent-turn validation set, read as live watching reads a session: each turn
// after its context, tool output clipped as the reader chat clips it, in one KV-cached
// conversation.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ChatMessage } from '../contracts/rpc-methods';
import { loadAgentTurns } from '../corpus/agent-turns';
import type { AgentTurnSource, ValidationTurn } from '../emotion/report-card';
import { toolMessage } from './reader-chat';
import { readAssistantMeans, type ReadingModel } from './turn-scorer';

/**
 * The validation set under `root` (the corpus folder's `agent-turns/`), read through `model` at
 * `layer`; null when the folder is missing.
 */
export function agentTurnSource(root: string, model: ReadingModel, layer: number): AgentTurnSource | null {
  const folder = join(root, 'agent-turns');
  if (!existsSync(folder)) return null;
  return { turns: loadAgentTurns(folder), read: (turn) => readAssistantMeans(turnConversation(turn), model, layer) };
}

/** The chat a validation turn is read in: its context as the agent saw it, then the turn. */
export function turnConversation(turn: ValidationTurn): ChatMessage[] {
  return [
    ...turn.context.map((m) => (m.role === 'tool' ? toolMessage(m.content) : { role: m.role, content: m.content })),
    { role: 'assistant', content: turn.text },
  ];
}
