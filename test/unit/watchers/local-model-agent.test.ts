// Where the served local model's session is found: the CLI's default cache, and there only the
// transcript the running endpoint's file names (the endpoint does not know the workspace).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeEndpointFile } from '../../../src/storage/serve-endpoint';
import { transcriptAgent } from '../../../src/watchers/agents/registry';
import { defaultLocations } from '../../../src/watchers/locations';

test("the serve folder is the CLI's default cache: $AGENT_VITALS_CACHE, else ~/.cache/agent-vitals", () => {
  assert.equal(defaultLocations({ HOME: '/h' }, 'linux').serveFolder, '/h/.cache/agent-vitals/serve');
  assert.equal(defaultLocations({ HOME: '/h', AGENT_VITALS_CACHE: '/c' }, 'linux').serveFolder, '/c/serve');
});

test('only the transcript the running endpoint names is followed; none while no endpoint runs', () => {
  const cache = mkdtempSync(join(tmpdir(), 'av-cache-'));
  const serveFolder = join(cache, 'serve');
  try {
    const targets = transcriptAgent('local-model').watchTargets(
      '/any/workspace',
      { ...defaultLocations(), serveFolder },
      new Date(0),
    );
    assert.equal(targets.length, 1);
    const target = targets[0]!;
    assert.equal(target.dir, join(serveFolder, 'transcripts'));
    const live = join(serveFolder, 'transcripts', 'b.jsonl');
    const old = join(serveFolder, 'transcripts', 'a.jsonl');
    assert.equal(target.accepts(live), false, 'no endpoint running');
    writeEndpointFile(serveFolder, {
      url: 'http://127.0.0.1:1/v1',
      pid: 1,
      model: 'm',
      transcript: live,
      startedAt: '',
    });
    assert.equal(target.accepts(live), true);
    assert.equal(target.accepts(old), false);
    assert.deepEqual(
      transcriptAgent('local-model').watchTargets('/w', { ...defaultLocations(), serveFolder: undefined }, new Date(0)),
      [],
    );
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
});
