// Starts a real VS Code (code-server, installed offline by scripts/install-code-server.sh) with a
// fresh profile, the packaged extension installed, and a copy of a workspace. Used by `npm start`
// and by the e2e tests.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

// `npm start` and `npm test` run from the repository root.
export const REPO_ROOT = resolve('.');

export interface CodeServer {
  url: string;
  workspace: string;
  /** Claude Code's projects folder as this code-server sees it (its CLAUDE_CONFIG_DIR). */
  claudeProjects: string;
  userSettingsFile: string;
  logs(): string;
  stop(): Promise<void>;
}

export interface CodeServerOptions {
  /** Folder copied into a fresh workspace. */
  workspaceFixture: string;
  settings?: Record<string, unknown>;
  /** Where the profile, workspace and logs go; a temporary folder (removed on stop) by default. */
  root?: string;
  /** Fixed port (default: any free one). */
  port?: number;
  /** Reuse the .vsix in dist/ instead of packaging again. */
  vsix?: string;
}

export function installedCodeServer(): string {
  return execFileSync('bash', [join(REPO_ROOT, 'scripts/install-code-server.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
}

/** Whether code-server's cached install is complete (then it needs no system packages). */
export function codeServerInstalled(): boolean {
  return (
    spawnSync('bash', [join(REPO_ROOT, 'scripts/install-code-server.sh'), '--installed'], { stdio: 'ignore' })
      .status === 0
  );
}

export function vsixPath(): string {
  const { name, version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
  };
  return join(REPO_ROOT, 'dist', `${name}-${process.platform}-${process.arch}-${version}.vsix`);
}

/** Packages the bundles already in dist/ the way users get them, as a .vsix of its own in `dir`. */
export function packageExtension(dir: string): string {
  const out = join(dir, 'agent-vitals.vsix');
  execFileSync(process.execPath, [join(REPO_ROOT, 'scripts/package.mjs'), '--skip-build', '--out', out], {
    cwd: REPO_ROOT,
    stdio: 'pipe',
  });
  return out;
}

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? res(address.port) : rej(new Error('no port'))));
    });
  });
}

export async function startCodeServer(opts: CodeServerOptions): Promise<CodeServer> {
  const pkg = installedCodeServer();
  const entry = join(pkg, 'out/node/entry.js');
  const temporary = opts.root === undefined;
  const root = opts.root ?? mkdtempSync(join(tmpdir(), 'agent-vitals-e2e-'));
  if (!temporary) rmSync(root, { recursive: true, force: true });
  const userData = join(root, 'user-data');
  const extensions = join(root, 'extensions');
  const workspace = join(root, 'workspace');
  // The watchers find Claude Code's folder through CLAUDE_CONFIG_DIR, as Claude Code does.
  const claudeConfig = join(root, 'claude');
  const claudeProjects = join(claudeConfig, 'projects');
  const userSettingsFile = join(userData, 'User', 'settings.json');
  mkdirSync(join(userData, 'User'), { recursive: true });
  mkdirSync(claudeProjects, { recursive: true });
  cpSync(opts.workspaceFixture, workspace, { recursive: true });
  writeFileSync(
    userSettingsFile,
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'workbench.enableExperiments': false,
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'telemetry.telemetryLevel': 'off',
        'security.workspace.trust.enabled': false,
        'window.zoomLevel': 0,
        ...opts.settings,
      },
      null,
      2,
    ),
  );
  const config = join(root, 'config.yaml');
  writeFileSync(config, 'auth: none\n');
  const base = ['--user-data-dir', userData, '--extensions-dir', extensions, '--config', config];
  execFileSync(process.execPath, [entry, ...base, '--install-extension', opts.vsix ?? packageExtension(root)], {
    stdio: 'pipe',
  });

  const port = opts.port ?? (await freePort());
  let output = '';
  const child: ChildProcess = spawn(
    process.execPath,
    [
      entry,
      ...base,
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      workspace,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HOME: root, CLAUDE_CONFIG_DIR: claudeConfig } },
  );
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const url = `http://127.0.0.1:${port}/`;
  await waitForHttp(`${url}healthz`, 60_000, () => output);
  return {
    url: `${url}?folder=${encodeURIComponent(workspace)}`,
    workspace,
    claudeProjects,
    userSettingsFile,
    logs: () => output,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      // Processes the editor started may still be writing logs there for a moment; a temporary
      // profile that outlives them is left for the OS to clean rather than failing the run.
      if (temporary) {
        try {
          rmSync(root, { recursive: true, force: true, maxRetries: 20, retryDelay: 250 });
        } catch (err) {
          process.stderr.write(
            `code-server: could not remove the temporary profile ${root}: ${(err as Error).message}\n`,
          );
        }
      }
    },
  };
}

async function waitForHttp(url: string, timeoutMs: number, logs: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`code-server did not answer ${url} within ${timeoutMs} ms:\n${logs()}`);
}
