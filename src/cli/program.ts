// The agent-vitals program as a function: argv and streams in, exit code out. The process shell
// (main.ts) and in-process callers such as tests share it.
import { runCli, type CliCommand, type CliIO } from './commands';
import { analyzeCommand } from './analyze';
import { calibrateCommand } from './calibrate';
import { experimentCommand } from './experiment';
import { exportVectorsCommand } from './export-vectors';
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
  exportVectorsCommand,
  serveCommand,
  hookCommand,
  guardCommand,
  watchCommand,
  versionCommand,
];

/** Runs one command line; an unexpected error is reported on `io.stderr` as exit code 1. */
export async function runAgentVitals(argv: string[], io: CliIO): Promise<number> {
  try {
    return await runCli(commands, argv, io);
  } catch (err) {
    io.stderr.write(`agent-vitals: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
