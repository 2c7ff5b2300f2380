// The emotion-vector file loader: valid files round-trip bit for bit; damaged bytes or a header
// rewritten with arbitrary JSON either load as a well-formed set or fail with VectorFileError —
// never a TypeError, never a set whose shape the scorer would trip over later.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  decodeVectorFile,
  encodeVectorFile,
  VectorFileError,
  VECTOR_FILE_FORMAT,
  VECTOR_FILE_VERSION,
  type EmotionVectorSet,
} from '../../src/emotion/vectors';
import { check, damageArb, damageJson, replaceAt } from './fuzz-config';

const setArb: fc.Arbitrary<EmotionVectorSet> = fc
  .record({
    hidden: fc.integer({ min: 1, max: 6 }),
    emotions: fc.uniqueArray(fc.constantFrom('calm', 'desperate', 'afraid', 'happy'), { minLength: 1, maxLength: 4 }),
    layerIds: fc.uniqueArray(fc.nat({ max: 30 }), { minLength: 1, maxLength: 3 }),
  })
  .chain(({ hidden, emotions, layerIds }) =>
    fc.record({
      header: fc.record({
        format: fc.constant(VECTOR_FILE_FORMAT),
        version: fc.constant(VECTOR_FILE_VERSION),
        model: fc.record({
          id: fc.string({ maxLength: 10 }),
          revision: fc.string({ maxLength: 6 }),
          fileHash: fc.nat().map((n) => n.toString(16).padStart(64, '0')),
          dtype: fc.constantFrom('fp32', 'q8'),
        }),
        hiddenSize: fc.constant(hidden),
        numLayers: fc.constant(32),
        emotions: fc.constant(emotions),
        tokenStart: fc.nat({ max: 50 }),
        pcaSource: fc.constant('neutral-tokens' as const),
        pcaVarianceShare: fc.double({ min: 0, max: 1, noNaN: true }),
        neutralTokensSampled: fc.nat(),
        storiesUsed: fc.nat(),
        storiesSkipped: fc.nat(),
        corpusHash: fc.nat().map((n) => n.toString(16).padStart(16, '0')),
        createdAt: fc.constant('2026-11-27T00:00:00.000Z'),
        choice: fc.constant({ layer: layerIds[0]!, reason: 'best held-out accuracy', perLayer: [] }),
      }),
      layers: fc.tuple(
        ...layerIds.map((layer) =>
          fc.record({
            layer: fc.constant(layer),
            vectors: fc.array(
              fc.float32Array({ minLength: hidden, maxLength: hidden, noDefaultInfinity: true, noNaN: true }),
              { minLength: emotions.length, maxLength: emotions.length },
            ),
            baseline: fc.array(
              fc.record({
                mean: fc.double({ noNaN: true, noDefaultInfinity: true }),
                std: fc.double({ min: 1e-6, max: 1e6, noNaN: true }),
              }),
              { minLength: emotions.length, maxLength: emotions.length },
            ),
            storyMean: fc.float32Array({ minLength: hidden, maxLength: hidden, noDefaultInfinity: true, noNaN: true }),
            componentsRemoved: fc.nat({ max: 10 }),
            varianceRemoved: fc.double({ min: 0, max: 1, noNaN: true }),
          }),
        ),
      ),
    }),
  );

/** What the scorer relies on in a loaded set. */
function assertWellFormed(set: EmotionVectorSet): void {
  const { header } = set;
  assert.ok(typeof header.model?.id === 'string' && typeof header.model.fileHash === 'string', 'model identity');
  assert.ok(Array.isArray(header.emotions) && header.emotions.every((e) => typeof e === 'string'));
  assert.ok(typeof header.corpusHash === 'string');
  assert.ok(Number.isInteger(header.tokenStart) && header.tokenStart >= 0);
  assert.ok(set.layers.length > 0);
  for (const l of set.layers) {
    assert.ok(Number.isInteger(l.layer) && l.layer >= 0, 'layer index');
    assert.equal(l.vectors.length, header.emotions.length);
    assert.ok(l.vectors.every((v) => v.length === header.hiddenSize));
    assert.ok(Array.isArray(l.baseline) && l.baseline.length === header.emotions.length, 'one baseline per emotion');
    assert.ok(
      l.baseline.every((b) => Number.isFinite(b?.mean) && Number.isFinite(b?.std) && b.std > 0),
      'finite baseline with positive spread',
    );
  }
}

