// Runs agent-vitals command lines in this process and collects what they print, so CLI tests
// pay for no child process (the test runner owns this process's own stdout).
import { Writable } from 'node:stream';
import type { CliIO } from '../../src/cli/commands';
import { runAgentVitals } from '../../src/cli/program';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** A stream that keeps every byte written to it. */
export function collectingStream(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

/** Collecting streams for a CLI run, and what each received. */
export function collectingIO(): { io: CliIO; out: () => string; err: () => string } {
  const stdout = collectingStream();
  const stderr = collectingStream();
  return { io: { stdout: stdout.stream, stderr: stderr.stream }, out: stdout.text, err: stderr.text };
}

export async function runAgentVitalsInProcess(argv: string[]): Promise<CliRun> {
  const { io, out, err } = collectingIO();
  const code = await runAgentVitals(argv, io);
  return { code, out: out(), err: err() };
}
