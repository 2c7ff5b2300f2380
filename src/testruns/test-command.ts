// Whether a command line runs tests, read from its argv: the shell is parsed (chains, quotes,
// `bash -c`, `cd`), wrappers are peeled off (`npx`, `uv run`, `timeout 60`, `python -m`, …), and
// the runner is named from what is left. Package-manager scripts are resolved through the
// workspace's package.json when it can be read, and by the script's name otherwise.
import { basename, isAbsolute, resolve } from 'node:path';
import type { ScriptLookup } from './package-scripts';
import { isAssignment, simpleCommands } from './shell-words';

export interface TestInvocation {
  /** The runner ("pytest", "go", …; parser framework ids), or "unknown" for a wrapper by name. */
  framework: string;
  /** False when the runner only lists, compiles or describes tests (`--collect-only`, `go test -c`). */
  executesTests: boolean;
}

export interface CommandContext {
  /** The directory the command line starts in. */
  cwd?: string | undefined;
  scripts?: ScriptLookup;
}

/** How deep `bash -c` strings and scripts that call scripts are followed. */
const MAX_DEPTH = 6;

/** Null when the command line runs no test runner; otherwise its first test-running command. */
export function testInvocation(commandLine: string, context: CommandContext = {}): TestInvocation | null {
  return fromCommands(simpleCommands(commandLine), context, 0);
}

/**
 * Commands that print or edit text and never run tests, whatever file they are given. Not `git`
 * (a commit hook may run the suite) nor `find`/`fd` (`-exec pytest {}`).
 */
const TEXT_TOOLS = new Set([
  'cat',
  'bat',
  'batcat',
  'less',
  'more',
  'head',
  'tail',
  'grep',
  'egrep',
  'fgrep',
  'rg',
  'ag',
  'ack',
  'sed',
  'awk',
  'cut',
  'sort',
  'uniq',
  'wc',
  'tr',
  'echo',
  'printf',
  'ls',
  'tree',
  'stat',
  'file',
  'diff',
  'jq',
  'yq',
  'vim',
  'vi',
  'nvim',
  'nano',
  'emacs',
  'code',
  'open',
  'nl',
  'column',
  'xxd',
  'od',
  'tee',
  'touch',
  'mkdir',
  'cp',
  'mv',
  'rm',
  'chmod',
  'pwd',
  'cd',
  'realpath',
  'dirname',
  'basename',
  'true',
  'false',
  'sleep',
]);

/**
 * True when every command of the line only shows or edits text (`cat vitest.config.ts`,
 * `grep -rn pytest .`): its output is file content, never a run's report, whatever it says.
 */
export function onlyHandlesText(commandLine: string): boolean {
  const commands = simpleCommands(commandLine);
  return (
    commands.length > 0 &&
    commands.every((argv) => {
      const name = argv.find((w) => !isAssignment(w));
      return name === undefined || TEXT_TOOLS.has(basename(name));
    })
  );
}

function fromCommands(commands: readonly string[][], context: CommandContext, depth: number): TestInvocation | null {
  let cwd = context.cwd;
  let found: TestInvocation | null = null;
  for (const argv of commands) {
    const words = withoutAssignments(argv);
    if (words[0] === 'cd' || words[0] === 'pushd') {
      cwd = changedDirectory(cwd, words[1]);
      continue;
    }
    const invocation = fromArgv(words, { ...context, cwd }, depth);
    if (invocation?.executesTests) return invocation;
    found ??= invocation;
  }
  return found;
}

/** Where `cd target` leads; undefined when that cannot be known here (`cd`, `cd -`, `~`, `$VAR`). */
function changedDirectory(cwd: string | undefined, target: string | undefined): string | undefined {
  if (!target || target === '-' || target.startsWith('~') || target.includes('$')) return undefined;
  if (isAbsolute(target)) return resolve(target);
  return cwd === undefined ? undefined : resolve(cwd, target);
}

