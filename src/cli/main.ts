// agent-vitals: the product's core without VS Code.
import { runCli, type CliCommand } from './commands';
import { analyzeCommand } from './analyze';
import { probeCommand } from './probe';
import { serveCommand } from './serve';
import { versionCommand } from './version';

const commands: CliCommand[] = [analyzeCommand, probeCommand, serveCommand, versionCommand];

runCli(commands, process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`agent-vitals: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
