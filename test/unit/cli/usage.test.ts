import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MODEL_USAGE } from '../../../src/cli/model-args';
import { probeCommand } from '../../../src/cli/probe';
import { scoreCommand } from '../../../src/cli/score';
import { DEFAULT_MODEL } from '../../../src/model-store/model-spec';
import { versionCommand } from '../../../src/cli/version';

test('usage shows --model as optional with the hub model it defaults to', () => {
  for (const usage of [MODEL_USAGE, scoreCommand.usage, probeCommand.usage]) {
    assert.ok(usage.includes(`[--model <hub id|folder|fixture:name> (default ${DEFAULT_MODEL})]`), usage);
    assert.ok(usage.includes('[--dtype fp32|fp16|q8|q4 (default fp32)]'), usage);
  }
});

test('the version command answers --version and -V', () => {
  assert.deepEqual(versionCommand.aliases, ['--version', '-V']);
});
