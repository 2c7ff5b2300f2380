// Which reader handles which file: auto-detection from a file's first bytes, and the
// factory that builds the reader. Adding a format means adding one entry here.
import { basename } from 'node:path';
import type { TranscriptSource } from '../core/events';
import type { TestPathMatcher } from '../testpaths/matcher';
import { AiderReader } from './aider';
import { ClaudeCodeReader } from './claude-code';
import { ClineReader } from './cline';
import { CodexReader } from './codex';
import { CopilotChatSessionReader, CopilotTranscriptReader } from './copilot';
import { SessionEmitter, type EventSink } from './emitter';
import { GeminiLegacyReader, GeminiReader } from './gemini';
import { totalReader, type TranscriptReader } from './reader';

export const TRANSCRIPT_SOURCES: readonly TranscriptSource[] = ['claude-code', 'codex', 'copilot', 'cline', 'roo', 'gemini', 'aider'];

/** The whole head as JSON (a small document) or else its first line (JSONL). */
function firstJson(head: string): unknown {
  const trimmed = head.trim();
  try {
    return JSON.parse(trimmed);
  } catch {
    // JSONL, or a document longer than the head
  }
  try {
    return JSON.parse(trimmed.split('\n', 1)[0] ?? '');
  } catch {
    return undefined;
  }
}

/**
 * One JSON document (pretty-printed, or one line holding the whole session) rather than JSONL
 * records. A record still being written is JSONL; only a file with no content yet goes by its name.
 */
function isJsonDocument(head: string, file: string): boolean {
  const firstLine = (head.trimStart().split('\n', 1)[0] ?? '').trimEnd();
  if (firstLine === '') return !file.endsWith('.jsonl');
  if (firstLine === '{') return true;
  const first = firstJson(firstLine);
  return has(first, 'messages') && Array.isArray(first.messages);
}

function has(value: unknown, ...keys: string[]): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && keys.every((k) => k in value);
}

/**
 * Guesses the source from the first bytes; undefined when nothing fits. The content decides: the
 * path only tells Roo Code's task folders from Cline's (both write the same messages).
 */
export function detectSource(path: string, head: string): TranscriptSource | undefined {
  if (/^# aider chat started at/m.test(head)) return 'aider';
  const trimmed = head.trimStart();
  if (/^\[\s*\{\s*"ts"\s*:/.test(trimmed)) return /roo-?(?:cline|code)/i.test(path) ? 'roo' : 'cline';
  const name = basename(path);
  if (/"requests"\s*:/.test(head) && (name.endsWith('.json') || /^\{"kind":\s*0/.test(trimmed))) return 'copilot';
  const first = firstJson(head);
  if (has(first, 'type', 'payload') && has(first, 'timestamp')) return 'codex';
  if (has(first, 'id', 'timestamp', 'instructions') && !('type' in first)) return 'codex'; // early rollouts
  if (has(first, 'type', 'data') && typeof first.type === 'string' && first.type.includes('.')) return 'copilot';
  if (has(first, 'projectHash') || (has(first, 'sessionId', 'messages') && Array.isArray(first.messages))) return 'gemini';
  if (has(first, 'id', 'timestamp', 'type') && (first.type === 'gemini' || first.type === 'user') && 'content' in first) return 'gemini';
  if (has(first, 'type') && (has(first, 'sessionId') || has(first, 'leafUuid') || has(first, 'messageId'))) return 'claude-code';
  // Documents longer than the head: recognise them by their distinctive keys.
  if (/^\{\s*"sessionId"[^]*"projectHash"\s*:/.test(trimmed)) return 'gemini';
  return undefined;
}

export interface ReaderOptions {
  source: TranscriptSource;
  file: string;
  sink: EventSink;
  /** The first bytes of the file, for sources with more than one shape. */
  head: string;
  workspaceRoot?: string;
  testPaths?: TestPathMatcher;
  /** Events of a resumed file decoded again but not delivered. */
  onReplayed?: EventSink;
}

export function createReader(options: ReaderOptions): TranscriptReader {
  const { source, file, sink } = options;
  const emitter = new SessionEmitter(
    {
      source,
      sessionId: basename(file).replace(/\.(?:jsonl?|md)$/, ''),
      ...(options.workspaceRoot ? { workspaceRoot: options.workspaceRoot } : {}),
      ...(options.testPaths ? { testPaths: options.testPaths } : {}),
      ...(options.onReplayed ? { onReplayed: options.onReplayed } : {}),
    },
    sink,
  );
  return totalReader(readerFor(source, emitter, file, options.head));
}

function readerFor(source: TranscriptSource, emitter: SessionEmitter, file: string, head: string): TranscriptReader {
  switch (source) {
    case 'claude-code':
      return new ClaudeCodeReader(emitter, file);
    case 'codex':
      return new CodexReader(emitter, file);
    case 'copilot': {
      const first = firstJson(head);
      return has(first, 'type', 'data') ? new CopilotTranscriptReader(emitter, file) : new CopilotChatSessionReader(emitter, file);
    }
    case 'cline':
    case 'roo':
      return new ClineReader(emitter, file);
    case 'gemini':
      return isJsonDocument(head, file) ? new GeminiLegacyReader(emitter, file) : new GeminiReader(emitter, file);
    case 'aider':
      return new AiderReader(emitter, file);
  }
}
