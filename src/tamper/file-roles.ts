// What a path is to the tamper rules: a test file (and in which language), a snapshot, a file
// that configures how tests run, or production code.
import type { Language } from './test-model';

export type FileRole = 'test' | 'snapshot' | 'test-config' | 'production' | 'other';

const EXTENSIONS: [RegExp, Language][] = [
  [/\.py$/, 'python'],
  [/\.[cm]?[jt]sx?$/, 'javascript'],
  [/\.go$/, 'go'],
  [/\.rs$/, 'rust'],
  [/\.(java|kt)$/, 'java'],
  [/\.cs$/, 'csharp'],
  [/\.rb$/, 'ruby'],
];

export function languageOf(path: string): Language | null {
  for (const [re, lang] of EXTENSIONS) if (re.test(path)) return lang;
  return null;
}

const SNAPSHOT =
  /(__snapshots__\/|\.snap$|\.ambr$|\.approved\.\w+$|\.verified\.\w+$|\/snapshots\/[^/]+\.snap|\.golden$|\/testdata\/.*\.golden)/;
const TEST_CONFIG =
  /(^|\/)(package\.json|pytest\.ini|tox\.ini|setup\.cfg|pyproject\.toml|conftest\.py|Makefile|makefile|justfile|Rakefile|\.rspec|noxfile\.py|jest\.config\.[cm]?[jt]s|vitest\.config\.[cm]?[jt]s|\.mocharc(\.\w+)?|karma\.conf\.js|run[-_]?tests?\.(sh|ps1|bat)|test\.sh|\.github\/workflows\/[^/]+\.ya?ml|\.gitlab-ci\.yml|Cargo\.toml|build\.gradle(\.kts)?|pom\.xml|[^/]+\.csproj|[^/]+\.runsettings|go\.mod)$/;
const TEST_PATH =
  /(^|\/)(tests?|__tests__|spec|specs|testing|test_?data)\/|(^|\/)test_[^/]+\.py$|_test\.(py|go|rb)$|\.(test|spec)\.[cm]?[jt]sx?$|_spec\.rb$|(Tests?|IT)\.(java|kt|cs)$|(^|\/)src\/test\//;

export function roleOf(path: string): FileRole {
  const p = path.replace(/\\/g, '/');
  if (SNAPSHOT.test(p)) return 'snapshot';
  if (/(^|\/)conftest\.py$/.test(p)) return 'test-config';
  if (TEST_PATH.test(p) && languageOf(p)) return 'test';
  if (TEST_CONFIG.test(p)) return 'test-config';
  if (languageOf(p)) return /(^|\/)tests\/[^/]*\.rs$/.test(p) ? 'test' : 'production';
  return 'other';
}

/** Rust keeps unit tests inside production files; treat a `#[cfg(test)]` module as a test file. */
export function hasInlineTests(text: string, language: Language): boolean {
  return language === 'rust' && /#\[cfg\(test\)\]/.test(text);
}
