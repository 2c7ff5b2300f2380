// The live steering control: the file the extension writes and the endpoint reads at the start
// of each reply. α is held to the safe range both ways, a file others could write is refused,
// and a request that names its own steering keeps it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ControlledReplyModel } from '../../../src/serve/controlled-reply-model';
import type { Generation, ReplyModel, SamplingOptions } from '../../../src/serve/reply-model';
import { SteerSpecError } from '../../../src/serve/steer-option';
import { readSteeringControl, steeringControlPath, writeSteeringControl } from '../../../src/serve/steering-control';

function folder(): { dir: string; done: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'av-steer-'));
  return { dir: join(root, 'serve'), done: () => rmSync(root, { recursive: true, force: true }) };
}

test('written and read back: a choice, off, and no file at all (then the server default applies)', () => {
  const { dir, done } = folder();
  try {
    assert.equal(readSteeringControl(dir), undefined);
    writeSteeringControl(dir, { emotion: 'calm', alpha: 0.1 });
    assert.deepEqual(readSteeringControl(dir), { emotion: 'calm', alpha: 0.1 });
    assert.equal(statSync(steeringControlPath(dir)).mode & 0o777, 0o600);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    writeSteeringControl(dir, { emotion: 'desperate', alpha: 0.2 });
    assert.deepEqual(readSteeringControl(dir), { emotion: 'desperate', alpha: 0.2 });
    writeSteeringControl(dir, null);
    assert.equal(readSteeringControl(dir), null);
  } finally {
    done();
  }
});

test('α beyond ±0.2 is refused when written and when read', () => {
  const { dir, done } = folder();
  try {
    assert.throws(() => writeSteeringControl(dir, { emotion: 'calm', alpha: 0.25 }), SteerSpecError);
    assert.equal(readSteeringControl(dir), undefined, 'nothing was written');
    mkdirSync(dir, { recursive: true });
    writeFileSync(steeringControlPath(dir), 'calm:+0.5\n', { mode: 0o600 });
    assert.throws(() => readSteeringControl(dir), /outside ±0\.2/);
    writeFileSync(steeringControlPath(dir), 'calm plus a lot\n');
    assert.throws(() => readSteeringControl(dir), SteerSpecError);
  } finally {
    done();
  }
});

test(
  'a control file others may write, a link or a large file is refused',
  { skip: process.platform === 'win32' },
  () => {
    const { dir, done } = folder();
    try {
      writeSteeringControl(dir, { emotion: 'calm', alpha: 0.1 });
      chmodSync(steeringControlPath(dir), 0o622);
      assert.throws(() => readSteeringControl(dir), /not owner-only/);
      rmSync(steeringControlPath(dir));
      const elsewhere = join(dir, '..', 'elsewhere');
      writeFileSync(elsewhere, 'desperate:+0.2\n', { mode: 0o600 });
      symlinkSync(elsewhere, steeringControlPath(dir));
      assert.throws(() => readSteeringControl(dir), /not a small plain file/);
      rmSync(steeringControlPath(dir));
      writeFileSync(steeringControlPath(dir), `calm:+0.1${' '.repeat(1000)}\n`, { mode: 0o600 });
      assert.throws(() => readSteeringControl(dir), /not a small plain file/);
    } finally {
      done();
    }
  },
);

/** A model that records the sampling options each reply was asked with. */
function recordingModel(): ReplyModel & { asked: SamplingOptions[] } {
  const asked: SamplingOptions[] = [];
  return {
    asked,
    id: 'm',
    contextLimit: 64,
    promptIds: () => [1],
    decode: () => '',
    pieces: () => [],
    async generate(_ids, options): Promise<Generation> {
      asked.push(options);
      return { ids: [], finish: 'stop', cachedTokens: 0, steering: null, selfReading: null, promptReading: null };
    },
  };
}

test("each reply takes the control's steering at its start; a request's own steer wins; no file leaves the server default", async () => {
  const { dir, done } = folder();
  try {
    const inner = recordingModel();
    const warnings: string[] = [];
    const model = new ControlledReplyModel(inner, dir, (m) => warnings.push(m));
    const base: SamplingOptions = { maxTokens: 1, temperature: 0, topP: 1, seed: 0 };
    await model.generate([1], base, () => true);
    writeSteeringControl(dir, { emotion: 'calm', alpha: 0.1 });
    await model.generate([1], base, () => true);
    await model.generate([1], { ...base, steer: { emotion: 'desperate', alpha: 0.05 } }, () => true);
    await model.generate([1], { ...base, steer: null }, () => true);
    writeSteeringControl(dir, null);
    await model.generate([1], base, () => true);
    assert.deepEqual(
      inner.asked.map((o) => o.steer),
      [undefined, { emotion: 'calm', alpha: 0.1 }, { emotion: 'desperate', alpha: 0.05 }, null, null],
    );
    // A refused file is reported once and the server default applies.
    chmodSync(steeringControlPath(dir), 0o666);
    await model.generate([1], base, () => true);
    await model.generate([1], base, () => true);
    assert.deepEqual(
      inner.asked.slice(-2).map((o) => o.steer),
      [undefined, undefined],
    );
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /not owner-only/);
  } finally {
    done();
  }
});
