// What a model name means: a hub id, a local folder, or one of the project's fixture models.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { SidecarError } from '../protocol/errors';

export type ModelSpec =
  | { kind: 'hub'; repo: string; revision: string }
  | { kind: 'folder'; folder: string }
  | { kind: 'fixture'; name: string; folder: string };

export const DEFAULT_MODEL = 'onnx-community/Qwen2.5-0.5B-Instruct';

const HUB_ID = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;
const FIXTURE_NAME = /^[\w.-]+$/;

/** The folder holding this project's package.json (works from sources and from dist/). */
export function projectRoot(): string {
  let dir = __dirname;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string };
      if (name === 'agent-vitals') return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('agent-vitals: cannot find the project root above ' + __dirname);
    dir = parent;
  }
}

export function parseModelSpec(spec: string): ModelSpec {
  const text = spec.trim();
  if (text.startsWith('fixture:')) {
    const name = text.slice('fixture:'.length);
    if (!FIXTURE_NAME.test(name)) throw new SidecarError('invalid-params', `Bad fixture name '${name}'.`);
    return { kind: 'fixture', name, folder: join(projectRoot(), 'test', 'fixtures', 'models', name) };
  }
  // An existing folder wins over a hub id that happens to look like a relative path.
  if (existsSync(text) && statSync(text).isDirectory()) return { kind: 'folder', folder: resolve(text) };
  const [repo, revision, ...rest] = text.split('@');
  if (rest.length === 0 && HUB_ID.test(repo)) return { kind: 'hub', repo, revision: revision || 'main' };
  throw new SidecarError(
    'model-not-found',
    `Model '${spec}' is neither an existing folder, a hub id like '${DEFAULT_MODEL}', nor 'fixture:<name>'.`,
  );
}
