// agent-vitals hook <agent>: the guard an agent runs before each tool call. It always exits 0: a
// guard that fails must fail open (no decision, one line on stderr), never block the agent.
import type { CliCommand } from './commands';
import { GUARD_AGENTS, letThrough, runHook, type GuardAgent, type HookOptions } from '../guard/hook';

/** A payload larger than this is not read (a Write of a huge file); the call is let through. */
export const MAX_PAYLOAD_BYTES = 8 * 1024 * 1024;

/** Stdin up to `limit` bytes; null when it is longer. */
export async function readBounded(input: NodeJS.ReadableStream, limit: number): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of input) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += b.length;
    if (size > limit) return null;
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Runs the hook on `input`, writing the answer to `out` and any failure to `err`; returns 0. */
export async function hookMain(
  agent: GuardAgent,
  input: NodeJS.ReadableStream,
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
  options: HookOptions = {},
): Promise<number> {
  let output: object | null = null;
  try {
    const text = await readBounded(input, MAX_PAYLOAD_BYTES);
    if (text === null)
      err.write(
        `agent-vitals hook: the payload is over ${MAX_PAYLOAD_BYTES / 1024 / 1024} MiB; let through unchecked\n`,
      );
    else output = (await runHook(agent, text, options)).output;
  } catch (e) {
    err.write(`agent-vitals hook: let through unchecked: ${e instanceof Error ? e.message : String(e)}\n`);
  }
  const answer = output ?? letThrough(agent);
  if (answer) out.write(`${JSON.stringify(answer)}\n`);
  return 0;
}

export const hookCommand: CliCommand = {
  name: 'hook',
  summary: "the guard: read an agent's pre-tool or stop payload on stdin and answer in its hook protocol",
  usage: `<${GUARD_AGENTS.join('|')}>  (payload JSON on stdin)`,
  options: {},
  async run(_values, positionals, io) {
    const agent = positionals[0];
    if (positionals.length !== 1 || !(GUARD_AGENTS as readonly string[]).includes(agent!)) {
      io.stderr.write(`agent-vitals hook: expected one agent: ${GUARD_AGENTS.join(', ')}; let through unchecked\n`);
      return 0;
    }
    return hookMain(agent as GuardAgent, process.stdin, io.stdout, io.stderr);
  },
};
