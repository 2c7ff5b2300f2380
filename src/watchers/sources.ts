// The factory that builds a transcript file's reader: the session's emitter, and the reader its
// agent declares (src/watchers/agents/).
import { basename } from 'node:path';
import type { TranscriptSource } from '../core/events';
import type { TestPathMatcher } from '../testpaths/matcher';
import { transcriptAgent } from './agents/registry';
import { SessionEmitter, type EventSink } from './emitter';
import { totalReader, type TranscriptReader } from './reader';

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
  return totalReader(transcriptAgent(source).reader(emitter, file, options.head));
}
