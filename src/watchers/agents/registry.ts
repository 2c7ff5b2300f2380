// Every agent Agent Vitals watches, one descriptor file each. Adding an agent: its source id in
// core/events.ts, its descriptor file here and its entry below, its reader, and its setting in
// package.json (test/unit/watchers/agents.test.ts fails until the setting is declared).
import type { AgentSource, TranscriptSource } from '../../core/events';
import type { Agent, TranscriptAgent } from './agent';
import { aider } from './aider';
import { claudeCode } from './claude-code';
import { cline } from './cline';
import { codex } from './codex';
import { copilot } from './copilot';
import { gemini } from './gemini';
import { localModel } from './local-model';
import { roo } from './roo';
import { vscodeActivity } from './vscode';

/** The agents with transcript files, in the order detection tries them (most distinctive first). */
const TRANSCRIPT_AGENTS: { [S in TranscriptSource]: TranscriptAgent<S> } = {
  aider,
  cline,
  roo,
  copilot,
  codex,
  gemini,
  'local-model': localModel,
  'claude-code': claudeCode,
};

/** Every agent by source, in the order the UI lists them. */
export const AGENTS: { [S in AgentSource]: Agent<S> } = {
  'claude-code': claudeCode,
  codex,
  copilot,
  cline,
  roo,
  gemini,
  aider,
  'local-model': localModel,
  vscode: vscodeActivity,
};

export const AGENT_LIST: readonly Agent[] = Object.values(AGENTS);

export const TRANSCRIPT_SOURCES = AGENT_LIST.map((a) => a.source).filter(
  (s): s is TranscriptSource => s in TRANSCRIPT_AGENTS,
);

export function transcriptAgent(source: TranscriptSource): TranscriptAgent {
  return TRANSCRIPT_AGENTS[source];
}

/**
 * Guesses the source from the first bytes; undefined when nothing fits. The content decides: the
 * path only tells Roo Code's task folders from Cline's (both write the same messages).
 */
export function detectSource(path: string, head: string): TranscriptSource | undefined {
  const agents: TranscriptAgent[] = Object.values(TRANSCRIPT_AGENTS);
  return (agents.find((a) => a.detect(path, head)) ?? agents.find((a) => a.detectLast?.(path, head)))?.source;
}

/** Transcript files agents write inside the workspace folder, by source. */
export const IN_WORKSPACE_TRANSCRIPTS: Partial<Record<TranscriptSource, string>> = Object.fromEntries(
  Object.values(TRANSCRIPT_AGENTS).flatMap((a: TranscriptAgent) =>
    a.inWorkspaceFile ? [[a.source, a.inWorkspaceFile]] : [],
  ),
);
