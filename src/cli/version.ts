import type { CliCommand } from './commands';
import { PRODUCT_VERSION } from '../core/version';

export const versionCommand: CliCommand = {
  name: 'version',
  summary: 'print the version',
  usage: '',
  aliases: ['--version', '-V'],
  options: {},
  async run(_values, _positionals, io) {
    io.stdout.write(`agent-vitals ${PRODUCT_VERSION}\n`);
    return 0;
  },
};
