// agent-vitals: the product's core without VS Code. This file is the process shell: warnings,
// a closed stdout and the exit code; the program itself is runAgentVitals.
import { runAgentVitals } from './program';

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

void runAgentVitals(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then((code) => {
  process.exitCode = code;
});
