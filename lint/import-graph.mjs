// The project's import graph as the boundary rules see it: which files a module imports, which
// folder ("unit") a file belongs to, and shortest import chains between files and folders.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts'];

/**
 * Every module specifier a source text imports or re-exports (static, `import type`, dynamic
 * `import()`, `require`), with the offsets of the specifier text. TypeScript's pre-processor
 * reads these without a full parse, so the whole tree can be scanned on every lint run.
 * @param {string} text
 * @returns {{ specifier: string, start: number, end: number }[]}
 */
export function importsOf(text) {
  return ts
    .preProcessFile(text, true, true)
    .importedFiles.map((f) => ({ specifier: f.fileName, start: f.pos, end: f.end }));
}

/**
 * The folder unit a path belongs to, or undefined outside the units. A pattern `src/*` makes each
 * child folder of `src` a unit; a plain pattern (`webview`) is one unit with all its subfolders.
 * @param {string} relativePath path relative to the project root, `/`-separated
 * @param {string[]} unitPatterns
 */
export function unitOf(relativePath, unitPatterns) {
  for (const pattern of unitPatterns) {
    if (pattern.endsWith('/*')) {
      const parent = pattern.slice(0, -2);
      const rest = relativePath.startsWith(parent + '/') ? relativePath.slice(parent.length + 1) : undefined;
      if (rest?.includes('/')) return `${parent}/${rest.slice(0, rest.indexOf('/'))}`;
    } else if (relativePath.startsWith(pattern + '/')) {
      return pattern;
    }
  }
  return undefined;
}

/** Project-relative, `/`-separated form of an absolute path. */
export function relativeTo(root, file) {
  return path.relative(root, file).split(path.sep).join('/');
}

/** The unit a path outside every unit is named by in messages: its folder. */
export function folderOf(relativePath) {
  const slash = relativePath.lastIndexOf('/');
  return slash < 0 ? '.' : relativePath.slice(0, slash);
}

function isFile(file) {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * The file a relative specifier names (`./x`, `./x.js`, `./dir` → `./dir/index.ts`), or
 * undefined for packages and paths that do not exist.
 * @param {string} fromFile absolute path of the importing file
 * @param {string} specifier
 */
export function resolveImport(fromFile, specifier) {
  if (!specifier.startsWith('.')) return undefined;
  const target = path.resolve(path.dirname(fromFile), specifier);
  const stem = target.replace(/\.[cm]?js$/, '');
  const candidates = [
    target,
    ...SOURCE_EXTENSIONS.map((ext) => stem + ext),
    ...SOURCE_EXTENSIONS.map((ext) => path.join(target, 'index' + ext)),
  ];
  return candidates.find(isFile);
}

/**
 * The import graph of the source files under the units' roots. Each file's imports are cached by
 * modification time, so one lint run parses each file once and an editor session sees edits.
 */
export class ImportGraph {
  /** @type {Map<string, { mtimeMs: number, targets: string[] }>} */
  #imports = new Map();

  /**
   * @param {string} root absolute project root
   * @param {string[]} unitPatterns
   */
  constructor(root, unitPatterns) {
    this.root = root;
    this.unitPatterns = unitPatterns;
  }

  /** The unit of an absolute path, or undefined. */
  unit(file) {
    return unitOf(relativeTo(this.root, file), this.unitPatterns);
  }

  /**
   * Files a file imports. `text` is the linted (possibly unsaved) content of the file being
   * checked; every other file is read from disk.
   * @param {string} file
   * @param {{ file: string, text: string }} [current]
   * @returns {string[]}
   */
  targets(file, current) {
    if (current && file === current.file) return resolvedTargets(file, current.text);
    let mtimeMs;
    try {
      mtimeMs = fs.statSync(file).mtimeMs;
    } catch {
      return [];
    }
    const cached = this.#imports.get(file);
    if (cached?.mtimeMs === mtimeMs) return cached.targets;
    const targets = resolvedTargets(file, fs.readFileSync(file, 'utf8'));
    this.#imports.set(file, { mtimeMs, targets });
    return targets;
  }

  /** Every source file inside a unit. */
  sourceFiles() {
    const roots = [...new Set(this.unitPatterns.map((p) => p.replace(/\/\*$/, '')))];
    return roots.flatMap((r) => listSources(path.join(this.root, r)));
  }

  /**
   * Shortest chain of file imports from `from` to `to` (both included), or undefined.
   * @param {string} from
   * @param {string} to
   * @param {{ file: string, text: string }} [current]
   */
  fileChain(from, to, current) {
    return shortestPath(from, to, (f) => this.targets(f, current));
  }

  /**
   * Folder-level edges: for each pair of units, one file import that links them (the witness
   * named in messages).
   * @param {{ file: string, text: string }} [current]
   * @returns {Map<string, Map<string, { from: string, to: string }>>}
   */
  unitEdges(current) {
    /** @type {Map<string, Map<string, { from: string, to: string }>>} */
    const edges = new Map();
    for (const file of this.sourceFiles()) {
      const fromUnit = this.unit(file);
      for (const target of this.targets(file, current)) {
        const toUnit = this.unit(target);
        if (!fromUnit || !toUnit || toUnit === fromUnit) continue;
        if (!edges.has(fromUnit)) edges.set(fromUnit, new Map());
        const out = edges.get(fromUnit);
        if (!out.has(toUnit)) out.set(toUnit, { from: file, to: target });
      }
    }
    return edges;
  }
}

function resolvedTargets(file, text) {
  const targets = importsOf(text).map((i) => resolveImport(file, i.specifier));
  return [...new Set(targets.filter((t) => t !== undefined))];
}

function listSources(dir) {
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return listSources(full);
    return SOURCE_EXTENSIONS.some((ext) => e.name.endsWith(ext)) && !e.name.endsWith('.d.ts') ? [full] : [];
  });
}

/**
 * Breadth-first shortest path in a graph given by its successor function.
 * @template T
 * @param {T} from
 * @param {T} to
 * @param {(node: T) => Iterable<T>} next
 * @returns {T[] | undefined}
 */
export function shortestPath(from, to, next) {
  /** @type {Map<T, T | undefined>} */
  const parent = new Map([[from, undefined]]);
  const queue = [from];
  while (queue.length > 0) {
    const node = queue.shift();
    if (node === to) {
      const chain = [];
      for (let n = node; n !== undefined; n = parent.get(n)) chain.unshift(n);
      return chain;
    }
    for (const succ of next(node)) {
      if (!parent.has(succ)) {
        parent.set(succ, node);
        queue.push(succ);
      }
    }
  }
  return undefined;
}
