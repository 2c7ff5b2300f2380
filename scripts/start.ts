// `npm start`: checks the system packages code-server's first install needs (before any slow
// step), packages the extension, installs it into the cached code-server, opens a demo
// workspace, prints the URL, and plays a recorded Claude Code session into it live.
// Environment: AGENT_VITALS_PORT (default 8123), AGENT_VITALS_MODEL_PATH (a local ONNX model
// folder to score with; without it the bundled demo model scores, labelled as such in the panel),
// AGENT_VITALS_PACE_MS (pause after each agent message, default 3000). The replay starts once a
// browser has opened the workspace and the extension watches it.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_SESSION, playSession } from './agent-session';
import { codeServerInstalled, REPO_ROOT, startCodeServer, vsixPath } from './code-server';
import { ensureSystemNeeds } from './system-needs';

const port = Number(process.env.AGENT_VITALS_PORT ?? 8123);
const pace = Number(process.env.AGENT_VITALS_PACE_MS ?? 3000);
const modelPath = process.env.AGENT_VITALS_MODEL_PATH;
const demoRoot = join(REPO_ROOT, '.cache/demo');

/**
 * Resolves once the extension's log says it watches Claude Code for the workspace. code-server
 * starts the extension host only when a browser opens the workspace, so the replay waits for
 * that instead of finishing before anyone looks.
 */
async function extensionWatching(signal: AbortSignal): Promise<void> {
  const logs = join(demoRoot, 'user-data', 'logs');
  const watching = (): boolean => {
    if (!existsSync(logs)) return false;
    for (const file of readdirSync(logs, { recursive: true, encoding: 'utf8' })) {
      if (file.endsWith('Agent Vitals.log') && /watching .*claude-code/.test(readFileSync(join(logs, file), 'utf8')))
        return true;
    }
    return false;
  };
  while (!signal.aborted && !watching()) await new Promise((r) => setTimeout(r, 500));
}

async function main(): Promise<void> {
  // The list names Linux packages and paths; on macOS and Windows code-server's install is the check.
  if (process.platform === 'linux' && !codeServerInstalled()) {
    ensureSystemNeeds('start', {
      repoRoot: REPO_ROOT,
      path: process.env.PATH ?? '',
      isRoot: process.getuid?.() === 0,
      log: (line) => console.log(line),
    });
  }
  execFileSync(process.execPath, [join(REPO_ROOT, 'scripts/package.mjs')], { stdio: 'inherit' });
  const server = await startCodeServer({
    workspaceFixture: join(REPO_ROOT, 'test/e2e/workspace/project'),
    root: demoRoot,
    port,
    vsix: vsixPath(),
    settings: modelPath
      ? { 'agentVitals.model.localPath': modelPath }
      : { 'agentVitals.model.id': 'fixture:emotion-tiny', 'agentVitals.model.dtype': 'fp32' },
  });
  const abort = new AbortController();
  const stop = async () => {
    abort.abort();
    await server.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());

  console.log(`\nAgent Vitals demo is running. Open this URL in a browser:\n\n  ${server.url}\n`);
  console.log('Then click the Agent Vitals icon in the activity bar. Press Ctrl+C to stop.\n');
  await extensionWatching(abort.signal);
  if (abort.signal.aborted) return;
  const file = await playSession({
    recorded: join(REPO_ROOT, DEMO_SESSION),
    projectsFolder: server.claudeProjects,
    workspace: server.workspace,
    assistantPauseMs: pace,
    signal: abort.signal,
    onLine: (i, n) => process.stdout.write(`\rreplaying the recorded Claude Code session: ${i}/${n} records`),
  });
  console.log(`\nreplay finished (${file}); the editor keeps running until Ctrl+C.`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
