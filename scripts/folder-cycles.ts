// Lists import cycles between source folders (src/<folder>, webview), or with --files between
// files: the strongly connected components of the import graph. Exit 1 when there is one, so a
// build can check it. Usage: node --import tsx scripts/folder-cycles.ts [--files] [root]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** The folder a file belongs to: `src/<first folder>`, or the top folder outside src. */
function folderOf(root: string, file: string): string | undefined {
  const parts = relative(root, file).split(sep);
  if (parts[0] === 'src') return parts.length > 2 ? `src/${parts[1]}` : undefined;
  return parts[0] === 'webview' ? 'webview' : undefined;
}

/** A file by its path from the root, without the extension (how imports name it). */
function fileOf(root: string, file: string): string {
  return relative(root, file).replace(/\.ts$/, '');
}

/** The import graph between folders, or between files with `level: 'file'`. */
export function folderGraph(root: string, level: 'folder' | 'file' = 'folder'): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  const files = ['src', 'webview'].flatMap((top) => sourceFiles(join(root, top)));
  const known = new Set(files.map((f) => fileOf(root, f)));
  const nodeOf = (file: string): string | undefined => {
    if (level === 'folder') return folderOf(root, file);
    const name = fileOf(root, file);
    return known.has(name) ? name : known.has(`${name}/index`) ? `${name}/index` : undefined;
  };
  for (const file of files) {
    const from = nodeOf(file);
    if (!from) continue;
    const edges = graph.get(from) ?? new Set<string>();
    graph.set(from, edges);
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const to = nodeOf(resolve(dirname(file), m[1] ?? m[2]));
      if (to && to !== from) edges.add(to);
    }
  }
  return graph;
}

/** Tarjan's strongly connected components with more than one folder: each is a cycle. */
export function folderCycles(graph: Map<string, Set<string>>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1) cycles.push(component.sort());
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return cycles;
}

if (process.argv[1]?.endsWith('folder-cycles.ts')) {
  const args = process.argv.slice(2);
  const level = args.includes('--files') ? 'file' : 'folder';
  const graph = folderGraph(resolve(args.find((a) => !a.startsWith('--')) ?? '.'), level);
  const cycles = folderCycles(graph);
  for (const c of cycles) {
    console.log(`cycle of ${c.length} ${level}s: ${c.join(', ')}`);
    for (const from of c)
      console.log(
        `  ${from} → ${[...graph.get(from)!]
          .filter((to) => c.includes(to))
          .sort()
          .join(', ')}`,
      );
  }
  console.log(cycles.length === 0 ? `no import cycles between ${level}s` : `${cycles.length} cycle(s)`);
  process.exitCode = cycles.length === 0 ? 0 : 1;
}
