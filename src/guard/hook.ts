// `agent-vitals hook <agent>`: one pre-tool payload in, one answer out in that agent's hook
// protocol. Claude Code (PreToolUse) takes allow/ask/deny; Codex (PreToolUse, 0.124+) enforces
// only deny and reads additionalContext; Gemini CLI (BeforeTool) takes deny with a reason for the
// agent and a systemMessage for the user; Cline (PreToolUse script) cancels with an errorMessage or
// adds contextModification, and expects an answer to every call; Copilot agent mode in VS Code
// (PreToolUse) takes Claude Code's answer, ask included. Where an agent cannot ask, an `ask` is held back and
// the message says so. Nothing is printed for a call that is none of the guard's business. The
// same command answers the agent's stop event with the end-of-turn audit (./audit.ts).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { LiveValidity } from '../contracts/reading';
import { defaultCacheDir } from '../storage/cache-dir';
import { CAN_ASK, STOP_EVENTS, type GuardAgent } from './agents';
import { auditAnswer } from './audit';
import { clinePayload } from './cline-payload';
import { copilotToolEdits } from './copilot-payload';
import { payloadObject, toolPayload, type HookPayload } from './payload';
import { decide, type GuardDecision } from './decide';
import { appendGuardLog } from './guard-log';
import { editHunk, readGuardMemory } from './guard-memory';
import { GUARD_MESSAGE_VERSION, guardMessage } from './message';
import { applyPatchEdits, claudeToolEdits, type ProposedEdit } from './proposed-edits';
import { shellEdits } from './shell-edits';
import { readGuardTiers, type Tier } from './tiers';
import { SessionDigest } from './session-digest';
import { readSessionDigest } from './transcript-checkpoint';

export { GUARD_AGENTS, type GuardAgent } from './agents';

/** The hook loads no reader model: desperation never counts here, and the message says so. */
export const HOOK_READER: LiveValidity = {
  valid: false,
  why: 'the guard hook loads no reader model, so it judges on behaviour alone',
};

/** Where each decision above `off` is recorded, in the project, for the editor to show. */
export { GUARD_LOG_FILE } from './guard-log';

/** Gemini CLI's file and shell tools read as the Claude Code tools they match. */
function asClaudeTool(payload: HookPayload): HookPayload {
  const { toolName, toolInput, cwd } = payload;
  if (toolName === 'write_file') return { ...payload, toolName: 'Write' };
  if (toolName === 'replace')
    return {
      ...payload,
      toolName: 'Edit',
      toolInput: { ...toolInput, replace_all: toolInput.allow_multiple === true },
    };
  if (toolName === 'run_shell_command')
    return {
      ...payload,
      toolName: 'Bash',
      cwd: typeof toolInput.dir_path === 'string' ? resolve(cwd, toolInput.dir_path) : cwd,
    };
  return payload;
}

/** The edits a tool call would make; [] for tools that change no file. */
export function proposedEdits(original: HookPayload): ProposedEdit[] {
  const payload = asClaudeTool(original);
  const { toolName, toolInput, cwd } = payload;
  const command = typeof toolInput.command === 'string' ? toolInput.command : null;
  if (toolName === 'apply_patch') return command ? applyPatchEdits(command, cwd) : [];
  if (toolName === 'Bash' || toolName === 'shell') {
    if (!command) return [];
    // Codex also runs apply_patch as a shell here-document.
    return command.includes('*** Begin Patch') ? applyPatchEdits(command, cwd) : shellEdits(command, cwd);
  }
  return claudeToolEdits(toolName, toolInput, cwd);
}

/** The session so far, read from where the previous call left off (./transcript-checkpoint.ts). */
async function sessionDigest(
  transcriptPath: string | null,
  agent: GuardAgent,
  cacheDir: string,
): Promise<SessionDigest> {
  // A history the agent keeps elsewhere (Cline in another VS Code build) leaves behaviour unread, not the edit unchecked.
  if (!transcriptPath || !existsSync(transcriptPath)) return SessionDigest.empty();
  return (await readSessionDigest(transcriptPath, agent, cacheDir)).digest;
}

/** What to print when the guard lets a call through without a word: Cline expects a JSON answer to every call. */
export function letThrough(agent: GuardAgent): object | null {
  return agent === 'cline' ? { cancel: false } : null;
}

