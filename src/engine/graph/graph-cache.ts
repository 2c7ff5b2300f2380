// Rewrites a model once per (source file, kind, layers) and remembers the result.
//
// Layout under cacheDir: `digests.json` (sha256 of each source file, keyed by path, size and
// mtime, so a 2 GB file is hashed once) and one folder per source digest holding the derived
// graphs' metadata; for sources with embedded weights also the externalised copy
// (model.onnx + model.onnx_data) that every derived graph shares. Derived graphs of sources that
// already use external data are written next to the source, so they read its data file in place.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { readJsonRecords, toStderr, updateJsonRecords, writeFileAtomic } from '../../storage/cache-file';
import { hasEmbeddedWeights, moveWeightsOut, readModel, writeModel } from './model-file';
import type { ModelShape } from './model-shape';
import { buildProbeGraph, type RewrittenGraph } from './probe-graph';
import type { ModelProto } from './proto';
import { buildSteerGraph } from './steer-graph';

export type GraphKind = 'probe' | 'steer';

/** Bump when the rewrite changes, so stale cached graphs are rebuilt. */
const SURGERY_VERSION = 3;

export interface DerivedGraph {
  /** The rewritten .onnx file to open with onnxruntime. */
  readonly path: string;
  readonly kind: GraphKind;
  readonly layers: readonly number[];
  readonly shape: ModelShape;
  readonly residualOutputs: Readonly<Record<number, string>>;
}

const BUILDERS: Record<
  GraphKind,
  (model: ModelProto, layers: readonly number[], sourcePath: string) => RewrittenGraph
> = {
  probe: buildProbeGraph,
  steer: buildSteerGraph,
};

export async function deriveGraph(
  sourcePath: string,
  kind: GraphKind,
  layers: readonly number[],
  cacheDir: string,
): Promise<DerivedGraph> {
  const digest = await sourceDigest(sourcePath, cacheDir);
  const folder = join(cacheDir, digest.slice(0, 24));
  mkdirSync(folder, { recursive: true });
  const sorted = [...new Set(layers)].sort((a, b) => a - b);
  const key = `${kind}-v${SURGERY_VERSION}-L${sorted.join('_')}`;
  const metaPath = join(folder, `${key}.json`);
  const cached = readDerivedGraph(metaPath);
  if (cached && existsSync(cached.path)) return cached;

  const { model, graphPath } = workingCopy(sourcePath, folder);
  const rewritten = BUILDERS[kind](model, sorted, sourcePath);
  const stem = basename(graphPath).replace(/\.onnx$/, '');
  const path = join(dirname(graphPath), `${stem}.vitals-${key}-${digest.slice(0, 12)}.onnx`);
  try {
    writeModel(model, path);
  } catch (error) {
    throw new Error(
      `Cannot write the rewritten graph ${path} (${(error as Error).message}). Models that keep their weights in a separate data file get a small graph file beside them; make that folder writable or copy the model somewhere writable.`,
      { cause: error },
    );
  }
  const derived: DerivedGraph = {
    path,
    kind,
    layers: sorted,
    shape: rewritten.shape,
    residualOutputs: rewritten.residualOutputs,
  };
  writeFileAtomic(metaPath, JSON.stringify(derived, null, 2));
  return derived;
}

/** A graph's cached metadata; undefined when absent or damaged (then the graph is rebuilt). */
function readDerivedGraph(metaPath: string): DerivedGraph | undefined {
  let text: string;
  try {
    text = readFileSync(metaPath, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const value = JSON.parse(text) as Partial<DerivedGraph> | null;
    if (
      typeof value?.path === 'string' &&
      Array.isArray(value.layers) &&
      typeof value.shape === 'object' &&
      value.shape !== null &&
      typeof value.residualOutputs === 'object'
    )
      return value as DerivedGraph;
  } catch {
    // reported below
  }
  toStderr(`the cache file ${metaPath} is damaged; the graph is rebuilt.`);
  return undefined;
}

/** The source decoded, with its weights in an external file: the source itself when it already
 *  keeps them outside, otherwise a copy in `folder` made once. */
function workingCopy(sourcePath: string, folder: string): { model: ModelProto; graphPath: string } {
  const externalised = join(folder, 'model.onnx');
  if (existsSync(externalised)) return { model: readModel(externalised), graphPath: externalised };
  const model = readModel(sourcePath);
  if (!hasEmbeddedWeights(model)) return { model, graphPath: sourcePath };
  moveWeightsOut(model, join(folder, 'model.onnx_data'), 'model.onnx_data');
  writeModel(model, externalised);
  return { model, graphPath: externalised };
}

interface DigestRecord {
  size: number;
  mtimeMs: number;
  sha256: string;
}

function isDigestRecord(value: unknown): value is DigestRecord {
  const r = value as Partial<DigestRecord> | null;
  return (
    typeof r === 'object' &&
    r !== null &&
    typeof r.size === 'number' &&
    typeof r.mtimeMs === 'number' &&
    typeof r.sha256 === 'string' &&
    /^[0-9a-f]{64}$/.test(r.sha256)
  );
}

export async function sourceDigest(sourcePath: string, cacheDir: string): Promise<string> {
  mkdirSync(cacheDir, { recursive: true });
  const path = realpathSync(sourcePath);
  const { size, mtimeMs } = statSync(path);
  const recordsPath = join(cacheDir, 'digests.json');
  const known = readJsonRecords(recordsPath, isDigestRecord).get(path);
  if (known && known.size === size && known.mtimeMs === mtimeMs) return known.sha256;
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 22 })) hash.update(chunk as Buffer);
  const sha256 = hash.digest('hex');
  // Another process may have added entries since the read: merge under the lock.
  updateJsonRecords(recordsPath, isDigestRecord, (records) => void records.set(path, { size, mtimeMs, sha256 }));
  return sha256;
}
