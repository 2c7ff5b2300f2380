// `agent-vitals probe`: runs text through a model's probe graph and prints each token's
// residual-stream norm at the chosen layers — a quick way to see the probe working.
import { join } from 'node:path';
import { commandFailure, type CliCommand } from './commands';
import { MODEL_OPTIONS, MODEL_USAGE, parseModelArgs, resolveModelArgs, UsageError } from './model-args';
import { ResidualProbe } from '../engine';
import { ModelTokenizer } from '../model/chat-tokenizer';
import { tokenNorms } from '../model/token-norms';

/** `2,3` as sorted distinct layer numbers; undefined when any item is not a number. */
export function parseLayers(text: string): number[] | undefined {
  const layers = text.split(',').map((s) => s.trim());
  if (!layers.every((l) => /^\d+$/.test(l))) return undefined;
  return [...new Set(layers.map(Number))].sort((a, b) => a - b);
}

export const probeCommand: CliCommand = {
  name: 'probe',
  summary: 'print per-token residual-stream norms of a text at chosen layers',
  usage: `${MODEL_USAGE} --text "…" --layers 2,3 [--json]`,
  options: {
    ...MODEL_OPTIONS,
    text: { type: 'string' },
    layers: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(values, _positionals, io) {
    const fail = commandFailure(io, 'probe');
    const text = values.text as string | undefined;
    if (!text) return fail('--text is required', 2);
    const layers = parseLayers((values.layers as string | undefined) ?? '');
    if (!layers?.length) return fail("--layers takes layer numbers like '2,3'", 2);
    let args;
    try {
      args = parseModelArgs(values);
    } catch (err) {
      if (err instanceof UsageError) return fail(err.message, 2);
      throw err;
    }
    const { model, dtype, threads, executionProvider, cacheDir } = args;
    const resolved = await resolveModelArgs(args, io.stderr, values.json === true);
    const tokenizer = await ModelTokenizer.load(resolved.folder);
    const probe = await ResidualProbe.load(resolved.onnxPath, {
      layers,
      threads,
      executionProvider,
      cacheDir: join(cacheDir, 'graphs'),
    });
    try {
      const ids = tokenizer.encodeText(text);
      const { activations } = await probe.forward(ids);
      const hidden = probe.shape.hiddenSize;
      const norms = new Map([...activations].map(([layer, v]) => [layer, tokenNorms(v, hidden)]));
      const pieces = tokenizer.pieces(ids);
      if (values.json) {
        const tokens = ids.map((id, i) => ({
          index: i,
          id,
          text: pieces[i],
          norms: Object.fromEntries(layers.map((l) => [String(l), norms.get(l)![i]])),
        }));
        io.stdout.write(
          JSON.stringify(
            { model, dtype, numLayers: probe.shape.numLayers, hiddenSize: hidden, layers, tokens },
            null,
            2,
          ) + '\n',
        );
      } else {
        io.stdout.write(
          `${model} (${dtype}): ${probe.shape.numLayers} layers, hidden ${hidden}; ‖residual‖ after layers ${layers.join(', ')}\n`,
        );
        const shown = pieces.map((p) => JSON.stringify(p).slice(0, 18));
        const width = Math.max(5, ...shown.map((s) => s.length));
        io.stdout.write(['    #', 'token'.padEnd(width), ...layers.map((l) => `L${l}`.padStart(10))].join('  ') + '\n');
        ids.forEach((_, i) => {
          const cells = layers.map((l) => norms.get(l)![i].toFixed(4).padStart(10));
          io.stdout.write([String(i).padStart(5), shown[i].padEnd(width), ...cells].join('  ') + '\n');
        });
      }
      return 0;
    } finally {
      await probe.release();
    }
  },
};
