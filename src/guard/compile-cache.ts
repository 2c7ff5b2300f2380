// A V8 code cache for one large CommonJS module (the TypeScript compiler), so a cold process
// that loads it skips most of the compile: the guard hook is a fresh process on every tool call.
// Node 20 has no built-in compile cache; this does what it does for the modules it is given.
// The cache lives in the user's own cache folder (mode 0700); V8 rejects data that does not
// match the source or this Node, and a rejected or unreadable cache is simply rebuilt.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { defaultCacheDir } from '../storage/cache-dir';
import { writeFileAtomic } from '../storage/cache-file';

type Loader = (module: NodeJS.Module, filename: string) => void;
const extensions = (Module as unknown as { _extensions: Record<string, Loader> })._extensions;

export function defaultCodeCacheDir(): string {
  return join(defaultCacheDir(), 'code-cache');
}

/** Loads the `.js` files `matches` accepts through a code cache kept in `cacheDir`. */
export function useCodeCache(matches: (filename: string) => boolean, cacheDir: string = defaultCodeCacheDir()): void {
  const original = extensions['.js']!;
  extensions['.js'] = (module, filename) => {
    if (!matches(filename)) return original(module, filename);
    const source = readFileSync(filename, 'utf8');
    const key = createHash('sha256')
      .update(`${filename}\0${statSync(filename).mtimeMs}\0${process.version}\0${process.arch}`)
      .digest('hex')
      .slice(0, 16);
    const cacheFile = join(cacheDir, `${basename(filename, '.js')}-${key}.v8`);
    let cached: Buffer | undefined;
    try {
      cached = readFileSync(cacheFile);
    } catch {
      cached = undefined;
    }
    const script = new Script(Module.wrap(source), { filename, ...(cached ? { cachedData: cached } : {}) });
    const wrapper = script.runInThisContext() as (
      exports: unknown,
      require: NodeJS.Require,
      module: NodeJS.Module,
      filename: string,
      dirname: string,
    ) => void;
    wrapper.call(module.exports, module.exports, createRequire(filename), module, filename, dirname(filename));
    (module as { loaded: boolean }).loaded = true;
    if (cached && !script.cachedDataRejected) return;
    // Written at exit, so the cache also holds the functions this run compiled lazily.
    process.once('exit', () => {
      try {
        mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
        writeFileAtomic(cacheFile, script.createCachedData());
      } catch {
        // No cache this time: the module loaded all the same.
      }
    });
  };
}