/** The answer to print, in the agent's protocol; null prints nothing. */
export function response(agent: GuardAgent, tier: Tier, message: string): object | null {
  const out = (fields: Record<string, string>): object => ({
    hookSpecificOutput: { hookEventName: 'PreToolUse', ...fields },
  });
  if (tier === 'off' || tier === 'log') return null;
  // Cline cancels the tool call (errorMessage) or lets it run with context for the agent; it cannot ask.
  if (agent === 'cline')
    return tier === 'warn'
      ? { cancel: false, contextModification: message }
      : { cancel: true, errorMessage: message, contextModification: message };
  // Gemini CLI gives a BeforeTool hook no way to talk to the agent short of refusing: a warning goes to the user.
  if (agent === 'gemini') return tier === 'warn' ? { systemMessage: message } : { decision: 'deny', reason: message };
  if (tier === 'warn') return out({ additionalContext: message });
  if (tier === 'ask' && CAN_ASK.has(agent))
    return out({ permissionDecision: 'ask', permissionDecisionReason: message, additionalContext: message });
  return out({ permissionDecision: 'deny', permissionDecisionReason: message });
}

const NO_DECISION: GuardDecision = { tier: 'off', path: null, findings: [], pressured: false };

async function runAudit(
  agent: GuardAgent,
  raw: Record<string, unknown>,
  { now, cacheDir }: Required<HookOptions>,
): Promise<object | null> {
  const cwd = typeof raw.cwd === 'string' ? raw.cwd : process.cwd();
  const transcript = typeof raw.transcript_path === 'string' ? raw.transcript_path : null;
  const payload = {
    cwd,
    sessionId: typeof raw.session_id === 'string' ? raw.session_id : null,
    stopHookActive: raw.stop_hook_active === true,
  };
  return auditAnswer(agent, payload, (await sessionDigest(transcript, agent, cacheDir)).audit(), now);
}

export interface HookResult {
  decision: GuardDecision;
  /** The JSON to print on stdout, or null. (A stop event gets the audit here and no decision.) */
  output: object | null;
}

export interface HookOptions {
  now?: Date;
  /** Agent Vitals' cache folder, where transcript checkpoints live (default: the user's). */
  cacheDir?: string;
}

/** Decides on one payload. Throws on a malformed payload or guard file; the caller fails open. */
export async function runHook(agent: GuardAgent, payloadText: string, options: HookOptions = {}): Promise<HookResult> {
  const { now = new Date(), cacheDir = defaultCacheDir() } = options;
  const raw = payloadObject(payloadText);
  if (raw.hook_event_name === STOP_EVENTS[agent])
    return { decision: NO_DECISION, output: await runAudit(agent, raw, { now, cacheDir }) };
  const payload = clinePayload(raw) ?? toolPayload(raw);
  const proposed = agent === 'copilot' ? copilotToolEdits(payload) : proposedEdits(payload);
  if (proposed.length === 0) return { decision: NO_DECISION, output: null };
  // An edit the user already called legitimate (this file, or this hunk) is not stopped again.
  const memory = readGuardMemory(payload.cwd);
  const edits = proposed.filter((e) => !memory.covers(e.shownPath, editHunk(e.shownPath, e.before, e.after)));
  if (edits.length === 0) return { decision: NO_DECISION, output: null };
  const tiers = readGuardTiers(payload.cwd);
  const pressure = (await sessionDigest(payload.transcriptPath, agent, cacheDir)).pressure(
    now.toISOString(),
    HOOK_READER,
  );
  const decision = decide(edits, pressure, tiers);
  if (decision.tier === 'off' || decision.path === null) return { decision, output: null };
  recordDecision(payload, agent, decision, edits, now);
  if (decision.tier === 'log') return { decision, output: null };
  const askHeldBack = decision.tier === 'ask' && !CAN_ASK.has(agent);
  const message = guardMessage(
    askHeldBack ? 'block' : decision.tier,
    decision.path,
    decision.findings,
    pressure,
    askHeldBack,
  );
  return { decision, output: response(agent, decision.tier, message) };
}

function recordDecision(
  payload: HookPayload,
  agent: GuardAgent,
  decision: GuardDecision,
  edits: readonly ProposedEdit[],
  now: Date,
): void {
  const edit = edits.find((e) => e.shownPath === decision.path);
  appendGuardLog(payload.cwd, {
    ts: now.toISOString(),
    event: 'decision',
    agent,
    sessionId: payload.sessionId,
    tool: payload.toolName,
    tier: decision.tier,
    path: decision.path,
    // The hunk the editor's "was this right?" remembers (guard-memory.ts).
    hunk: edit ? editHunk(edit.shownPath, edit.before, edit.after) : null,
    kinds: [...new Set(decision.findings.map((f) => f.kind))],
    pressured: decision.pressured,
    messageVersion: GUARD_MESSAGE_VERSION,
  });
}
