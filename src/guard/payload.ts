// The payload an agent's hook sends, read into the fields the guard uses: Claude Code, Codex and
// Gemini CLI share `tool_name` / `tool_input` / `cwd` / `transcript_path` / `session_id`; Cline's
// shape is read by ./cline-payload.ts.
export interface HookPayload {
  cwd: string;
  toolName: string;
  toolInput: Record<string, unknown>;
  transcriptPath: string | null;
  sessionId: string | null;
}

export class PayloadError extends Error {}

/** The payload text as a JSON object; throws PayloadError (the hook then fails open). */
export function payloadObject(text: string): Record<string, unknown> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new PayloadError(`the hook payload is not JSON (${(err as Error).message})`);
  }
  if (typeof raw !== 'object' || raw === null) throw new PayloadError('the hook payload is not a JSON object');
  return raw as Record<string, unknown>;
}

/** The fields the guard reads from a Claude Code, Codex or Gemini CLI pre-tool payload. */
export function toolPayload(p: Record<string, unknown>): HookPayload {
  if (typeof p.tool_name !== 'string' || typeof p.tool_input !== 'object' || p.tool_input === null)
    throw new PayloadError('the hook payload has no tool_name and tool_input');
  return {
    cwd: typeof p.cwd === 'string' ? p.cwd : process.cwd(),
    toolName: p.tool_name,
    toolInput: p.tool_input as Record<string, unknown>,
    transcriptPath: typeof p.transcript_path === 'string' ? p.transcript_path : null,
    sessionId: typeof p.session_id === 'string' ? p.session_id : null,
  };
}
