// Reads a recorded transcript file start to end through the same reader and tailer the live
// watcher uses (so analyze, benches and tests exercise the live code path).
import { open, readFile } from 'node:fs/promises';
import type { AgentEvent } from '../core/events';
import type { TestPathMatcher } from '../testpaths/matcher';
import { detectSource } from './agents/registry';
import { createReader } from './sources';
import type { TranscriptReader } from './reader';
import type { TranscriptSource } from '../core/events';
import { LineTailer } from './tailer';

export interface RecordedSession {
  file: string;
  source: TranscriptSource;
  sessionId: string;
  skippedRecords: number;
  events: AgentEvent[];
}

const HEAD_BYTES = 64 * 1024;
/** A JSONL file's first record is read whole up to this size (pasted text makes them large). */
const MAX_FIRST_RECORD_BYTES = 16 * 1024 * 1024;

/** The first 64 KB, extended to the end of the first line when that line is a longer JSON record. */
export async function readHead(file: string): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const chunks: Buffer[] = [];
    let size = 0;
    for (;;) {
      const buffer = Buffer.alloc(HEAD_BYTES);
      const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, size);
      chunks.push(buffer.subarray(0, bytesRead));
      size += bytesRead;
      const firstByte = chunks[0]!.find((b) => b > 0x20);
      const inFirstLine = buffer.subarray(0, bytesRead).indexOf(0x0a) < 0;
      if (bytesRead < HEAD_BYTES || firstByte !== 0x7b || !inFirstLine || size >= MAX_FIRST_RECORD_BYTES) break;
    }
    return Buffer.concat(chunks).toString('utf8');
  } finally {
    await handle.close();
  }
}

export interface ReadOptions {
  /** Read files that auto-detection cannot place with this source; files detected as another source are skipped. */
  source?: TranscriptSource;
  testPaths?: TestPathMatcher;
  /** Receive events as they are decoded instead of collecting them (keeps memory flat). */
  onEvent?: (event: AgentEvent) => void;
}

/** The reader for a transcript file, or undefined when it is not one of a known (or the requested) source. */
export async function openTranscriptReader(
  file: string,
  options: ReadOptions & { onEvent: (event: AgentEvent) => void },
): Promise<{ source: TranscriptSource; reader: TranscriptReader } | undefined> {
  const head = await readHead(file);
  const detected = detectSource(file, head);
  if (options.source && detected && detected !== options.source) return undefined;
  const source = options.source ?? detected;
  if (!source) return undefined;
  const reader = createReader({
    source,
    file,
    sink: options.onEvent,
    head,
    ...(options.testPaths ? { testPaths: options.testPaths } : {}),
  });
  return { source, reader };
}

/** Returns undefined when the file is not a transcript of a known (or the requested) source. */
export async function readTranscript(file: string, options: ReadOptions = {}): Promise<RecordedSession | undefined> {
  const events: AgentEvent[] = [];
  const opened = await openTranscriptReader(file, {
    ...options,
    onEvent: options.onEvent ?? ((event: AgentEvent) => void events.push(event)),
  });
  if (!opened) return undefined;
  const { source, reader } = opened;
  if (reader.mode === 'lines') {
    const tailer = new LineTailer(file, (line, offset) => reader.line(line, offset), {
      onOversizedLine: () => reader.emitter.skip(),
    });
    await tailer.readAvailable();
    tailer.flushPartial();
  } else {
    reader.document(await readFile(file, 'utf8'));
  }
  reader.end();
  return { file, source, sessionId: reader.emitter.sessionId, skippedRecords: reader.emitter.skippedRecords, events };
}