function withoutAssignments(argv: readonly string[]): string[] {
  let i = 0;
  while (i < argv.length && isAssignment(argv[i]!)) i++;
  return argv.slice(i);
}

/** Index of the first word at or after `from` that is not an option; `withValue` options take the next word. */
function firstOperand(argv: readonly string[], from: number, withValue: ReadonlySet<string> = NO_OPTIONS): number {
  let i = from;
  while (i < argv.length) {
    const w = argv[i]!;
    if (w === '--') return i + 1;
    if (!w.startsWith('-') || w === '-') return i;
    i += withValue.has(w) ? 2 : 1;
  }
  return i;
}

const NO_OPTIONS: ReadonlySet<string> = new Set();
const HELP = new Set(['--help', '-h', '--version']);

function runner(
  framework: string,
  args: readonly string[],
  listsOnly: (args: readonly string[]) => boolean,
): TestInvocation {
  return { framework, executesTests: !args.some((a) => HELP.has(a)) && !listsOnly(args) };
}

const has = (args: readonly string[], ...flags: string[]): boolean =>
  args.some((a) => flags.includes(a) || flags.some((f) => f.startsWith('--') && a.startsWith(`${f}=`)));

/** Runners named by their own executable, and the flags with which they run no test. */
const RUNNERS: Record<string, (args: readonly string[]) => TestInvocation | null> = {
  pytest: (a) =>
    runner('pytest', a, () =>
      has(a, '--collect-only', '--co', '--fixtures', '--fixtures-per-test', '--markers', '--setup-plan'),
    ),
  'py.test': (a) => RUNNERS.pytest!(a),
  unittest: (a) => runner('unittest', a, () => false),
  jest: (a) => runner('jest', a, () => has(a, '--listTests', '--showConfig', '--clearCache')),
  vitest: (a) => runner('vitest', a, () => ['list', 'bench', 'init'].includes(a[firstOperand(a, 0)] ?? '')),
  mocha: (a) => runner('mocha', a, () => has(a, '--dry-run', '--list-files', '--list-interfaces', '--list-reporters')),
  rspec: (a) => runner('rspec', a, () => has(a, '--dry-run', '--init')),
  phpunit: (a) =>
    runner('phpunit', a, () =>
      has(a, '--list-tests', '--list-tests-xml', '--list-groups', '--list-suites', '--list-test-files'),
    ),
  pest: (a) => RUNNERS.phpunit!(a),
  ctest: (a) => runner('ctest', a, () => has(a, '-N', '--show-only')),
  playwright: (a) => (a[0] === 'test' ? runner('playwright', a, () => has(a, '--list')) : null),
  tox: (a) => runner('unknown', a, () => has(a, '-l', '--listenvs', '-a', '--listenvs-all', '--notest')),
  nox: (a) => runner('unknown', a, () => has(a, '-l', '--list', '--list-sessions')),
};

