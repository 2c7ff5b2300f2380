// What a model name means: a hub id, a local folder, or one of the project's fixture models.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ModelStoreError } from './model-store-error';

export type ModelSpec =
  | { kind: 'hub'; repo: string; revision: string }
  | { kind: 'folder'; folder: string }
  | { kind: 'fixture'; name: string; folder: string };

export const DEFAULT_MODEL = 'onnx-community/Qwen2.5-0.5B-Instruct';

// The hub's own grammar: `owner/name` of word characters, '-' and '.', at most 96 characters
// each, neither starting nor ending with '-' or '.', with no '--' or '..' inside.
const HUB_NAME = /^(?![-.])(?!.*(?:--|\.\.))[\w.-]{1,96}(?<![-.])$/;
// Git's ref-name rules (what a revision is): '/'-separated parts, none empty or starting with '.',
// no '..', no control characters, spaces or ~^:?*[\\, not ending in '.lock'; and no '@', which
// separates the revision from the id here.
// eslint-disable-next-line no-control-regex -- git forbids control characters in ref names, so the class names them
const REVISION_PART = /^(?!\.)(?!.*\.\.)[^\x00-\x20\x7f~^:?*[\\/@]+(?<!\.lock)$/;
const MAX_REVISION = 255;

function isHubId(repo: string): boolean {
  const parts = repo.split('/');
  return parts.length === 2 && parts.every((p) => HUB_NAME.test(p));
}

function isRevision(revision: string): boolean {
  return revision.length <= MAX_REVISION && revision.split('/').every((p) => REVISION_PART.test(p));
}
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
    if (!FIXTURE_NAME.test(name)) throw new ModelStoreError('invalid-params', `Bad fixture name '${name}'.`);
    return { kind: 'fixture', name, folder: join(projectRoot(), 'test', 'fixtures', 'models', name) };
  }
  // An existing folder wins over a hub id that happens to look like a relative path.
  if (existsSync(text) && statSync(text).isDirectory()) return { kind: 'folder', folder: resolve(text) };
  const at = text.indexOf('@');
  const repo = at < 0 ? text : text.slice(0, at);
  if (isHubId(repo)) {
    if (at < 0) return { kind: 'hub', repo, revision: 'main' };
    const revision = text.slice(at + 1);
    if (isRevision(revision)) return { kind: 'hub', repo, revision };
    throw new ModelStoreError(
      'model-not-found',
      `Model '${spec}' names hub id ${repo} with '${revision}', which is not a valid revision (a branch, tag or commit hash, e.g. 'main').`,
    );
  }
  throw new ModelStoreError(
    'model-not-found',
    `Model '${spec}' is neither an existing folder, a hub id like '${DEFAULT_MODEL}', nor 'fixture:<name>'.`,
  );
}
