// The CLI's dispatcher: argument parsing, help and exit codes. Each command lives in its own
// module under src/cli/ and is listed in main.ts.
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Where the CLI writes: the process's streams when run as a program, any streams in-process. */
export interface CliIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  /** Other first arguments that run this command (`--version` for `version`). */
  aliases?: readonly string[];
  options: NonNullable<ParseArgsConfig['options']>;
  /** Returns the process exit code. */
  run(values: Record<string, unknown>, positionals: string[], io: CliIO): Promise<number>;
}

function help(commands: readonly CliCommand[]): string {
  const lines = ['usage: agent-vitals <command> [options]', '', 'commands:'];
  for (const c of commands) lines.push(`  ${c.name.padEnd(12)} ${c.summary}`);
  lines.push('', "Run 'agent-vitals <command> --help' for a command's options.");
  return lines.join('\n');
}

export async function runCli(commands: readonly CliCommand[], argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(help(commands) + '\n');
    return name ? 0 : 2;
  }
  const command = commands.find((c) => c.name === name || c.aliases?.includes(name));
  if (!command) {
    io.stderr.write(`agent-vitals: unknown command '${name}'\n\n${help(commands)}\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(`usage: agent-vitals ${command.name} ${command.usage}\n`);
    return 0;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: command.options, allowPositionals: true, strict: true });
  } catch (err) {
    io.stderr.write(`agent-vitals ${command.name}: ${(err as Error).message}\n`);
    return 2;
  }
  return command.run(parsed.values as Record<string, unknown>, parsed.positionals, io);
}

/** `return fail(message, code)`: one line `agent-vitals <command>: <message>` on stderr, then the exit code. */
export function commandFailure(io: CliIO, command: string): (message: string, code: number) => number {
  return (message, code) => {
    io.stderr.write(`agent-vitals ${command}: ${message}\n`);
    return code;
  };
}