function fromArgv(argv: readonly string[], context: CommandContext, depth: number): TestInvocation | null {
  if (argv.length === 0 || depth > MAX_DEPTH) return null;
  // `jest.js`, `pytest.exe`, `python3.12`: the program, whatever its suffix or version.
  const name = basename(argv[0]!)
    .replace(/\.(?:exe|cmd|js|mjs|cjs)$/, '')
    .replace(/^(python|pypy)[\d.]+$/, '$1');
  const args = argv.slice(1);
  const rest = (i: number): TestInvocation | null => fromArgv(withoutAssignments(args.slice(i)), context, depth);

  // Own keys only: a command named `constructor` or `__proto__` is not a runner.
  const direct = Object.hasOwn(RUNNERS, name) ? RUNNERS[name] : undefined;
  if (direct) return direct(args);
  switch (name) {
    // Programs that run the command after their own options.
    case 'env':
      return rest(firstOperand(args, 0, new Set(['-u', '--unset', '-C', '--chdir', '-S', '--split-string'])));
    case 'time':
    case 'nohup':
    case 'command':
    case 'exec':
    case 'xvfb-run':
    case 'stdbuf':
    case 'caffeinate':
      return rest(firstOperand(args, 0, new Set(['-s', '--server-args', '-f', '-o', '-e', '-i'])));
    case 'nice':
    case 'ionice':
      return rest(firstOperand(args, 0, new Set(['-n', '--adjustment', '-c', '--class'])));
    case 'sudo':
      return rest(firstOperand(args, 0, new Set(['-u', '--user', '-g', '--group', '-C', '-D', '--chdir'])));
    case 'timeout':
    case 'gtimeout': {
      const duration = firstOperand(args, 0, new Set(['-s', '--signal', '-k', '--kill-after']));
      return rest(duration + 1);
    }
    case 'bash':
    case 'sh':
    case 'zsh':
    case 'dash':
    case 'ksh':
    case 'fish': {
      const flag = args.findIndex((a) => /^-[a-z]*c[a-z]*$/.test(a));
      const script = flag === -1 ? undefined : args[flag + 1];
      return script === undefined ? null : fromCommands(simpleCommands(script), context, depth + 1);
    }
    case 'npx':
    case 'bunx':
    case 'pnpx':
      return rest(firstOperand(args, 0, new Set(['-p', '--package', '-c', '--call'])));
    case 'uv':
    case 'uvx':
    case 'poetry':
    case 'pipenv':
    case 'pdm':
    case 'rye':
    case 'hatch':
    case 'pixi':
    case 'conda':
    case 'mamba':
    case 'micromamba':
      return viaEnvironmentManager(name, args, context, depth);
    case 'python':
    case 'py':
    case 'pypy':
      return viaPython(args, context, depth);
    case 'node':
      return viaNode(args, context, depth);
    case 'npm':
    case 'pnpm':
    case 'yarn':
    case 'bun':
      return viaPackageManager(name, args, context, depth);
    case 'bundle':
      return args[0] === 'exec' ? rest(1) : null;
    case 'rails':
      return args[0] === 'test' || args[0] === 't' ? runner('minitest', args, () => false) : null;
    case 'rake':
      return byTaskName(args.filter((a) => !a.startsWith('-')));
    case 'php':
      if (args[0] === 'artisan')
        return args[1] === 'test' ? runner('phpunit', args.slice(2), () => has(args, '--list-tests')) : null;
      return rest(firstOperand(args, 0, new Set(['-d', '-c'])));
    case 'composer': {
      // `composer test` or `composer run-script test`: a script of composer.json, known by name.
      const script = args[0] === 'run-script' || args[0] === 'run' ? args[1] : args[0];
      return script === undefined ? null : byTaskName([script]);
    }
    case 'go':
      return args[0] === 'test' ? goTest(args.slice(1)) : null;
    case 'cargo':
      return cargo(args);
    case 'dotnet':
      return args[0] === 'test' ? runner('dotnet', args, () => has(args, '--list-tests', '-t')) : null;
    case 'deno':
      if (args[0] === 'test') return runner('deno', args, () => has(args, '--no-run', '--doc-only'));
      return args[0] === 'task' ? byTaskName(args.slice(1, 2)) : null;
    case 'swift':
      return args[0] === 'test'
        ? runner('swift', args, () => args[1] === 'list' || has(args, '--list-tests', '-l'))
        : null;
    case 'mvn':
    case 'mvnw':
      return maven(args);
    case 'gradle':
    case 'gradlew':
      return gradle(args);
    case 'make':
    case 'gmake':
      return make(args);
    case 'just':
      return taskRunner(
        args,
        ['--list', '-l', '--summary', '--show', '-s', '--evaluate'],
        ['--dry-run', '-n'],
        new Set([
          '-f',
          '--justfile',
          '-d',
          '--working-directory',
          '--set',
          '--shell',
          '--dotenv-filename',
          '--dotenv-path',
        ]),
      );
    case 'task':
      return taskRunner(
        args,
        ['--list', '-l', '--list-all', '-a', '--summary'],
        ['--dry', '-n'],
        new Set(['-d', '--dir', '-t', '--taskfile', '-o', '--output']),
      );
    case 'mise':
    case 'rtx':
      return mise(args, context, depth);
    case 'docker':
    case 'podman':
      return inContainer(args, context, depth);
    case 'turbo':
    case 'lerna':
      // `turbo run test --filter web`, `turbo test`, `lerna run test`.
      return byTaskName(args[0] === 'run' ? args.slice(1, 2) : args.slice(0, 1));
    case 'nx':
      return nx(args);
    default:
      return null;
  }
}