function decodeOrVectorFileError(bytes: Buffer): void {
  let set: EmotionVectorSet;
  try {
    set = decodeVectorFile(bytes);
  } catch (err) {
    assert.ok(err instanceof VectorFileError, `threw ${String(err)} instead of VectorFileError`);
    return;
  }
  assertWellFormed(set);
}

function withHeader(file: Buffer, header: string): Buffer {
  const jsonLength = file.readUInt32LE(4);
  const json = Buffer.from(header, 'utf8');
  const prefix = Buffer.from(file.subarray(0, 8));
  prefix.writeUInt32LE(json.length, 4);
  return Buffer.concat([prefix, json, file.subarray(8 + jsonLength)]);
}

test('fuzz: vector files round-trip exactly', () => {
  check(
    fc.property(setArb, (set) => {
      const decoded = decodeVectorFile(encodeVectorFile(set));
      // The header is JSON (so -0 reads back as 0); the vectors must come back bit for bit.
      const asJson = (s: EmotionVectorSet): unknown =>
        JSON.parse(JSON.stringify(s, (_k, v: unknown) => (v instanceof Float32Array ? [...v] : v)));
      assert.deepEqual(asJson(decoded), asJson(set));
      decoded.layers.forEach((l, i) =>
        l.vectors.forEach((v, e) =>
          assert.ok(Buffer.from(v.buffer).equals(Buffer.from(set.layers[i]!.vectors[e]!.buffer))),
        ),
      );
    }),
  );
});

test('fuzz: damaged vector file bytes load well-formed or fail with VectorFileError', () => {
  const damage = fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bits: fc.integer({ min: 1, max: 255 }) }),
    fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
    fc.record({
      kind: fc.constant('insert' as const),
      at: fc.nat(),
      bytes: fc.uint8Array({ minLength: 1, maxLength: 4 }),
    }),
  );
  check(
    fc.property(setArb, fc.array(damage, { minLength: 1, maxLength: 3 }), (set, damages) => {
      let bytes = encodeVectorFile(set);
      for (const d of damages) {
        const at = d.at % (bytes.length + (d.kind === 'flip' ? 0 : 1));
        if (d.kind === 'flip') {
          bytes = Buffer.from(bytes);
          bytes[at] = bytes[at]! ^ d.bits;
        } else if (d.kind === 'cut') bytes = bytes.subarray(0, at);
        else bytes = Buffer.concat([bytes.subarray(0, at), d.bytes, bytes.subarray(at)]);
      }
      decodeOrVectorFileError(bytes);
    }),
  );
});

test('fuzz: a vector file header rewritten with arbitrary JSON is validated', () => {
  check(
    fc.property(
      setArb,
      fc.array(fc.record({ path: fc.array(fc.nat(), { maxLength: 5 }), value: fc.jsonValue({ maxDepth: 2 }) }), {
        minLength: 1,
        maxLength: 3,
      }),
      fc.option(damageArb),
      (set, replacements, textDamage) => {
        const file = encodeVectorFile(set);
        let header: unknown = JSON.parse(file.toString('utf8', 8, 8 + file.readUInt32LE(4)));
        for (const r of replacements) header = replaceAt(header, r.path, r.value);
        let text = JSON.stringify(header);
        if (textDamage) text = damageJson(text, textDamage);
        decodeOrVectorFileError(withHeader(file, text));
      },
    ),
  );
});
