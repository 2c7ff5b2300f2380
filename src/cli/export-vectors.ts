// `agent-vitals export-vectors`: writes a model's calibrated emotion vectors as llama.cpp control
// vectors (GGUF), one file per emotion, for runtimes that steer but cannot calibrate.
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { commandFailure, type CliCommand } from './commands';
import {
  findCalibratedVectors,
  MODEL_OPTIONS,
  MODEL_USAGE,
  parseModelArgs,
  resolveModelArgs,
  UsageError,
} from './model-args';
import { parseLayers } from './probe';
import { readModelConfig } from '../model-store/model-config';
import { checkModelShape, controlVectorsFor, ExportRefusedError } from '../emotion/control-vector-export';
import { encodeControlVector } from '../emotion/control-vector-file';

const FORMATS = ['gguf'] as const;

function parseList(text: string | undefined): string[] | undefined {
  return text === undefined
    ? undefined
    : [
        ...new Set(
          text
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        ),
      ];
}

/** `<out>` for one emotion; `<out stem>.<emotion>.gguf` each for several. */
export function exportPaths(out: string, emotions: readonly string[]): Map<string, string> {
  if (emotions.length === 1) return new Map([[emotions[0], out]]);
  const stem = out.replace(/\.gguf$/i, '');
  return new Map(emotions.map((e) => [e, `${stem}.${e}.gguf`]));
}

export const exportVectorsCommand: CliCommand = {
  name: 'export-vectors',
  summary: "write a model's calibrated emotion vectors as llama.cpp control vectors",
  usage: `${MODEL_USAGE} --format gguf --out <file> [--emotions calm,desperate (default calm)] [--layers 3 (default: the reading layer)] [--vectors f.avv] [--force]`,
  options: {
    ...MODEL_OPTIONS,
    format: { type: 'string' },
    out: { type: 'string' },
    emotions: { type: 'string' },
    layers: { type: 'string' },
    vectors: { type: 'string' },
    force: { type: 'boolean' },
  },
  async run(values, _positionals, io) {
    const fail = commandFailure(io, 'export-vectors');
    const format = values.format as string | undefined;
    if (!FORMATS.includes(format as (typeof FORMATS)[number])) return fail(`--format takes ${FORMATS.join(', ')}`, 2);
    const out = values.out as string | undefined;
    if (!out) return fail('--out is required', 2);
    const layersText = values.layers as string | undefined;
    const layers = layersText === undefined ? undefined : parseLayers(layersText);
    if (layers?.length === 0 || (layersText !== undefined && !layers))
      return fail("--layers takes layer numbers like '2,3'", 2);
    let args;
    try {
      args = parseModelArgs(values);
    } catch (err) {
      if (err instanceof UsageError) return fail(err.message, 2);
      throw err;
    }
    const emotions = parseList(values.emotions as string | undefined) ?? ['calm'];
    if (emotions.length === 0) return fail('--emotions takes emotion names like calm,desperate', 2);
    const paths = exportPaths(out, emotions);
    const existing = [...paths.values()].filter((p) => existsSync(p));
    if (existing.length && values.force !== true)
      return fail(`${existing.join(', ')} already exists; pass --force to replace it`, 1);

    const resolved = await resolveModelArgs(args, io.stderr, false);
    const config = readModelConfig(resolved.folder);
    const { set, info } = await findCalibratedVectors(args, resolved, io.stderr, values.vectors as string | undefined);
    let vectors;
    try {
      checkModelShape(set, config);
      // llama.cpp does not read the hint; repeng writes the transformers model type there.
      vectors = controlVectorsFor(set, config.modelType ?? args.model, { emotions, layers });
    } catch (err) {
      if (err instanceof ExportRefusedError) return fail(err.message, 1);
      throw err;
    }
    for (const [emotion, cv] of vectors) {
      const path = paths.get(emotion)!;
      const tmp = `${path}.tmp-${process.pid}`;
      writeFileSync(tmp, encodeControlVector(cv));
      renameSync(tmp, path);
      const written = [...cv.directions.keys()];
      io.stdout.write(
        `${path}: ${emotion}, direction.${written.join(', direction.')} (${set.header.hiddenSize} values each) from ${info.path}\n`,
      );
    }
    io.stdout.write(
      'Unit directions: a llama.cpp control-vector scale s adds s residual units along each; the research scale α is s = α × the mean residual norm at that layer.\n',
    );
    return 0;
  },
};
