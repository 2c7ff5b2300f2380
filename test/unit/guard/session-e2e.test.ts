import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { GUARD_LOG_FILE } from '../../../src/guard/hook';
import { HONEST_WAY_OUT } from '../../../src/guard/message';
import { claudeTranscript, makeWorkspace, payload } from './workspace';

const ROOT = join(__dirname, '..', '..', '..');

/** The hook bundle built from this source tree, as `npm run build` builds dist/hook.js. */
async function hookBundle(): Promise<string> {
  const outfile = join(mkdtempSync(join(tmpdir(), 'av-hook-bundle-')), 'hook.js');
  await build({
    entryPoints: [join(ROOT, 'src', 'cli', 'hook-main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['typescript'],
    logLevel: 'warning',
    define: { __AGENT_VITALS_VERSION__: '"test"' },
  });
  return outfile;
}

// A Claude Code session as a user would have it, with no editor running: the agent ran the tests
// four times and they failed each time; then it tries to skip the failing test. The hook runs as
// Claude Code runs it: a fresh `node hook.js claude-code` process, the payload on stdin.
test('a scripted Claude Code session: after four failing runs the hook process asks about a skip and logs the decision for the editor', async () => {
  const hook = await hookBundle();
  const workspace = makeWorkspace();
  const transcript = claudeTranscript(workspace, 4);
  const run = (name: string): string =>
    execFileSync(process.execPath, [hook, 'claude-code'], {
      input: payload(name, workspace, transcript),
      cwd: workspace,
      encoding: 'utf8',
      env: { ...process.env, AGENT_VITALS_CACHE: join(workspace, 'cache') },
    });

  const answer = JSON.parse(run('claude-edit-skip.json')) as {
    hookSpecificOutput: { hookEventName: string; permissionDecision: string; permissionDecisionReason: string };
  };
  assert.equal(answer.hookSpecificOutput.hookEventName, 'PreToolUse');
  assert.equal(
    answer.hookSpecificOutput.permissionDecision,
    'ask',
    'skip-added under pressure is asked about by default',
  );
  assert.match(answer.hookSpecificOutput.permissionDecisionReason, /4 failing runs in a row/);
  assert.ok(answer.hookSpecificOutput.permissionDecisionReason.includes(HONEST_WAY_OUT));

  // Running the tests again is none of the guard's business: nothing printed, nothing logged.
  assert.equal(run('claude-bash-pytest.json'), '');

  const log = readFileSync(join(workspace, GUARD_LOG_FILE), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(log.length, 1);
  assert.deepEqual(
    {
      agent: log[0]!.agent,
      sessionId: log[0]!.sessionId,
      tool: log[0]!.tool,
      tier: log[0]!.tier,
      path: log[0]!.path,
      kinds: log[0]!.kinds,
      pressured: log[0]!.pressured,
    },
    {
      agent: 'claude-code',
      sessionId: '9f1c2e7a-4b5d-4e8f-a1b2-c3d4e5f60718',
      tool: 'Edit',
      tier: 'ask',
      path: join(workspace, 'tests', 'test_calc.py'),
      kinds: ['skip-added'],
      pressured: true,
    },
  );
});
