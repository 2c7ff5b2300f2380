// Flag store benchmark: 1,000 flags on 1 MB test files, each flag a one-line edit (a test
// skipped), stored one at a time as the extension does. Prints the store's size on disk, the time
// to store a flag (upsert: digests and changed lines of two 1 MB texts, one record written), to reopen the store, and of one action (dismiss) and one revert.
// Run: npx tsx bench/flag-store.ts [--flags 1000] [--mb 1]
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { TamperFlag } from '../src/tamper/engine';
import { FlagStore } from '../src/tamper/flag-store';
import { FolderFlagStorage, nodeWorkspaceFiles } from '../src/tamper/node-storage';
import { flagsAfterFailingRun } from '../test/unit/tamper/failing-run-edit';

const { values } = parseArgs({
  options: { flags: { type: 'string', default: '1000' }, mb: { type: 'string', default: '1' } },
});
const FLAGS = Number(values.flags);
const FILES = 10;

const line = (i: number, skip: boolean) =>
  `test${skip ? '.skip' : ''}('case ${i}', () => { expect(add(${i}, 1)).toBe(${i + 1}); });\n`;
const linesPerFile = Math.ceil((Number(values.mb) * 2 ** 20) / line(0, false).length);
const base = Array.from({ length: linesPerFile }, (_, i) => line(i, false));
/** A 1 MB test file with test `k` skipped (or none when k < 0). */
const fileText = (k: number) =>
  k < 0 ? base.join('') : [...base.slice(0, k), line(k, true), ...base.slice(k + 1)].join('');

// One real flag from the engine gives the shape; each stored flag is that edit on another test.
const [template] = flagsAfterFailingRun(
  { path: '/ws/t.test.ts', op: 'update', before: line(1, false), after: line(1, true), seq: 1 },
  ['case 1'],
);
if (!template) throw new Error('the engine raised no flag for a skipped test');

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'av-flagbench-'));
  const ws = join(dir, 'ws');
  const storage = join(dir, 'store');
  const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;
  try {
    const store = await FlagStore.open(new FolderFlagStorage(storage));
    let storeS = 0;
    for (let i = 0; i < FLAGS; i++) {
      const k = (i * 7919) % linesPerFile;
      const flag: TamperFlag = {
        ...template,
        id: `codex:s:${i + 2}`,
        editSeq: i + 2,
        ts: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
        path: join(ws, `t${i % FILES}.test.ts`),
        before: fileText(-1),
        after: fileText(k),
      };
      const started = process.hrtime.bigint();
      await store.upsert([flag]);
      storeS += seconds(started);
    }
    const files = readdirSync(join(storage, 'flags'));
    const bytes = files.reduce((sum, f) => sum + statSync(join(storage, 'flags', f)).size, 0);
    let t = process.hrtime.bigint();
    const reopened = await FlagStore.open(new FolderFlagStorage(storage));
    const reopenS = seconds(t);
    const ids = reopened.list().map((f) => f.id);
    t = process.hrtime.bigint();
    for (const id of ids.slice(0, 100)) await reopened.dismiss(id);
    const dismissMs = (seconds(t) * 1000) / 100;
    // Revert the last flag: its file holds that edit.
    const last = reopened.list().at(-1)!;
    mkdirSync(ws, { recursive: true });
    writeFileSync(last.path, fileText(((FLAGS - 1) * 7919) % linesPerFile));
    t = process.hrtime.bigint();
    const outcome = await reopened.revert(last.id, nodeWorkspaceFiles, ws, async () => true);
    const revertMs = seconds(t) * 1000;
    process.stdout.write(
      JSON.stringify(
        {
          flags: reopened.list().length,
          fileMB: fileText(-1).length / 2 ** 20,
          storeMB: +(bytes / 2 ** 20).toFixed(2),
          bytesPerFlag: Math.round(bytes / FLAGS),
          upsertMsPerFlag: +((storeS * 1000) / FLAGS).toFixed(1),
          reopenS: +reopenS.toFixed(3),
          dismissMs: +dismissMs.toFixed(2),
          revertMs: +revertMs.toFixed(1),
          reverted: outcome.reverted,
        },
        null,
        1,
      ) + '\n',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
