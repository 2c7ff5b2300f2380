// Shared by the adapter tests: reads a transcript fixture through the real read path.
import { join } from 'node:path';
import type { AgentEvent, FileEditEvent, TestRunEvent, ToolCallEvent, TurnEvent } from '../../../src/core/events';
import { readTranscript, type RecordedSession } from '../../../src/watchers/read-transcript';

export const TRANSCRIPTS = join(__dirname, '../../fixtures/transcripts');

export async function readFixture(rel: string): Promise<RecordedSession> {
  const session = await readTranscript(join(TRANSCRIPTS, rel));
  if (!session) throw new Error(`fixture not recognised: ${rel}`);
  return session;
}

export const turns = (events: AgentEvent[]) => events.filter((e): e is TurnEvent => e.type === 'turn');
export const tools = (events: AgentEvent[]) => events.filter((e): e is ToolCallEvent => e.type === 'tool-call');
export const edits = (events: AgentEvent[]) => events.filter((e): e is FileEditEvent => e.type === 'file-edit');
export const runs = (events: AgentEvent[]) => events.filter((e): e is TestRunEvent => e.type === 'test-run');

/** [framework, exitCode, passed, failed] of each test run, for compact assertions. */
export const runSummary = (events: AgentEvent[]) =>
  runs(events).map((r) => [r.framework, r.exitCode, r.passed, r.failed]);
