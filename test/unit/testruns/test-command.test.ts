import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readPackageScripts, type ScriptLookup } from '../../../src/testruns/package-scripts';
import { simpleCommands } from '../../../src/testruns/shell-words';
import { onlyHandlesText, testInvocation } from '../../../src/testruns/test-command';

const dir = join(__dirname, '../../fixtures/test-commands');
const realCommands = JSON.parse(readFileSync(join(dir, 'commands.json'), 'utf8')) as Record<
  string,
  [string, string | null][]
>;

for (const [origin, cases] of Object.entries(realCommands)) {
  test(`real command lines (${origin}): the runner is read from argv, other commands are not runs`, () => {
    for (const [command, framework] of cases) {
      assert.deepEqual(
        testInvocation(command),
        framework === null ? null : { framework, executesTests: true },
        command,
      );
    }
  });
}

test('the shell is parsed: quotes, escapes, chains, redirections, comments and here-documents', () => {
  assert.deepEqual(
    simpleCommands(`cd 'my dir' && FOO="a b" pytest -k "not slow" 2>&1 | tail -n 20; echo done # note`),
    [
      ['cd', 'my dir'],
      ['FOO=a b', 'pytest', '-k', 'not slow'],
      ['tail', '-n', '20'],
      ['echo', 'done'],
    ],
  );
  assert.deepEqual(simpleCommands('go test ./... >out.txt 2>/dev/null || true'), [['go', 'test', './...'], ['true']]);
  assert.deepEqual(simpleCommands('echo a\\ b "q\\"uote" \'$HOME\''), [['echo', 'a b', 'q"uote', '$HOME']]);
  // A here-document's body is the file's text, not commands.
  assert.deepEqual(simpleCommands("cat > t.sh <<'EOF'\npytest -x\nnpm test\nEOF\nls"), [['cat'], ['ls']]);
  assert.deepEqual(simpleCommands('(cd app && npm test) &> log'), [
    ['cd', 'app'],
    ['npm', 'test'],
  ]);
});

// Written for the shapes issue 19 lists; each expectation is what the runner's documentation says.
const WRAPPED: [command: string, framework: string][] = [
  ['FOO=1 BAR=2 pytest -q', 'pytest'],
  ["bash -lc 'cd /repo && python -m pytest tests/test_api.py -x'", 'pytest'],
  ['sh -c "npx vitest run src/a.test.ts"', 'vitest'],
  ['cd web && npx --yes jest --ci', 'jest'],
  ['pnpm exec vitest run', 'vitest'],
  ['yarn jest --watch=false', 'jest'],
  ['yarn vitest', 'vitest'],
  ['uv run --with pytest-xdist pytest -n 4', 'pytest'],
  ['poetry run pytest', 'pytest'],
  ['pipenv run python -m pytest', 'pytest'],
  ['python3 -W ignore -m unittest discover -s tests', 'unittest'],
  ['python manage.py test polls', 'unittest'],
  ['/usr/bin/python3.12 -m pytest -q', 'pytest'],
  ['composer test', 'unknown'],
  ['bundle exec rspec spec/models/user_spec.rb', 'rspec'],
  ['bundle exec rake test', 'unknown'],
  ['bin/rails test test/models', 'minitest'],
  ['dotnet test --filter Category=Unit', 'dotnet'],
  ['go test -race -run TestParse ./pkg/...', 'go'],
  ['cargo +nightly test --workspace', 'cargo'],
  ['cargo nextest run --no-fail-fast', 'nextest'],
  ['timeout 300 npm test', 'unknown'],
  ['timeout --signal=KILL 60s go test ./...', 'go'],
  ['env CI=1 npx jest', 'jest'],
  ['time pytest', 'pytest'],
  ['nice -n 10 cargo test', 'cargo'],
  ['node --test test/', 'node:test'],
  ['node --experimental-vm-modules node_modules/.bin/jest', 'jest'],
  ['./node_modules/.bin/mocha --reporter spec', 'mocha'],
  ['vendor/bin/phpunit --filter UserTest', 'phpunit'],
  ['php artisan test', 'phpunit'],
  ['./mvnw -q test -Dtest=CalcTest', 'maven'],
  ['mvn clean install', 'maven'],
  ['./gradlew :app:testDebugUnitTest', 'gradle'],
  ['gradle build', 'gradle'],
  ['./gradlew integrationTest -x test', 'gradle'],
  ['make test', 'unknown'],
  ['make -C build check', 'unknown'],
  ['mise run test', 'unknown'],
  ['mise exec -- pytest -x', 'pytest'],
  ['just test-unit', 'unknown'],
  ['task test', 'unknown'],
  ['tox -e py312', 'unknown'],
  ['nox -s tests', 'unknown'],
  ['npm run test:unit', 'unknown'],
  ['npm run --silent test:e2e', 'unknown'],
  ['npm test -- --coverage', 'unknown'],
  ['npm --prefix client test', 'unknown'],
  ['pnpm test', 'unknown'],
  ['yarn test', 'unknown'],
  ['bun test', 'bun'],
  ['npx playwright test --project=chromium', 'playwright'],
  ['docker compose exec web python -m pytest -x', 'pytest'],
  ['docker exec -it -w /app api npm test', 'unknown'],
  ['docker run --rm -v "$PWD:/src" -w /src golang:1.22 go test ./...', 'go'],
  ['npx nx test web', 'unknown'],
  ['nx run api:test --coverage', 'unknown'],
  ['nx affected -t lint test', 'unknown'],
  ['turbo run test --filter=web', 'unknown'],
  ['git stash && pytest -x; git stash pop', 'pytest'],
  ['pytest -x || true', 'pytest'],
];

