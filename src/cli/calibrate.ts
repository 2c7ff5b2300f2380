// `agent-vitals calibrate`: reads the story corpus through a model and writes its emotion vectors.
import { join } from 'node:path';
import { commandFailure, type CliCommand } from './commands';
import {
  interruptSignal,
  MODEL_OPTIONS,
  MODEL_USAGE,
  parseModelArgs,
  resolveModelArgs,
  UsageError,
} from './model-args';
import { loadCorpus } from '../corpus/format';
import { lintCorpus } from '../corpus/lint';
import { calibrate, CalibrationError, MIN_TOKENS_AFTER_START, type CalibrationProgress } from '../emotion/calibrate';
import { LoadedModel } from '../model/loaded-model';
import { readModelConfig } from '../model-store/model-config';
import { vectorFilePath } from '../emotion/vector-store';
import { writeVectorFile } from '../emotion/vectors';
import { projectRoot } from '../model-store/model-spec';

/** "3", "2,5" or "4-9" → layer numbers. */
export function parseLayerList(text: string, numLayers: number): number[] {
  const out = new Set<number>();
  for (const part of text.split(',').map((s) => s.trim())) {
    const range = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!range) throw new UsageError(`--layers takes numbers and ranges like '4-9,12' (got '${part}')`);
    const from = Number(range[1]);
    const to = range[2] === undefined ? from : Number(range[2]);
    for (let l = Math.min(from, to); l <= Math.max(from, to); l++) {
      if (l >= numLayers) throw new UsageError(`layer ${l} is outside the model's 0…${numLayers - 1}`);
      out.add(l);
    }
  }
  return [...out].sort((a, b) => a - b);
}

function progressPrinter(started: number, stderr: NodeJS.WritableStream): (p: CalibrationProgress) => void {
  let last = 0;
  return (p) => {
    const now = Date.now();
    if (p.done !== p.total && now - last < 1000) return;
    last = now;
    stderr.write(`${p.phase}: ${p.done}/${p.total} (${((now - started) / 1000).toFixed(0)} s)\n`);
  };
}

export const calibrateCommand: CliCommand = {
  name: 'calibrate',
  summary: 'read the emotion corpus through a model and write its emotion vectors',
  usage: `${MODEL_USAGE} [--out file.avv (default: in the cache folder)] [--layers 4-9 (default all)] [--token-start n (default 50)] [--corpus dir (default: the bundled corpus)] [--json]`,
  options: {
    ...MODEL_OPTIONS,
    out: { type: 'string' },
    layers: { type: 'string' },
    'token-start': { type: 'string' },
    corpus: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(values, _positionals, io) {
    const fail = commandFailure(io, 'calibrate');
    const interrupt = interruptSignal();
    try {
      const args = parseModelArgs(values);
      const tokenStart = values['token-start'] === undefined ? 50 : Number(values['token-start']);
      if (!Number.isInteger(tokenStart) || tokenStart < 0)
        throw new UsageError('--token-start takes a non-negative integer');
      const corpus = loadCorpus((values.corpus as string | undefined) ?? join(projectRoot(), 'vectors'));
      const problems = lintCorpus(corpus).errors;
      if (problems.length)
        return fail(`the corpus has ${problems.length} problem(s), first: ${problems[0]} (run npm run lint:corpus)`, 2);

      const resolved = await resolveModelArgs(args, io.stderr, values.json === true, interrupt.signal);
      const numLayers = readModelConfig(resolved.folder).numHiddenLayers;
      if (!numLayers) throw new Error(`${resolved.folder}/config.json does not say num_hidden_layers`);
      const layers = values.layers
        ? parseLayerList(values.layers as string, numLayers)
        : Array.from({ length: numLayers }, (_, i) => i);
      const model = await LoadedModel.open(args.model, resolved, {
        layers,
        threads: args.threads,
        executionProvider: args.executionProvider,
        cacheDir: args.cacheDir,
      });
      const started = Date.now();
      try {
        const { vectors } = await calibrate(corpus, model.activationSource(), {
          layers,
          tokenStart,
          signal: interrupt.signal,
          onProgress: progressPrinter(started, io.stderr),
        });
        const out = (values.out as string | undefined) ?? vectorFilePath(args.cacheDir, model.identity);
        writeVectorFile(out, vectors);
        const seconds = (Date.now() - started) / 1000;
        const h = vectors.header;
        if (values.json) {
          io.stdout.write(
            JSON.stringify(
              {
                out,
                seconds,
                model: h.model,
                layer: h.choice.layer,
                reason: h.choice.reason,
                perLayer: h.choice.perLayer,
                storiesUsed: h.storiesUsed,
                storiesSkipped: h.storiesSkipped,
                neutralTokensSampled: h.neutralTokensSampled,
              },
              null,
              2,
            ) + '\n',
          );
        } else {
          io.stdout.write(
            `Calibrated ${h.emotions.length} emotions for ${h.model.id} (${h.model.dtype}) in ${seconds.toFixed(1)} s.\n`,
          );
          io.stdout.write(`Chosen ${h.choice.reason}.\n\n  layer  top-1 (held-out)  desperate-vs-calm AUROC\n`);
          for (const m of h.choice.perLayer)
            io.stdout.write(
              `  ${String(m.layer).padStart(5)}  ${m.top1Accuracy.toFixed(3).padStart(16)}  ${m.desperateCalmAuroc.toFixed(3).padStart(23)}${m.layer === h.choice.layer ? '  ◀' : ''}\n`,
            );
          io.stdout.write(
            `\n${h.storiesUsed} stories used, ${h.storiesSkipped} skipped (shorter than ${h.tokenStart + MIN_TOKENS_AFTER_START} tokens); ${h.neutralTokensSampled} neutral tokens for the PCA and baseline.\nVectors: ${out}\n`,
          );
        }
        return 0;
      } finally {
        await model.release();
      }
    } catch (err) {
      if (err instanceof UsageError) return fail(err.message, 2);
      if (err instanceof CalibrationError && interrupt.signal.aborted) return fail('cancelled', 130);
      throw err;
    } finally {
      interrupt.dispose();
    }
  },
};
