import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli, type CliCommand } from '../../../src/cli/commands';
import { collectingIO } from '../../support/cli';

const echo: CliCommand = {
  name: 'echo',
  summary: 'echo positionals',
  usage: '[--upper] <words…>',
  options: { upper: { type: 'boolean' } },
  async run(values, positionals, io) {
    const text = positionals.join(' ');
    io.stdout.write((values.upper ? text.toUpperCase() : text) + '\n');
    return 0;
  },
};

test('dispatches to the named command with parsed options', async () => {
  const { io, out } = collectingIO();
  assert.equal(await runCli([echo], ['echo', '--upper', 'a', 'b'], io), 0);
  assert.equal(out(), 'A B\n');
});

test('unknown commands and unknown options exit 2 with a message', async () => {
  const { io, err } = collectingIO();
  assert.equal(await runCli([echo], ['nope'], io), 2);
  assert.equal(await runCli([echo], ['echo', '--bogus'], io), 2);
  assert.match(err(), /unknown command 'nope'/);
  assert.match(err(), /agent-vitals echo: .*bogus/);
});

test('--version and -V run the command that names them as aliases', async () => {
  const version: CliCommand = {
    ...echo,
    name: 'version',
    aliases: ['--version', '-V'],
    async run(_values, _positionals, io) {
      io.stdout.write('v1\n');
      return 0;
    },
  };
  const { io, out } = collectingIO();
  assert.equal(await runCli([echo, version], ['--version'], io), 0);
  assert.equal(await runCli([echo, version], ['-V'], io), 0);
  assert.equal(out(), 'v1\nv1\n');
});
