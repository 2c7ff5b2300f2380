// The contract between a transcript format and the rest of the product. A reader turns records
// of one session file into events through its SessionEmitter; it never touches the file itself,
// so the same reader serves live tailing, `agent-vitals analyze` and the tests.
import type { SessionEmitter } from './emitter';
import { isRecord } from '../storage/json-state';

/** Append-only formats: fed one complete line at a time with the line's byte offset. */
export interface LineReader {
  readonly mode: 'lines';
  readonly emitter: SessionEmitter;
  /** The session's working directory once a record has named it (formats that record one). */
  readonly cwd?: string | undefined;
  line(text: string, offset: number): void;
  /** The file ended (analyze) or was truncated/rotated: emit what is still held back. */
  end(): void;
  /**
   * What the reader holds between two lines, as JSON, so that another process can read on from
   * the next line (the guard hook reads only what a transcript gained); absent for formats that
   * do not offer it. The emitter's numbering is saved apart (`SessionEmitter.saveState`).
   */
  saveState?(): unknown;
  /** Takes up what `saveState` returned, on a reader that has read nothing; throws a StateError on anything else. */
  restoreState?(state: unknown): void;
}

/** Formats rewritten whole: fed the full text on every change; the reader dedupes. */
export interface DocumentReader {
  readonly mode: 'document';
  readonly emitter: SessionEmitter;
  readonly cwd?: string | undefined;
  document(text: string): void;
  end(): void;
}

export type TranscriptReader = LineReader | DocumentReader;

/**
 * The reader with every step made total: a record that makes decoding (or whatever consumes its
 * events) throw is skipped and counted, and the records after it are still read. One bad record
 * must never stop a session or fail a whole file.
 */
export function totalReader<R extends TranscriptReader>(reader: R): R {
  if (reader.mode === 'lines') {
    const line = reader.line.bind(reader);
    reader.line = (text, offset) => {
      try {
        line(text, offset);
      } catch {
        reader.emitter.skip();
      }
    };
  } else {
    const document = reader.document.bind(reader);
    reader.document = (text) => {
      try {
        document(text);
      } catch {
        reader.emitter.skip();
      }
    };
  }
  return reader;
}

/** Parses one JSON line; counts it as skipped (and returns undefined) when it is not an object. */
export function parseJsonRecord(text: string, emitter: SessionEmitter): Record<string, unknown> | undefined {
  if (text.trim() === '') return undefined;
  try {
    const value: unknown = JSON.parse(text);
    if (isRecord(value)) return value;
  } catch {
    // fall through: malformed or truncated line
  }
  emitter.skip();
  return undefined;
}

export { isPrototypeKey, isRecord } from '../storage/json-state';

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Text of an Anthropic/OpenAI-style content value: a string or an array of text parts. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter((p): p is Record<string, unknown> => isRecord(p) && (p.type === undefined || p.type === 'text'))
    .map((p) => str(p.text) ?? '')
    .filter((t) => t !== '')
    .join('\n');
}
