// agent-vitals guard install|uninstall|status: puts the guard hook into an agent's settings (or
// takes it out), showing the exact change and asking first unless --yes is given.
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { CliCommand, CliIO } from './commands';
import { GUARD_AGENTS, type GuardAgent } from '../guard/hook';
import {
  applyPlan,
  backupFile,
  describePlan,
  installState,
  planInstall,
  planUninstall,
  settingsFile,
  SettingsFileError,
  type InstallPlan,
  type InstallScope,
} from '../guard/install';
import { GUARD_CONFIG_FILE, GuardConfigError, readGuardTiers } from '../guard/tiers';

/** The bundle the hook runs from, next to this CLI's own bundle: a path that stays put across updates of an npm install. */
export const HOOK_BUNDLE = 'hook.js';

/** `node "<dir>/hook.js" <agent>` beside the running CLI, or null when this CLI runs from source. */
function defaultHookCommand(agent: GuardAgent): string | null {
  const script = process.argv[1];
  if (!script) return null;
  const bundle = join(dirname(realpathSync(script)), HOOK_BUNDLE);
  return existsSync(bundle) ? `node ${JSON.stringify(bundle)} ${agent}` : null;
}

async function confirm(question: string, io: CliIO): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: io.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

function fail(io: CliIO, reason: string): number {
  io.stderr.write(`agent-vitals guard: ${reason}\n`);
  return 2;
}

async function change(plan: InstallPlan, yes: boolean, io: CliIO): Promise<number> {
  io.stdout.write(`${describePlan(plan)}\n`);
  if (plan.before === plan.after) return 0;
  if (!yes && !(await confirm(`Apply this change to ${plan.file}? [y/N] `, io))) {
    io.stdout.write(
      process.stdin.isTTY ? 'Nothing changed.\n' : 'Nothing changed: run again with --yes to apply without asking.\n',
    );
    return 1;
  }
  applyPlan(plan);
  io.stdout.write(`Written${plan.before === null ? '' : `; the previous file is kept as ${backupFile(plan.file)}`}.\n`);
  return 0;
}

export const guardCommand: CliCommand = {
  name: 'guard',
  summary: 'install, remove or check the guard hook in Claude Code, Codex, Gemini CLI or Cline',
  usage: `install|uninstall|status [--agent ${GUARD_AGENTS.join('|')}] [--project|--user] [--dir <project>] [--hook-command "<cmd>"] [--yes]`,
  options: {
    agent: { type: 'string' },
    project: { type: 'boolean' },
    user: { type: 'boolean' },
    dir: { type: 'string' },
    'hook-command': { type: 'string' },
    yes: { type: 'boolean' },
  },
  async run(values, positionals, io) {
    const action = positionals[0];
    if (positionals.length !== 1 || !['install', 'uninstall', 'status'].includes(action!))
      return fail(io, 'expected install, uninstall or status');
    if (values.project === true && values.user === true) return fail(io, 'choose --project or --user, not both');
    const scope: InstallScope = values.user === true ? 'user' : 'project';
    const agentArg = typeof values.agent === 'string' ? values.agent : 'claude-code';
    if (!(GUARD_AGENTS as readonly string[]).includes(agentArg))
      return fail(io, `unknown agent '${agentArg}' (expected ${GUARD_AGENTS.join(', ')})`);
    const agent = agentArg as GuardAgent;
    const projectDir = resolve(typeof values.dir === 'string' ? values.dir : process.cwd());
    const command = typeof values['hook-command'] === 'string' ? values['hook-command'] : defaultHookCommand(agent);
    if (command === null)
      return fail(io, `cannot find ${HOOK_BUNDLE} next to this CLI (run the built CLI, or pass --hook-command)`);
    const file = settingsFile(agent, scope, projectDir);
    try {
      if (action === 'install') return await change(planInstall(agent, file, command), values.yes === true, io);
      if (action === 'uninstall') return await change(planUninstall(agent, file, command), values.yes === true, io);
      const installed = installState(agent, file, command);
      const state = installed.partial ? `${installed.words} (install again to add the rest)` : installed.words;
      io.stdout.write(`${agent} (${scope}): ${state} in ${file}\n  hook command: ${command}\n`);
      try {
        readGuardTiers(projectDir);
        io.stdout.write(
          `  tiers: ${existsSync(join(projectDir, GUARD_CONFIG_FILE)) ? join(projectDir, GUARD_CONFIG_FILE) : 'the defaults (no guard file)'}\n`,
        );
      } catch (err) {
        if (!(err instanceof GuardConfigError)) throw err;
        io.stdout.write(`  tiers: ${err.message} — the hook lets every edit through until this is fixed\n`);
        return 1;
      }
      return 0;
    } catch (err) {
      if (err instanceof SettingsFileError) return fail(io, err.message);
      throw err;
    }
  },
};
