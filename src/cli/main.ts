// agent-vitals: the product's core without VS Code.
import { runCli, type CliCommand } from './commands';
import { analyzeCommand } from './analyze';
import { calibrateCommand } from './calibrate';
import { experimentCommand } from './experiment';
import { guardCommand } from './guard';
import { hookCommand } from './hook';
import { probeCommand } from './probe';
import { reportCardCommand } from './report-card';
import { scoreCommand } from './score';
import { serveCommand } from './serve';
import { versionCommand } from './version';
import { watchCommand } from './watch';

const commands: CliCommand[] = [
  analyzeCommand,
  scoreCommand,
  calibrateCommand,
  reportCardCommand,
  experimentCommand,
  probeCommand,
  serveCommand,
  hookCommand,
  guardCommand,
  watchCommand,
  versionCommand,
];

// onnx-proto's protobuf runtime still calls the deprecated Buffer() constructor; the warning
// says nothing actionable to a user of this CLI.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  if (String(warning).includes('Buffer() is deprecated')) return;
  (emitWarning as (...args: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;

// A reader that stops early (`agent-vitals … | head`) is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

runCli(commands, process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`agent-vitals: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