/** `uv run …`, `poetry run …`, `conda run -n env …`: the command after the manager's options. */
function viaEnvironmentManager(
  name: string,
  args: readonly string[],
  context: CommandContext,
  depth: number,
): TestInvocation | null {
  const valued = new Set([
    '--with',
    '--python',
    '-p',
    '--project',
    '--directory',
    '--package',
    '--extra',
    '--group',
    '--env-file',
    '--index',
    '-n',
    '--name',
    '--prefix',
    '-e',
    '--environment',
    '--manifest-path',
    '--from',
  ]);
  const start = name === 'uvx' ? 0 : args[0] === 'run' ? 1 : -1;
  if (start === -1) return null;
  const command = args.slice(firstOperand(args, start, valued));
  // `hatch run test`, `pdm run test`: a script of the project's own, known by its name only.
  return (
    fromArgv(command, context, depth) ??
    (command.length > 0 && !command[0]!.includes('/') ? byTaskName(command.slice(0, 1)) : null)
  );
}

function viaPython(args: readonly string[], context: CommandContext, depth: number): TestInvocation | null {
  const start = firstOperand(args, 0, new Set(['-W', '-X', '-c', '-m']));
  const module = args.indexOf('-m');
  if (module !== -1 && module < start) return fromArgv(args.slice(module + 1), context, depth);
  if (args.slice(0, start).includes('-c')) return null;
  const script = args[start];
  if (script !== undefined && basename(script) === 'manage.py' && args[start + 1] === 'test')
    return runner('unittest', args.slice(start + 2), () => false);
  return null;
}

function viaNode(args: readonly string[], context: CommandContext, depth: number): TestInvocation | null {
  const start = firstOperand(
    args,
    0,
    new Set([
      '-r',
      '--require',
      '--import',
      '--loader',
      '--experimental-loader',
      '-e',
      '--eval',
      '-p',
      '--print',
      '--test-reporter',
      '--test-reporter-destination',
      '--test-name-pattern',
      '--test-skip-pattern',
      '--test-concurrency',
      '--test-timeout',
    ]),
  );
  const options = args.slice(0, start);
  if (options.includes('--test')) return runner('node:test', args, () => false);
  // `node node_modules/.bin/jest`, `node ./node_modules/vitest/vitest.mjs run`
  const script = args[start];
  return script === undefined ? null : fromArgv([script, ...args.slice(start + 1)], context, depth);
}

