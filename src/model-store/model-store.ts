// Turns a model name into files on disk: a fixture or local folder as it is, a hub id through
// the download cache (or, offline, only what the cache already holds).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve, sep } from 'node:path';
import { defaultCacheDir } from '../storage/cache-dir';
import { ModelStoreError } from './model-store-error';
import type { ModelDtype } from '../contracts/model-dtype';
import { checkCached, recordVerified } from './cache-manifest';
import {
  downloadFile,
  probeRemoteFile,
  remoteFileUrl,
  type FileProgress,
  type HubTimeouts,
  type RemoteFileFacts,
} from './hub-download';
import type { RetryPolicy } from './hub-retry';
import { noSuchEntry } from './hub-failures';
import { readModelConfig } from './model-config';
import { parseModelSpec, projectRoot, type ModelSpec } from './model-spec';
import { externalDataFiles, MODEL_DTYPES, onnxFileFor } from './variants';

export interface ResolveOptions {
  dtype?: ModelDtype;
  /** Download cache for hub models. */
  cacheDir?: string;
  offline?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: FileProgress) => void;
  timeouts?: HubTimeouts;
  retry?: RetryPolicy;
}

export interface ResolvedModel {
  spec: ModelSpec;
  /** Folder laid out like a hub repo: config.json, tokenizer files, onnx/. */
  folder: string;
  onnxPath: string;
  dtype: ModelDtype;
  /** Bytes of the ONNX file and its external data. */
  weightBytes: number;
  /** Files fetched from the hub by this call (empty when everything was cached). */
  downloaded: string[];
}

const TOKENIZER_FILES = ['tokenizer.json', 'tokenizer_config.json'];
/** Newer hub repos keep the chat template in this file instead of tokenizer_config.json. */
export const CHAT_TEMPLATE_FILE = 'chat_template.jinja';

function weightBytesOf(onnxPath: string): number {
  const dir = join(onnxPath, '..');
  const name = basename(onnxPath);
  let total = statSync(onnxPath).size;
  // External data sits next to the graph as `<name>_data[_N]` (hub exports) or `<name>.data`.
  for (const f of readdirSync(dir))
    if (f.startsWith(`${name}_data`) || f === `${name}.data`) total += statSync(join(dir, f)).size;
  return total;
}

function resolveFolderModel(spec: ModelSpec & { folder: string }, dtype: ModelDtype): ResolvedModel {
  const label = spec.kind === 'fixture' ? `Fixture model '${spec.name}'` : `Model folder ${spec.folder}`;
  if (!existsSync(spec.folder)) {
    const known = spec.kind === 'fixture' ? listFixtures() : [];
    throw new ModelStoreError(
      'model-not-found',
      `${label} does not exist${known.length ? ` (fixtures: ${known.join(', ')})` : ''}.`,
    );
  }
  const candidates = [join(spec.folder, onnxFileFor(dtype)), join(spec.folder, basename(onnxFileFor(dtype)))];
  const onnxPath = candidates.find((p) => existsSync(p));
  if (!onnxPath) {
    const present = MODEL_DTYPES.filter((d) => existsSync(join(spec.folder, onnxFileFor(d))));
    throw new ModelStoreError(
      'model-not-found',
      `${label} has no ${dtype} weights (${onnxFileFor(dtype)}); present: ${present.join(', ') || 'none'}.`,
    );
  }
  return { spec, folder: spec.folder, onnxPath, dtype, weightBytes: weightBytesOf(onnxPath), downloaded: [] };
}

export function listFixtures(): string[] {
  const dir = join(projectRoot(), 'test', 'fixtures', 'models');
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => statSync(join(dir, f)).isDirectory())
        .sort()
    : [];
}

/** A cached tokenizer_config.json without a chat template means the template is in its own file
 *  (a cache made before that file was fetched lacks it). */
async function needsTemplateFile(folder: string, cached: (file: string) => Promise<boolean>): Promise<boolean> {
  if (!(await cached('tokenizer_config.json'))) return false;
  try {
    return !(JSON.parse(readFileSync(join(folder, 'tokenizer_config.json'), 'utf8')) as { chat_template?: unknown })
      .chat_template;
  } catch {
    return false;
  }
}

