import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { folderCycles, folderGraph } from '../../../scripts/folder-cycles';

function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'folder-cycles-'));
  mkdirSync(join(root, 'webview'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

test('folders that import each other, directly or round a ring, are one cycle; a layered tree has none', () => {
  const root = project({
    'src/core/events.ts': 'export type A = 1;\n',
    'src/a/x.ts': "import type { A } from '../core/events';\nimport { y } from '../b/y';\n",
    'src/b/y.ts': "export const y = 1;\nimport {\n  z,\n} from '../c/z';\n",
    'src/c/z.ts': "export const z = 1;\nexport { x } from '../a/x';\n",
    'src/d/w.ts': "import { y } from '../b/y';\n",
  });
  try {
    const graph = folderGraph(root);
    assert.deepEqual(folderCycles(graph), [['src/a', 'src/b', 'src/c']]);
    assert.deepEqual(folderCycles(folderGraph(root, 'file')), [['src/a/x', 'src/b/y', 'src/c/z']]);
    writeFileSync(join(root, 'src/c/z.ts'), 'export const z = 1;\n');
    assert.deepEqual(folderCycles(folderGraph(root)), []);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
