// The served model's own transcript: one JSON object per line, appended as each reply finishes,
// so a watcher can follow the file like any agent's log. The first line describes the session;
// each later line is one turn with the model's own readings, token by token.
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { NO_READER, type LiveValidity } from '../contracts/reading';
import type { ChatMessage } from '../contracts/rpc-methods';
import type { PromptReading, SelfReading } from './reply-model';
import type { AppliedSteering } from './steer-option';
import type { ToolCall } from './tool-calls';

// Version 2 adds `promptReading` to turns; version 1 turns lack it and read the same otherwise.
export const SELF_TRANSCRIPT_VERSION = 2;

export interface SessionRecord {
  type: 'session';
  version: number;
  model: string;
  startedAt: string;
  /** Where these readings come from: the serving model's own residual stream, not a reader's. */
  source: 'own-activations';
  /** Whether the vectors' report card validated them for live use (the extension gates on it). */
  live: LiveValidity;
}

export interface TurnRecord {
  type: 'turn';
  id: string;
  time: string;
  /** The request's last message (the new input this turn answers). */
  input: ChatMessage | null;
  content: string;
  toolCalls: ToolCall[];
  finishReason: string;
  promptTokens: number;
  cachedTokens: number;
  steering: AppliedSteering | null;
  /** Generated tokens as text, one per reading. */
  tokens: string[];
  /** Null when the model has no calibrated vectors. */
  reading: SelfReading | null;
  /** The prompt tokens the model ran for this turn (those after its reused cache), one z row per
   *  token as in `reading`, rounded to 0.001. Null when the model has no calibrated vectors;
   *  absent in version 1. */
  promptReading?: PromptTokensReading | null;
}

export interface PromptTokensReading extends PromptReading {
  /** The prompt tokens read, as text: `tokens[i]` is prompt token `start + i`, read as `z[i]`. */
  tokens: string[];
}

export function selfTranscriptPath(cacheDir: string, startedAt: Date): string {
  return join(cacheDir, 'serve', 'transcripts', `${startedAt.toISOString().replace(/[:.]/g, '-')}.jsonl`);
}

export class SelfTranscript {
  constructor(
    readonly path: string,
    model: string,
    startedAt = new Date(),
    live: LiveValidity = NO_READER,
  ) {
    mkdirSync(dirname(path), { recursive: true });
    this.append({
      type: 'session',
      version: SELF_TRANSCRIPT_VERSION,
      model,
      startedAt: startedAt.toISOString(),
      source: 'own-activations',
      live,
    } satisfies SessionRecord);
  }

  turn(record: Omit<TurnRecord, 'type' | 'time'>): void {
    const prompt = record.promptReading;
    // A long prompt has thousands of rows: to 0.001, z keeps what it means at a third of the size.
    const promptReading = prompt && {
      ...prompt,
      z: prompt.z.map((row) => row.map((z) => Math.round(z * 1000) / 1000)),
    };
    this.append({ type: 'turn', time: new Date().toISOString(), ...record, promptReading } satisfies TurnRecord);
  }

  /** Whole lines in one write each, so a follower never sees half a record. */
  private append(record: SessionRecord | TurnRecord): void {
    appendFileSync(this.path, `${JSON.stringify(record)}\n`, { mode: 0o600 });
  }
}