function checkCacheDir(cacheDir: string): string {
  const abs = resolve(cacheDir);
  if (abs.split(sep).includes('node_modules')) {
    throw new ModelStoreError(
      'invalid-params',
      `The model cache must not live inside node_modules (${abs}); choose another folder.`,
    );
  }
  return abs;
}

async function resolveHubModel(
  spec: Extract<ModelSpec, { kind: 'hub' }>,
  dtype: ModelDtype,
  opts: ResolveOptions,
): Promise<ResolvedModel> {
  const cacheDir = checkCacheDir(opts.cacheDir ?? defaultCacheDir());
  // Same layout as transformers.js' file cache, so the folder doubles as a local model folder.
  const folder = spec.revision === 'main' ? join(cacheDir, spec.repo) : join(cacheDir, spec.repo, spec.revision);
  const onnxFile = onnxFileFor(dtype);
  const damaged: string[] = [];
  const state = async (f: string) => {
    const found = await checkCached(folder, f);
    if (found === 'damaged') damaged.push(f);
    return found;
  };
  const cached = async (f: string) => (await state(f)) === 'ok';
  const downloaded: string[] = [];

  const fetchFile = async (file: string, facts: RemoteFileFacts) => {
    const written = await downloadFile(spec.repo, spec.revision, file, join(folder, file), facts, opts);
    recordVerified(folder, file, { size: written.bytes, sha256: written.sha256 });
    downloaded.push(file);
  };
  const fetchRequired = async (file: string) => {
    if (await cached(file)) return;
    const facts = await probeRemoteFile(spec.repo, spec.revision, file, opts);
    if (!facts) {
      const advice =
        file === onnxFile ? `The repo may have no ${dtype} weights (${file}): try another dtype.` : undefined;
      throw new ModelStoreError(
        'model-not-found',
        noSuchEntry(remoteFileUrl(spec.repo, spec.revision, file), spec.repo, spec.revision, file, advice),
        { file },
      );
    }
    await fetchFile(file, facts);
  };
  /** Asks the hub once: its answer that the file does not exist is remembered too. */
  const fetchOptional = async (file: string) => {
    const found = await state(file);
    if (found === 'ok' || found === 'absent-at-hub') return;
    const facts = await probeRemoteFile(spec.repo, spec.revision, file, opts);
    if (facts) await fetchFile(file, facts);
    else recordVerified(folder, file, { absent: true });
  };

  if (opts.offline) {
    const base = ['config.json', ...TOKENIZER_FILES, onnxFile];
    const chunks = (await cached('config.json')) ? readModelConfig(folder).externalDataChunks(onnxFile) : 0;
    const required = [...base, ...externalDataFiles(onnxFile, chunks)];
    if (await needsTemplateFile(folder, cached)) required.push(CHAT_TEMPLATE_FILE);
    const missing: string[] = [];
    for (const f of required) if (!(damaged.includes(f) || (await cached(f)))) missing.push(f);
    if (missing.length) {
      const why = damaged.length ? ` (${damaged.join(', ')} damaged since download, removed)` : '';
      throw new ModelStoreError(
        'offline-missing',
        `Offline, and ${spec.repo}@${spec.revision} (${dtype}) is not fully cached in ${folder}: missing ${missing.join(', ')}${why}. Go online once to download it.`,
        { missingFiles: missing },
      );
    }
  } else {
    await fetchRequired('config.json');
    const config = readModelConfig(folder);
    for (const f of TOKENIZER_FILES) await fetchRequired(f);
    await fetchOptional(CHAT_TEMPLATE_FILE);
    await fetchOptional('generation_config.json');
    await fetchRequired(onnxFile);
    const chunks = config.externalDataChunks(onnxFile);
    if (chunks > 0) for (const f of externalDataFiles(onnxFile, chunks)) await fetchRequired(f);
    // Some exports keep weights in `<file>_data` without declaring it in config.json.
    else await fetchOptional(externalDataFiles(onnxFile, 1)[0]);
  }
  const onnxPath = join(folder, onnxFile);
  return { spec, folder, onnxPath, dtype, weightBytes: weightBytesOf(onnxPath), downloaded };
}

export async function resolveModel(name: string, opts: ResolveOptions = {}): Promise<ResolvedModel> {
  const spec = parseModelSpec(name);
  const dtype = opts.dtype ?? 'fp32';
  if (spec.kind === 'hub') return resolveHubModel(spec, dtype, opts);
  return resolveFolderModel(spec, dtype);
}
