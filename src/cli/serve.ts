import type { CliCommand } from './commands';
import { runSidecarOnStdio } from '../sidecar/stdio';

export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'run the model sidecar on stdio (JSON-RPC, the protocol the extension uses)',
  usage: '',
  options: {},
  async run() {
    runSidecarOnStdio();
    // Keep running until the client sends shutdown or closes stdin.
    await new Promise<never>(() => undefined);
    return 0;
  },
};
