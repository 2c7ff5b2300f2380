// The flags the engine raises for one edit of a test file right after a failing jest run: the
// shape the flag store's tests and benchmark store (the classifier's reasons do not matter there).
import type { FileEditEvent } from '../../../src/core/events';
import { TamperEngine, type TamperFlag } from '../../../src/tamper/engine';

export interface TestFileEdit {
  path: string;
  op: FileEditEvent['op'];
  before?: string;
  after?: string;
  /** The edit's place in the session; the failing run comes just before it. */
  seq?: number;
}

export function flagsAfterFailingRun(
  { path, op, before, after, seq = 2 }: TestFileEdit,
  failingIds: string[] = ['adds'],
): TamperFlag[] {
  const engine = new TamperEngine();
  engine.observe({
    source: 'codex',
    sessionId: 's',
    seq: seq - 1,
    ts: `2026-01-01T00:00:0${seq - 1}Z`,
    type: 'test-run',
    command: 'jest',
    framework: 'jest',
    exitCode: 1,
    passed: 0,
    failed: 1,
    skipped: 0,
    failingIds,
    origin: 'agent',
  });
  return engine.observe({
    source: 'codex',
    sessionId: 's',
    seq,
    ts: `2026-01-01T00:00:0${seq}Z`,
    type: 'file-edit',
    path,
    op,
    ...(before !== undefined ? { before } : {}),
    ...(after !== undefined ? { after } : {}),
    origin: 'tool',
    isTestPath: true,
  });
}
