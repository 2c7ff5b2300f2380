// `npm start` checks its system packages before anything slow: a missing one is named with the
// command that installs it; as root with apt-get it installs them itself. Commands are looked up
// on a PATH made of a temporary folder, so the machine's own packages play no part.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureSystemNeeds, INSTALL_SCRIPT, PACKAGE_LIST, parseSystemNeeds } from '../../../scripts/system-needs';

const repo = resolve('.');
const work = mkdtempSync(join(tmpdir(), 'av-sysneeds-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** A folder for PATH holding links to the given real commands and fake scripts. */
function binFolder(name: string, real: string[], fakes: Record<string, string> = {}): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  for (const cmd of real) {
    const found = spawnSync('bash', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).stdout.trim();
    symlinkSync(found, join(dir, cmd));
  }
  for (const [cmd, body] of Object.entries(fakes)) {
    writeFileSync(join(dir, cmd), `#!/bin/bash\n${body}\n`);
    chmodSync(join(dir, cmd), 0o755);
  }
  return dir;
}

/** A project root holding `list` as its package list and the real install script. */
function projectWith(name: string, list: string): string {
  const root = join(work, name);
  mkdirSync(join(root, '.ci'), { recursive: true });
  writeFileSync(join(root, PACKAGE_LIST), list);
  copyFileSync(join(repo, INSTALL_SCRIPT), join(root, INSTALL_SCRIPT));
  return root;
}

test("the project's package list parses, and names what code-server's first install uses", () => {
  const needs = parseSystemNeeds(readFileSync(join(repo, PACKAGE_LIST), 'utf8'));
  const start = needs.filter((n) => n.who === 'start').map((n) => n.pkg);
  for (const pkg of ['ripgrep', 'g++', 'make', 'python3', 'libkrb5-dev'])
    assert.ok(start.includes(pkg), `${pkg} is a start need`);
  assert.ok(needs.every((n) => n.who === 'start' || n.who === 'tests'));
  assert.throws(
    () => parseSystemNeeds('ripgrep start binary rg\n'),
    /debian-packages:1: expected 'package who command\|file target'/,
  );
});

test('a missing command or file is named with the command that installs it, and nothing is installed without root', () => {
  const header = join(work, 'present.h');
  writeFileSync(header, '');
  const root = projectWith(
    'p1',
    [
      '# comment',
      'ripgrep      start command rg',
      'make         start command make',
      `libkrb5-dev  start file ${join(work, 'absent.h')}`,
      `libthere-dev start file ${header}`,
      'chromium     tests command chromium',
    ].join('\n'),
  );
  const path = binFolder('bin1', ['bash', 'make'], { 'apt-get': 'echo apt-get "$@" >> "$0.log"' });
  const log: string[] = [];
  assert.throws(
    () => ensureSystemNeeds('start', { repoRoot: root, path, isRoot: false, log: (l) => log.push(l) }),
    (err: Error) => {
      assert.equal(
        err.message,
        [
          `npm start needs system packages that are missing: ripgrep (no \`rg\` on PATH), libkrb5-dev (no ${join(work, 'absent.h')}).`,
          'Install them, then run npm start again:',
          '  sudo bash .ci/install-system-packages start      # Debian/Ubuntu: installs only what is missing',
          "Elsewhere, install your system's equivalents of: ripgrep libkrb5-dev.",
        ].join('\n'),
      );
      return true;
    },
  );
  assert.deepEqual(log, []);
  assert.throws(() => readFileSync(join(path, 'apt-get.log')), /ENOENT/, 'apt-get never ran');
  // Root without apt-get gets the same advice.
  assert.throws(
    () =>
      ensureSystemNeeds('start', {
        repoRoot: root,
        path: binFolder('bin1b', ['bash']),
        isRoot: true,
        log: () => undefined,
      }),
    /^Error: npm start needs system packages that are missing: ripgrep/,
  );
});

test('as root with apt-get, the missing start packages are installed after saying so, and only those', () => {
  const root = projectWith(
    'p2',
    ['ripgrep start command rg', 'make start command make', 'chromium tests command chromium'].join('\n'),
  );
  const bin = join(work, 'bin2');
  // dpkg knows make only; apt-get records its arguments and "installs" rg.
  binFolder('bin2', ['bash', 'cat', 'chmod', 'dirname', 'id', 'make', 'mktemp', 'rm'], {
    dpkg: '[ "$2" = make ]',
    'apt-get': `echo "$@" >> "$0.log"; [ "$1" = install ] && printf '#!/bin/sh\\n' > ${bin}/rg && chmod +x ${bin}/rg; true`,
  });
  const log: string[] = [];
  ensureSystemNeeds('start', { repoRoot: root, path: bin, isRoot: true, log: (l) => log.push(l) });
  assert.deepEqual(log, [
    'npm start needs ripgrep: running as root, so installing them now with apt-get (bash .ci/install-system-packages start).',
  ]);
  assert.deepEqual(readFileSync(join(bin, 'apt-get.log'), 'utf8').trim().split('\n'), [
    'update -qq',
    'install -y -qq --no-install-recommends ripgrep',
  ]);
});

test('an install that fails leaves the advice and says the install failed', () => {
  const root = projectWith('p3', 'ripgrep start command rg\n');
  const path = binFolder('bin3', ['bash', 'cat', 'dirname', 'id', 'mktemp', 'rm'], {
    dpkg: 'exit 1',
    'apt-get': 'exit 100',
  });
  assert.throws(
    () => ensureSystemNeeds('start', { repoRoot: root, path, isRoot: true, log: () => undefined }),
    /^Error: npm start needs system packages that are missing: ripgrep \(no `rg` on PATH\)\.[\s\S]*\(the install failed with exit status 1; apt-get's output is above\.\)$/,
  );
});

test('`npm start` without ripgrep and the compilers stops at once with the advice, before packaging', () => {
  const path = binFolder('bin4', ['bash', 'dirname', 'node']);
  const started = Date.now();
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(repo, 'scripts/start.ts')], {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, PATH: path, AGENT_VITALS_CODE_SERVER_CACHE: join(work, 'no-code-server') },
  });
  const seconds = (Date.now() - started) / 1000;
  assert.equal(run.status, 1);
  assert.equal(run.stdout, '', 'nothing was packaged or built');
  assert.match(
    run.stderr,
    /^npm start needs system packages that are missing: ripgrep \(no `rg` on PATH\), g\+\+ \(no `g\+\+` on PATH\), make \(no `make` on PATH\), python3 \(no `python3` on PATH\)/,
  );
  assert.match(run.stderr, /sudo bash \.ci\/install-system-packages start/);
  assert.ok(seconds < 30, `stopped after ${seconds} s`);
});
