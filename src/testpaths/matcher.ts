// Decides whether a file is part of a test suite (tests, fixtures, snapshots, runner config), so
// edits to it can be weighed by the tamper rules.
import { isAbsolute, relative } from 'node:path';
import { globToRegExp } from './glob';

/** Defaults for JS/TS, Python, Go, Rust, Java/Kotlin, C#, Ruby, PHP. Users may replace them. */
export const DEFAULT_TEST_GLOBS: readonly string[] = [
  // JS / TS
  '**/*.test.*',
  '**/*.spec.*',
  '**/__tests__/**',
  '**/__mocks__/**',
  '**/test/**',
  '**/tests/**',
  '**/e2e/**',
  // Python
  '**/test_*.py',
  '**/*_test.py',
  '**/conftest.py',
  // Go
  '**/*_test.go',
  '**/testdata/**',
  // Rust (`tests/` above covers integration tests)
  '**/benches/**',
  // Java / Kotlin (Maven and Gradle layout)
  '**/src/test/**',
  '**/*Test.{java,kt}',
  '**/*Tests.{java,kt}',
  '**/*IT.{java,kt}',
  // C#
  '**/*Tests/**',
  '**/*.Tests/**',
  '**/*Tests.cs',
  '**/*Test.cs',
  // Ruby, PHP
  '**/spec/**',
  '**/*_spec.rb',
  '**/*_test.rb',
  '**/*Test.php',
  // Snapshots
  '**/__snapshots__/**',
  '**/*.snap',
  '**/snapshots/**',
  // Runner configuration
  '**/{jest,vitest,karma,playwright,cypress}.config.*',
  '**/.mocharc*',
  '**/pytest.ini',
  '**/tox.ini',
  '**/phpunit.xml*',
  '**/.rspec',
  '**/*.runsettings',
];

export class TestPathMatcher {
  private readonly patterns: RegExp[];

  constructor(
    globs: readonly string[] = DEFAULT_TEST_GLOBS,
    private readonly workspaceRoot?: string,
  ) {
    const caseInsensitive = process.platform === 'win32';
    this.patterns = globs.filter((g) => g.trim() !== '').map((g) => globToRegExp(g.trim(), caseInsensitive));
  }

  /**
   * `path` may be absolute (matched relative to `root` when inside it, so folders above the
   * project do not count) or relative to the root.
   */
  isTestPath(path: string, root: string | undefined = this.workspaceRoot): boolean {
    let candidate = path;
    if (root && isAbsolute(path)) {
      const rel = relative(root, path);
      if (rel && !rel.startsWith('..') && !isAbsolute(rel)) candidate = rel;
    }
    candidate = candidate.replace(/\\/g, '/').replace(/^\/+/, '');
    return this.patterns.some((p) => p.test(candidate));
  }
}
