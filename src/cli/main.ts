// agent-vitals: the product's core without VS Code.
import { runCli, type CliCommand } from './commands';
import { probeCommand } from './probe';
import { serveCommand } from './serve';
import { versionCommand } from './version';

const commands: CliCommand[] = [versionCommand, serveCommand, probeCommand];

runCli(commands, process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`agent-vitals: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