/** `npm test`, `pnpm run test:unit`, `yarn vitest`, `bun test`, `npm exec jest`. */
function viaPackageManager(
  name: string,
  args: readonly string[],
  context: CommandContext,
  depth: number,
): TestInvocation | null {
  const valued = new Set(['--prefix', '-C', '--dir', '--cwd', '-w', '--workspace', '--filter', '-F']);
  let dir = context.cwd;
  let otherPackage = false;
  let i = 0;
  for (; i < args.length && args[i]!.startsWith('-'); i += valued.has(args[i]!) ? 2 : 1) {
    const option = args[i]!;
    if (['--prefix', '-C', '--dir', '--cwd'].includes(option)) dir = changedDirectory(dir, args[i + 1]);
    // A workspace package, or every package: which package.json applies is not known here.
    else if (['-w', '--workspace', '--filter', '-F', '-r', '--recursive', '--workspaces', '-ws'].includes(option))
      otherPackage = true;
  }
  let sub = args[i];
  if (name === 'yarn' && sub === 'workspace') {
    otherPackage = true;
    i += 2;
    sub = args[i];
  }
  const after = args.slice(i + 1);
  const scripts = otherPackage || !dir ? undefined : context.scripts?.(dir);
  const here: CommandContext = { ...context, cwd: dir };
  const script = (scriptName: string | undefined, extra: readonly string[]): TestInvocation | null =>
    scriptName === undefined ? null : runScript(scriptName, extra, scripts, here, depth);
  const bin = (argv: readonly string[]): TestInvocation | null =>
    fromArgv(argv[0] === '--' ? argv.slice(1) : argv, here, depth);

  if (sub === undefined) return null;
  if (name === 'bun' && sub === 'test') return runner('bun', after, () => false);
  if (sub === 'test' || sub === 't' || sub === 'tst') return script('test', after);
  if (sub === 'run' || sub === 'run-script' || sub === 'rum' || sub === 'urn') {
    const at = firstOperand(after, 0);
    const scriptName = after[at];
    // `bun run vitest`, `yarn run jest`: a binary when there is no such script.
    if (scriptName !== undefined && name !== 'npm' && scriptBody(scripts, scriptName) === undefined)
      return bin(after.slice(at)) ?? script(scriptName, after.slice(at + 1));
    return script(scriptName, after.slice(at + 1));
  }
  if (sub === 'exec' || sub === 'x' || sub === 'dlx')
    return bin(after.slice(firstOperand(after, 0, new Set(['-p', '--package', '-c', '--call']))));
  if (name === 'npm') return null;
  // pnpm, yarn and bun run a script, or failing that a binary, named directly: `pnpm vitest`.
  return scriptBody(scripts, sub) !== undefined ? script(sub, after) : (bin([sub, ...after]) ?? script(sub, after));
}

/**
 * A package.json script: what its body runs when the workspace's package.json is readable (the
 * arguments after the script's name are appended to its last command, as npm does), otherwise
 * whether its name says it runs tests.
 */
function runScript(
  name: string,
  extra: readonly string[],
  scripts: Readonly<Record<string, string>> | undefined,
  context: CommandContext,
  depth: number,
): TestInvocation | null {
  if (!scripts) return byTaskName([name]);
  const body = scriptBody(scripts, name);
  // npm answers "Missing script" and runs nothing.
  if (body === undefined) return null;
  const commands = simpleCommands(body);
  const forwarded = extra[0] === '--' ? extra.slice(1) : extra;
  if (commands.length > 0 && forwarded.length > 0)
    commands[commands.length - 1] = [...commands[commands.length - 1]!, ...forwarded];
  const resolved = fromCommands(commands, context, depth + 1);
  if (resolved) return resolved;
  // npm's placeholder, `echo "Error: no test specified" && exit 1`, runs nothing.
  if (commands.every((argv) => ['echo', 'exit', 'printf', 'true', 'false', ':'].includes(argv[0] ?? ''))) return null;
  return byTaskName([name]);
}

/** The script's command; own keys only (`npm run constructor` names no script). */
function scriptBody(scripts: Readonly<Record<string, string>> | undefined, name: string): string | undefined {
  return scripts && Object.hasOwn(scripts, name) ? scripts[name] : undefined;
}

/** Make targets, just recipes, mise tasks, npm scripts whose names say they run tests. */
const TEST_TASK = /^(?:unit-?)?(?:tests?|specs?)(?:[-:_./].*)?$|[-:_.](?:tests?|specs?)$/i;

