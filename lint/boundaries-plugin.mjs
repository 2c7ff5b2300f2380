// ESLint plugin that keeps the folder layers apart: which folders and packages each folder may
// import (`boundaries/layers`) and no import cycles between folders or files (`boundaries/no-cycles`).
// A folder may also be closed to importers from other folders (`importedOnlyBy`). Both rules read
// one description of the layers from `settings.boundaries` (see eslint.config.mjs); folder paths
// are relative to the directory ESLint runs in.
import { builtinModules } from 'node:module';
import path from 'node:path';
import { ImportGraph, folderOf, importsOf, relativeTo, resolveImport, shortestPath, unitOf } from './import-graph.mjs';

/**
 * @typedef {object} Boundaries
 * @property {string[]} units folder units: `src/*` (each child of src) or a folder (`webview`)
 * @property {Record<string, string[]>} importsOnly unit → the other units it may import; a unit
 *   not listed may import any unit (cycles aside)
 * @property {Record<string, string[]>} importedOnlyBy unit → the only other units that may import it
 * @property {Record<string, string[]>} packageOwners package → the only units that may import it
 * @property {string[]} noNodeBuiltins units that also run in the browser, so import no Node built-in
 */

/**
 * What a rule checks: the layers, the project root, the linted file and its unit; undefined for a
 * file outside every unit.
 * @returns {{ boundaries: Boundaries, root: string, file: string, from: string } | undefined}
 */
function subjectOf(context) {
  const b = context.settings.boundaries;
  if (!b || !Array.isArray(b.units)) throw new Error('boundaries rules need settings.boundaries.units');
  const boundaries = { importsOnly: {}, importedOnlyBy: {}, packageOwners: {}, noNodeBuiltins: [], ...b };
  const root = context.cwd;
  const file = context.physicalFilename;
  const from = unitOf(relativeTo(root, file), boundaries.units);
  return from ? { boundaries, root, file, from } : undefined;
}

const nodeBuiltins = new Set(builtinModules);

function isNodeBuiltin(specifier) {
  return specifier.startsWith('node:') || nodeBuiltins.has(specifier.split('/')[0]);
}

/** The package a bare specifier names (`@scope/name/sub` → `@scope/name`). */
function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Location of an import's specifier, for reports. */
function specifierLoc(sourceCode, imp) {
  return { start: sourceCode.getLocFromIndex(imp.start), end: sourceCode.getLocFromIndex(imp.end) };
}

const layers = {
  meta: {
    type: 'problem',
    docs: { description: 'A folder imports only the folders and packages its layer allows.' },
    schema: [],
    messages: {
      folder: "{{from}} may not import {{to}} ('{{specifier}}'): {{from}} imports only {{allowed}}.",
      importer: "{{from}} may not import {{to}} ('{{specifier}}'): only {{importers}} imports {{to}}.",
      package: "{{from}} may not import '{{pkg}}': only {{owners}} may.",
      builtin: "{{from}} may not import the Node built-in '{{specifier}}': its code also runs in the webview.",
    },
  },
  create(context) {
    const subject = subjectOf(context);
    if (!subject) return {};
    const { boundaries, root, file, from } = subject;
    const allowedUnits = boundaries.importsOnly[from];
    const browserSide = boundaries.noNodeBuiltins.includes(from);
    return {
      Program() {
        const sourceCode = context.sourceCode;
        for (const imp of importsOf(sourceCode.text)) {
          const loc = specifierLoc(sourceCode, imp);
          const { specifier } = imp;
          if (specifier.startsWith('.')) {
            const targetPath = relativeTo(root, path.resolve(path.dirname(file), specifier));
            const to = unitOf(targetPath, boundaries.units) ?? folderOf(targetPath);
            if (to === from) continue;
            const importers = boundaries.importedOnlyBy[to];
            if (importers && !importers.includes(from)) {
              context.report({
                loc,
                messageId: 'importer',
                data: { from, to, specifier, importers: [to, ...importers].join(', ') },
              });
            } else if (allowedUnits && !allowedUnits.includes(to)) {
              const allowed = allowedUnits.length ? [from, ...allowedUnits].join(', ') : `${from} itself`;
              context.report({ loc, messageId: 'folder', data: { from, to, specifier, allowed } });
            }
          } else if (browserSide && isNodeBuiltin(specifier)) {
            context.report({ loc, messageId: 'builtin', data: { from, specifier } });
          } else {
            const pkg = packageName(specifier);
            const owners = boundaries.packageOwners[pkg];
            if (owners && !owners.includes(from)) {
              context.report({ loc, messageId: 'package', data: { from, pkg, owners: owners.join(', ') } });
            }
          }
        }
      },
    };
  },
};

/** One graph per project root, shared by every file of a lint run. */
const graphs = new Map();

function graphFor(root, units) {
  const key = `${root}\0${units.join('\0')}`;
  if (!graphs.has(key)) graphs.set(key, new ImportGraph(root, units));
  return graphs.get(key);
}

const noCycles = {
  meta: {
    type: 'problem',
    docs: { description: 'No import cycles between folders or between files.' },
    schema: [],
    messages: {
      folders: 'Import cycle between folders {{from}} and {{to}}: {{chain}} (via {{witnesses}}).',
      files: 'Import cycle between files: {{chain}}.',
    },
  },
  create(context) {
    const subject = subjectOf(context);
    if (!subject) return {};
    const { boundaries, root, file, from } = subject;
    const graph = graphFor(root, boundaries.units);
    const rel = (f) => relativeTo(root, f);
    return {
      Program() {
        const sourceCode = context.sourceCode;
        const current = { file, text: sourceCode.text };
        /** @type {ReturnType<ImportGraph['unitEdges']> | undefined} */
        let unitEdges;
        const reportedUnits = new Set();
        for (const imp of importsOf(sourceCode.text)) {
          const target = resolveImport(file, imp.specifier);
          if (!target) continue;
          const loc = specifierLoc(sourceCode, imp);
          const fileChain = graph.fileChain(target, file, current);
          if (fileChain) {
            context.report({ loc, messageId: 'files', data: { chain: [file, ...fileChain].map(rel).join(' → ') } });
          }
          const to = graph.unit(target);
          if (!to || to === from || reportedUnits.has(to)) continue;
          unitEdges ??= graph.unitEdges(current);
          const back = shortestPath(to, from, (u) => unitEdges.get(u)?.keys() ?? []);
          if (!back) continue;
          reportedUnits.add(to);
          const units = [from, ...back];
          const witnesses = units.slice(0, -1).map((u, i) => {
            const w = i === 0 ? { from: file, to: target } : unitEdges.get(u).get(units[i + 1]);
            return `${rel(w.from)} → ${rel(w.to)}`;
          });
          context.report({
            loc,
            messageId: 'folders',
            data: { from, to, chain: units.join(' → '), witnesses: witnesses.join('; ') },
          });
        }
      },
    };
  },
};

export default {
  meta: { name: 'boundaries' },
  rules: { layers, 'no-cycles': noCycles },
};
