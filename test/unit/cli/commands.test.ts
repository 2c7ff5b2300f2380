import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli, type CliCommand } from '../../../src/cli/commands';

function capture(stream: NodeJS.WriteStream): { text: () => string; restore: () => void } {
  const original = stream.write.bind(stream);
  let buf = '';
  stream.write = ((chunk: string | Uint8Array) => {
    buf += String(chunk);
    return true;
  }) as typeof stream.write;
  return { text: () => buf, restore: () => void (stream.write = original) };
}

const echo: CliCommand = {
  name: 'echo',
  summary: 'echo positionals',
  usage: '[--upper] <words…>',
  options: { upper: { type: 'boolean' } },
  async run(values, positionals) {
    const text = positionals.join(' ');
    process.stdout.write((values.upper ? text.toUpperCase() : text) + '\n');
    return 0;
  },
};

test('dispatches to the named command with parsed options', async () => {
  const out = capture(process.stdout);
  try {
    assert.equal(await runCli([echo], ['echo', '--upper', 'a', 'b']), 0);
  } finally {
    out.restore();
  }
  assert.equal(out.text(), 'A B\n');
});

test('unknown commands and unknown options exit 2 with a message', async () => {
  const err = capture(process.stderr);
  try {
    assert.equal(await runCli([echo], ['nope']), 2);
    assert.equal(await runCli([echo], ['echo', '--bogus']), 2);
  } finally {
    err.restore();
  }
  assert.match(err.text(), /unknown command 'nope'/);
  assert.match(err.text(), /agent-vitals echo: .*bogus/);
});

test('--version and -V run the command that names them as aliases', async () => {
  const version: CliCommand = { ...echo, name: 'version', aliases: ['--version', '-V'], async run() {
    process.stdout.write('v1\n');
    return 0;
  } };
  const out = capture(process.stdout);
  try {
    assert.equal(await runCli([echo, version], ['--version']), 0);
    assert.equal(await runCli([echo, version], ['-V']), 0);
  } finally {
    out.restore();
  }
  assert.equal(out.text(), 'v1\nv1\n');
});
