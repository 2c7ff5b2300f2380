// The project's ESLint config, run through ESLint's Node API on two small projects: one whose files
// each break a boundary rule (every break must be reported, naming the folders and the cycle's
// chain) and one that keeps every rule (nothing may be reported).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, relative } from 'node:path';
import { ESLint } from 'eslint';

const repoRoot = join(import.meta.dirname, '..', '..', '..');
const fixtures = join(repoRoot, 'test', 'fixtures', 'lint');

async function lintProject(name: string): Promise<{ file: string; line: number; rule: string; message: string }[]> {
  const cwd = join(fixtures, name);
  const eslint = new ESLint({ cwd, overrideConfigFile: join(repoRoot, 'eslint.config.mjs') });
  const results = await eslint.lintFiles(['.']);
  return results.flatMap((r) =>
    r.messages.map((m) => ({
      file: relative(cwd, r.filePath).split('\\').join('/'),
      line: m.line,
      rule: m.ruleId ?? 'fatal',
      message: m.message,
    })),
  );
}

test('every boundary break in the fixture project is reported, and nothing else', async () => {
  const found = await lintProject('breaks');
  const where = found.map((f) => `${f.file}:${f.line} ${f.rule}`).sort();
  assert.deepEqual(where, [
    'src/contracts/messages.ts:3 boundaries/layers',
    'src/core/events.ts:2 boundaries/layers',
    'src/core/events.ts:3 boundaries/layers',
    'src/emotion/score.ts:2 boundaries/layers',
    'src/emotion/score.ts:3 boundaries/no-cycles',
    'src/extension/model.ts:2 boundaries/layers',
    'src/extension/sidebar.ts:2 boundaries/layers',
    'src/tamper/classify.ts:2 boundaries/no-cycles',
    'src/tamper/rules.ts:3 boundaries/no-cycles',
    'src/tamper/severity.ts:2 boundaries/no-cycles',
    'webview/panel.ts:3 boundaries/layers',
  ]);

  const message = (file: string, line: number) => found.find((f) => f.file === file && f.line === line)?.message;
  assert.match(message('src/core/events.ts', 3) ?? '', /src\/core may not import src\/emotion/);
  assert.match(message('src/core/events.ts', 2) ?? '', /Node built-in 'node:path'/);
  assert.match(message('src/contracts/messages.ts', 3) ?? '', /src\/contracts may not import src\/tamper/);
  assert.match(message('webview/panel.ts', 3) ?? '', /webview may not import src\/emotion/);
  assert.match(message('src/emotion/score.ts', 2) ?? '', /'vscode': only src\/extension may/);
  assert.match(message('src/extension/model.ts', 2) ?? '', /'onnxruntime-node': only src\/engine may/);
  assert.match(
    message('src/extension/sidebar.ts', 2) ?? '',
    /src\/extension may not import webview \('\.\.\/\.\.\/webview\/panel'\): only webview imports webview/,
  );
  assert.equal(
    message('src/emotion/score.ts', 3),
    'Import cycle between folders src/emotion and src/tamper: src/emotion → src/tamper → src/emotion ' +
      '(via src/emotion/score.ts → src/tamper/weights.ts; src/tamper/rules.ts → src/emotion/index.ts).',
  );
  assert.equal(
    message('src/tamper/classify.ts', 2),
    'Import cycle between files: src/tamper/classify.ts → src/tamper/severity.ts → src/tamper/classify.ts.',
  );
  assert.equal(
    message('src/tamper/rules.ts', 3),
    'Import cycle between folders src/tamper and src/emotion: src/tamper → src/emotion → src/tamper ' +
      '(via src/tamper/rules.ts → src/emotion/index.ts; src/emotion/score.ts → src/tamper/weights.ts).',
  );
});

test('a project that keeps every layer rule lints clean', async () => {
  assert.deepEqual(await lintProject('clean'), []);
});
