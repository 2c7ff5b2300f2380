// Serves the sidecar protocol on this process's stdin/stdout.
import { useHubEndpointFromEnv } from '../model-store/hub-download';
import { serveSidecar } from './server';

export function runSidecarOnStdio(): void {
  // stdout carries the protocol: anything a library logs must go to stderr instead.
  console.log = console.error;
  console.info = console.error;
  useHubEndpointFromEnv();
  const { connection } = serveSidecar(process.stdin, process.stdout, {
    onShutdown: () => process.exit(0),
  });
  // A stream that cannot be read on (a frame without a usable length) ends the sidecar with a
  // reason on stderr and a failing exit code, which the host reports and restarts from.
  connection.onError(([err]) => {
    process.stderr.write(`agent-vitals sidecar: ${err.message}\n`);
    process.exitCode = 1;
  });
  connection.onClose(() => process.exit());
  // The parent going away (stdin closed) ends the sidecar.
  process.stdin.on('end', () => process.exit(0));
}