test('wrappers are peeled off to the runner: env, shells, package runners, environment managers, task runners', () => {
  for (const [command, framework] of WRAPPED)
    assert.deepEqual(testInvocation(command), { framework, executesTests: true }, command);
});

const NO_TESTS_EXECUTED: [command: string, framework: string][] = [
  ['go test -c ./pkg/parser', 'go'],
  ['go test -c -o parser.test', 'go'],
  ['go test -list . ./...', 'go'],
  ["go test -run '^$' -bench . ./...", 'go'],
  ['go test -run=XXX -bench=BenchmarkParse', 'go'],
  ['pytest --collect-only -q', 'pytest'],
  ['python -m pytest --co tests/', 'pytest'],
  ['pytest --fixtures', 'pytest'],
  ['npx jest --listTests', 'jest'],
  ['npx vitest list', 'vitest'],
  ['cargo test --no-run', 'cargo'],
  ['cargo test -- --list', 'cargo'],
  ['cargo nextest list', 'nextest'],
  ['dotnet test --list-tests', 'dotnet'],
  ['npx mocha --dry-run', 'mocha'],
  ['bundle exec rspec --dry-run', 'rspec'],
  ['vendor/bin/phpunit --list-tests', 'phpunit'],
  ['mvn package -DskipTests', 'maven'],
  ['mvn install -Dmaven.test.skip=true', 'maven'],
  ['./gradlew build -x test', 'gradle'],
  ['pytest --help', 'pytest'],
  ['make -n test', 'unknown'],
  ['tox -l', 'unknown'],
  ['ctest -N', 'ctest'],
];

test("the runner's own flags that execute no test are understood", () => {
  for (const [command, framework] of NO_TESTS_EXECUTED)
    assert.deepEqual(testInvocation(command), { framework, executesTests: false }, command);
});

test('commands that only name a runner or a test file are not runs', () => {
  for (const command of [
    'cat vitest.config.ts',
    'grep pytest requirements.txt',
    'rg -n "go test" Makefile',
    'vim test_x.py',
    'code tests/test_api.py',
    'sed -n 1,40p jest.config.js',
    'npm install --save-dev jest',
    'pip install pytest',
    'go vet ./...',
    'go build ./...',
    'cargo build',
    'mvn compile',
    'gradle assemble',
    'make build',
    'npm run lint',
    'python -c "import pytest; print(pytest.__version__)"',
    'echo "run pytest next"',
    'git commit -m "fix jest config"',
    'ls tests/',
    'docker compose up -d db',
    'docker run --rm -p 8080:80 nginx',
    'nx build web',
    'nx run api:serve',
    'turbo run build',
  ]) {
    assert.equal(testInvocation(command), null, command);
  }
  // Names that are also properties of every object are ordinary names here.
  for (const command of ['__proto__', 'constructor', 'toString --help', 'npm run constructor', 'pnpm __proto__']) {
    assert.equal(testInvocation(command), null, command);
    assert.equal(testInvocation(command, { cwd: '/ws', scripts: () => ({ test: 'jest' }) }), null, command);
  }
  assert.ok(onlyHandlesText('cat vitest.config.ts'));
  assert.ok(onlyHandlesText('cat test-results.log | grep -c passed'));
  assert.ok(!onlyHandlesText('./run_tests.sh'));
  assert.ok(!onlyHandlesText('cat x && ./run_tests.sh'));
});