/** A wrapper that runs tests by name: the runner behind it is unknown. */
function byTaskName(tasks: readonly string[], alsoTest: ReadonlySet<string> = NO_OPTIONS): TestInvocation | null {
  return tasks.some((t) => TEST_TASK.test(t) || alsoTest.has(t)) ? { framework: 'unknown', executesTests: true } : null;
}

function goTest(args: readonly string[]): TestInvocation {
  return runner('go', args, () => {
    if (has(args, '-c', '-list', '--list')) return true;
    // `-run '^$'`, the idiom for running benchmarks or fuzzing without tests.
    const run = args.findIndex((a) => a === '-run' || a === '--run' || a.startsWith('-run=') || a.startsWith('--run='));
    const pattern =
      run === -1 ? undefined : args[run]!.includes('=') ? args[run]!.slice(args[run]!.indexOf('=') + 1) : args[run + 1];
    return pattern === '^$' || pattern === '$^' || pattern === 'NONE' || pattern === 'XXX';
  });
}

function cargo(args: readonly string[]): TestInvocation | null {
  // `cargo +nightly test`: the toolchain is not the subcommand.
  const plain = args.filter((a) => !a.startsWith('+'));
  const at = firstOperand(plain, 0, new Set(['-Z', '--config', '-C', '--manifest-path', '--color']));
  const sub = plain[at];
  const after = plain.slice(at + 1);
  if (sub === 'test' || sub === 't') {
    const own = after.includes('--') ? after.slice(0, after.indexOf('--')) : after;
    const harness = after.includes('--') ? after.slice(after.indexOf('--') + 1) : [];
    return runner('cargo', own, () => has(own, '--no-run') || has(harness, '--list'));
  }
  if (sub !== 'nextest') return null;
  const command = after[firstOperand(after, 0)];
  if (command === 'run' || command === 'r') return runner('nextest', after, () => has(after, '--no-run', '--list'));
  if (command === 'list' || command === 'archive' || command === 'show-config')
    return { framework: 'nextest', executesTests: false };
  return null;
}

const MAVEN_TEST_PHASES = new Set([
  'test',
  'verify',
  'install',
  'deploy',
  'package',
  'integration-test',
  'surefire:test',
  'failsafe:integration-test',
]);

function maven(args: readonly string[]): TestInvocation | null {
  const valued = new Set([
    '-pl',
    '--projects',
    '-f',
    '--file',
    '-s',
    '--settings',
    '-P',
    '--activate-profiles',
    '-T',
    '--threads',
    '-rf',
    '--resume-from',
    '-gs',
    '-t',
  ]);
  const goals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (valued.has(a)) i++;
    else if (!a.startsWith('-')) goals.push(a);
  }
  if (!goals.some((g) => MAVEN_TEST_PHASES.has(g))) return null;
  return runner('maven', args, () => args.some((a) => /^-D(?:skipTests|maven\.test\.skip)(?:=true)?$/.test(a)));
}

function gradle(args: readonly string[]): TestInvocation | null {
  const valued = new Set([
    '-x',
    '--exclude-task',
    '-p',
    '--project-dir',
    '-b',
    '--build-file',
    '-c',
    '--settings-file',
    '--tests',
    '-D',
    '-P',
    '--init-script',
    '-I',
  ]);
  const tasks: string[] = [];
  const excluded: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-x' || a === '--exclude-task') excluded.push(args[++i] ?? '');
    else if (valued.has(a)) i++;
    else if (!a.startsWith('-')) tasks.push(a);
  }
  const testTask = (t: string): boolean => /(?:^|:)(?:test|check|build)$|Test$/.test(t);
  if (!tasks.some(testTask)) return null;
  // `gradle build -x test`: build and check run the test task only when it is not excluded.
  const testExcluded = excluded.some((x) => /(?:^|:)test$/.test(x));
  const runsTests = (t: string): boolean =>
    !excluded.includes(t) && !(testExcluded && /(?:^|:)(?:build|check)$/.test(t));
  return runner('gradle', args, () => has(args, '--dry-run', '-m') || !tasks.filter(testTask).some(runsTests));
}

function make(args: readonly string[]): TestInvocation | null {
  const valued = new Set([
    '-C',
    '--directory',
    '-f',
    '--file',
    '--makefile',
    '-j',
    '--jobs',
    '-l',
    '--load-average',
    '-o',
    '-W',
    '-I',
  ]);
  const targets: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (valued.has(a)) i++;
    else if (!a.startsWith('-') && !isAssignment(a)) targets.push(a);
  }
  const found = byTaskName(targets, new Set(['check']));
  return (
    found && runner('unknown', args, () => has(args, '-n', '--dry-run', '--just-print', '--recon', '-q', '--question'))
  );
}

/** `just test`, `task test:unit`: the first operand is the recipe. */
function taskRunner(
  args: readonly string[],
  listing: string[],
  dryRun: string[],
  valued: ReadonlySet<string>,
): TestInvocation | null {
  if (has(args, ...listing)) return null;
  const recipe = args[firstOperand(args, 0, valued)];
  const found = recipe === undefined ? null : byTaskName([recipe]);
  return found && runner('unknown', args, () => has(args, ...dryRun));
}

function mise(args: readonly string[], context: CommandContext, depth: number): TestInvocation | null {
  const sub = args[0];
  if (sub === 'exec' || sub === 'x') {
    const dash = args.indexOf('--');
    return dash === -1 ? null : fromArgv(args.slice(dash + 1), context, depth);
  }
  if (sub !== 'run' && sub !== 'r') return null;
  // `mise run test ::: lint` runs several tasks.
  const tasks = args
    .slice(1)
    .filter((a, i, all) => !a.startsWith('-') && all[i - 1] !== '-C' && all[i - 1] !== '--cd' && a !== ':::');
  const found = byTaskName(tasks);
  return found && runner('unknown', args, () => has(args, '--dry-run', '-n'));
}

/**
 * `docker compose exec web pytest`, `docker exec -it api npm test`, `docker run --rm img go test`:
 * the command after the container (or service, or image). Its package.json is the container's.
 */
function inContainer(args: readonly string[], context: CommandContext, depth: number): TestInvocation | null {
  const compose = args[0] === 'compose' ? 1 : 0;
  const sub = args[compose];
  if (sub !== 'exec' && sub !== 'run') return null;
  const valued = new Set([
    '-e',
    '--env',
    '--env-file',
    '-w',
    '--workdir',
    '-u',
    '--user',
    '-v',
    '--volume',
    '--name',
    '-p',
    '--publish',
    '--entrypoint',
    '--network',
    '--platform',
    '-l',
    '--label',
    '--mount',
    '--index',
    '-f',
    '--file',
    '--project-name',
  ]);
  const target = firstOperand(args, compose + 1, valued);
  return fromArgv(withoutAssignments(args.slice(target + 1)), { ...context, cwd: undefined }, depth);
}

/** `nx test web`, `nx run web:test`, `nx affected -t test lint`, `nx run-many --target=test`. */
function nx(args: readonly string[]): TestInvocation | null {
  const sub = args[0];
  if (sub === 'run') return byTaskName([(args[1] ?? '').split(':')[1] ?? '']);
  if (sub === 'affected' || sub === 'run-many') {
    const targets: string[] = [];
    for (let i = 1; i < args.length; i++) {
      const a = args[i]!;
      const inline = /^--targets?=(.*)$/.exec(a);
      if (inline) targets.push(...inline[1]!.split(','));
      else if (a === '-t' || a === '--target' || a === '--targets')
        for (let j = i + 1; j < args.length && !args[j]!.startsWith('-'); j++) targets.push(...args[j]!.split(','));
    }
    return byTaskName(targets);
  }
  return sub === undefined ? null : byTaskName([sub]);
}