test('package-manager scripts are resolved through the workspace package.json when it can be read', () => {
  const scripts: Record<string, Record<string, string>> = {
    '/ws': {
      test: 'vitest run',
      'test:unit': 'jest --ci',
      check: 'vitest list',
      verify: 'npm run lint && npm test',
      lint: 'eslint .',
      e2e: 'playwright test',
      start: 'node server.js',
    },
    '/ws/packages/api': { test: 'echo "Error: no test specified" && exit 1' },
  };
  const lookup: ScriptLookup = (d) => scripts[d];
  const at = (command: string, cwd = '/ws') => testInvocation(command, { cwd, scripts: lookup });
  assert.deepEqual(at('npm test'), { framework: 'vitest', executesTests: true });
  assert.deepEqual(at('npm run test:unit'), { framework: 'jest', executesTests: true });
  // Arguments after the script name reach the script's command.
  assert.deepEqual(at('npm run test:unit -- --listTests'), { framework: 'jest', executesTests: false });
  assert.deepEqual(at('pnpm check'), { framework: 'vitest', executesTests: false });
  assert.deepEqual(at('yarn verify'), { framework: 'vitest', executesTests: true });
  assert.deepEqual(at('yarn e2e'), { framework: 'playwright', executesTests: true });
  assert.equal(at('npm start'), null);
  assert.equal(at('npm run lint'), null);
  // npm's placeholder test script runs nothing; `cd` changes which package.json applies.
  assert.equal(at('cd packages/api && npm test'), null);
  assert.equal(at('npm test', '/ws/packages/api'), null);
  // A script the package does not have: npm stops with "Missing script".
  assert.equal(at('npm run test:e2e'), null);
  // Without a readable package.json the script's name decides.
  assert.deepEqual(at('npm run test:e2e', '/elsewhere'), { framework: 'unknown', executesTests: true });
  assert.equal(at('npm run verify', '/elsewhere'), null);
});

test("a real monorepo's scripts (vitest's package.json, read from disk)", () => {
  const cwd = join(dir, 'vitest-monorepo');
  const at = (command: string) => testInvocation(command, { cwd, scripts: readPackageScripts });
  // `ci` chains typecheck, lint, build and test:ci; only the last runs tests.
  assert.deepEqual(at('pnpm run ci'), { framework: 'unknown', executesTests: true });
  assert.equal(testInvocation('pnpm run ci'), null);
  assert.deepEqual(at('pnpm test:ecosystem-ci'), { framework: 'unknown', executesTests: true });
  assert.deepEqual(at('pnpm ui:test'), { framework: 'unknown', executesTests: true });
  for (const command of [
    'pnpm lint:fix',
    'pnpm run typecheck',
    'pnpm knip',
    'pnpm ui:build',
    'pnpm docs',
    'pnpm no-such-script',
  ]) {
    assert.equal(at(command), null, command);
  }
});

test('any shell-like text is read without throwing, quickly, even when scripts call each other', async () => {
  const fc = (await import('fast-check')).default;
  const token = fc.constantFrom(
    'npm',
    'pnpm',
    'run',
    'test',
    'ci',
    'bash',
    '-lc',
    "'",
    '"',
    '\\',
    '&&',
    '||',
    '|',
    ';',
    '\n',
    '<<',
    'EOF',
    '>',
    '2>&1',
    '(',
    ')',
    'cd',
    '..',
    '--',
    'FOO=1',
    'env',
    'timeout',
    '9',
    'npx',
    'jest',
    'go',
    '-c',
    'constructor',
    '#',
    ' ',
    '  ',
  );
  // Scripts that run each other in a loop: resolution must stop.
  const scripts: ScriptLookup = () => ({ test: 'npm run ci', ci: 'pnpm test && npm test', lint: 'npm run lint' });
  fc.assert(
    fc.property(fc.array(token, { maxLength: 300 }), (tokens) => {
      const line = tokens.join(' ');
      const started = performance.now();
      const found = testInvocation(line, { cwd: '/ws', scripts });
      assert.ok(performance.now() - started < 100, `took too long on ${JSON.stringify(line)}`);
      assert.ok(found === null || (typeof found.framework === 'string' && typeof found.executesTests === 'boolean'));
    }),
    { numRuns: 300 },
  );
});
