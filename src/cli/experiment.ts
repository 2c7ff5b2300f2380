// `agent-vitals experiment <name>`: the command-palette experiments, headless. Each prints a short
// summary, or its full JSON result with --json; the replay can also be exported as HTML/CSV/JSON.
import { readFileSync, writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import { commandFailure, type CliCommand } from './commands';
import {
  interruptSignal,
  MODEL_OPTIONS,
  MODEL_USAGE,
  parseModelArgs,
  resolveModelArgs,
  UsageError,
} from './model-args';
import { MissingVectorsError } from '../emotion/vector-store';
import { ExperimentCancelledError, ExperimentParamError } from '../experiments/context';
import { openExperimentModel } from '../experiments/experiment-model';
import {
  EXPERIMENT_NAMES,
  isExperimentName,
  runExperiment,
  type ExperimentName,
  type ExperimentResult,
} from '../experiments/registry';
import { exportReplay, type ReplayExportFormat } from '../experiments/replay-export';
import type { ExperimentParams } from '../contracts/experiments';

const numberList = (text: string, flag: string): number[] => {
  const values = text.split(',').map((s) => Number(s.trim()));
  if (values.some((v) => !Number.isFinite(v))) throw new UsageError(`${flag} takes comma-separated numbers`);
  return values;
};

const readText = (path: string): string => {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${(err as Error).message}`);
  }
};

/** A parameter some experiment declares: each flag below must name one. */
type ParamName = { [N in ExperimentName]: keyof ExperimentParams[N] }[ExperimentName];

/** Flags → the experiment's parameter object (`--params` JSON first, flags override it). */
export function experimentParams(values: Record<string, unknown>): Record<string, unknown> {
  let params: Record<string, unknown> = {};
  if (values.params !== undefined) {
    try {
      params = JSON.parse(values.params as string) as Record<string, unknown>;
    } catch (err) {
      throw new UsageError(`--params is not valid JSON: ${(err as Error).message}`);
    }
    if (typeof params !== 'object' || params === null || Array.isArray(params))
      throw new UsageError('--params must be a JSON object');
  }
  const str = (flag: string) => values[flag] as string | undefined;
  const num = (flag: string) => {
    if (values[flag] === undefined) return undefined;
    const v = Number(values[flag]);
    if (!Number.isFinite(v)) throw new UsageError(`--${flag} takes a number`);
    return v;
  };
  const set = (key: ParamName, value: unknown) => {
    if (value !== undefined) params[key] = value;
  };
  set('text', str('text'));
  if (str('file') !== undefined) {
    set('text', readText(str('file')!));
    set('source', str('file'));
  }
  set('file', str('transcript'));
  set('source', str('source'));
  set('delayMs', num('delay-ms'));
  set('prompt', str('prompt'));
  set('emotion', str('emotion'));
  set('alphas', str('alphas') === undefined ? undefined : numberList(str('alphas')!, '--alphas'));
  set('samples', num('samples'));
  set('seed', num('seed'));
  set('temperature', num('temperature'));
  set('maxNewTokens', num('max-tokens'));
  set('maxFailures', num('max-failures'));
  set('corpus', str('corpus'));
  if (str('tones') !== undefined) set('tones', JSON.parse(readText(str('tones')!)));
  if (str('tasks') !== undefined)
    set(
      'tasks',
      readText(str('tasks')!)
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean),
    );
  return params;
}

const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');

/** A few lines a person can read; --json carries everything. */
export function formatExperiment(result: ExperimentResult): string {
  const lines: string[] = [`${result.experiment} — ${result.model}, layer ${result.layer}`];
  switch (result.experiment) {
    case 'score':
      lines.push(`${result.tokens.length} tokens from ${result.source}; mean z (p90, max):`);
      for (const e of [...result.emotions].sort((a, b) => result.summary[b].mean - result.summary[a].mean))
        lines.push(
          `  ${e.padEnd(14)} ${f2(result.summary[e].mean).padStart(6)} (${f2(result.summary[e].p90)}, ${f2(result.summary[e].max)})`,
        );
      break;
    case 'tone':
      for (const t of result.tones)
        lines.push(
          `  ${t.tone.padEnd(12)} ${['desperate', 'calm', 'afraid']
            .filter((e) => e in t.mean)
            .map((e) => `${e} ${f2(t.mean[e])} ± ${f2(t.std[e])}`)
            .join('   ')}`,
        );
      break;
    case 'streak':
      lines.push(`  failures   ${result.failures.map((n) => String(n).padStart(6)).join('')}`);
      for (const [e, zs] of Object.entries(result.readings))
        lines.push(`  ${e.padEnd(10)} ${zs.map((z) => f2(z).padStart(6)).join('')}   ρ = ${f2(result.spearman[e])}`);
      break;
    case 'steer':
      lines.push(`steering ${result.emotion}; ‖r̄‖ = ${f2(result.residualNorm)}`);
      for (const a of result.alphas) {
        lines.push(
          `  α = ${a.alpha}: ${result.emotion} at reply start ${f2(a.meanReplyStart[result.emotion])}, over the reply ${f2(a.meanSteered[result.emotion])} (re-read ${f2(a.meanReread[result.emotion])}); tampering ${a.tamperCount}/${a.replies.length}`,
        );
        for (const r of a.replies.slice(0, 3))
          lines.push(`    seed ${r.seed}: ${JSON.stringify(r.text.slice(0, 160))}`);
      }
      break;
    case 'replay': {
      const turns = result.timeline.filter((e) => e.kind === 'turn' && e.role === 'assistant').length;
      const runs = result.timeline.filter((e) => e.kind === 'test-run').length;
      const flags = result.timeline.filter((e) => e.kind === 'flag').length;
      lines.push(
        `${result.source} session ${result.sessionId}: ${turns} assistant turns, ${runs} test runs, ${flags} flags, ${result.unscoredTurns} unscored`,
      );
      for (const e of result.timeline) {
        if (e.kind === 'turn' && e.summary)
          lines.push(
            `  #${e.seq} assistant  desperate ${f2(e.summary.desperate?.mean ?? NaN)}  calm ${f2(e.summary.calm?.mean ?? NaN)}`,
          );
        if (e.kind === 'test-run') lines.push(`  #${e.seq} test run   ${e.passed ?? '?'} passed, ${e.failed} failed`);
        if (e.kind === 'flag') lines.push(`  #${e.seq} flag       ${e.severity} ${e.kinds.join(',')} ${e.path}`);
      }
      break;
    }
    case 'report-card':
      lines.push(`verdict: ${result.verdict}`);
      for (const c of result.checks)
        lines.push(`  ${c.verdict === 'pass' ? '✔' : '⚠'} ${c.name}: ${f2(c.value)} (${c.threshold})`);
      break;
  }
  lines.push('', ...result.caveats.map((c) => `note: ${c}`));
  return lines.join('\n') + '\n';
}

function exportFormat(path: string): ReplayExportFormat {
  const ext = extname(path).slice(1).toLowerCase();
  if (ext === 'html' || ext === 'htm') return 'html';
  if (ext === 'csv' || ext === 'json') return ext;
  throw new UsageError('--export needs a file ending in .html, .csv or .json');
}

export const experimentCommand: CliCommand = {
  name: 'experiment',
  summary: 'run an experiment: score, replay, tone, streak, steer or report-card',
  usage: [
    `<${EXPERIMENT_NAMES.join('|')}> ${MODEL_USAGE} [--vectors f.avv] [--json] [--params '{json}']`,
    '',
    '  score        --text "…" | --file f           a text read as an assistant turn: per-token z and summary',
    '  replay       --transcript f [--source s] [--delay-ms n] [--export out.html|.csv|.json]',
    '                                               a recorded session through the scoring loop, with test runs and flags',
    '  tone         [--tones tones.json] [--tasks tasks.txt]',
    '                                               encouraging / neutral / pressure phrasing: reading at the reply start',
    '  streak       [--max-failures 8]              reading after 0…N failed test runs, with Spearman ρ',
    '  steer        [--emotion desperate] [--alphas=-0.1,0,0.1] [--samples k] [--seed 1] [--temperature 0.8]',
    '               [--max-tokens 96] [--prompt "…"]  steered replies, readings and the tamper count per α',
    '  report-card  [--corpus dir]                  the validation battery for the vectors',
    '',
    "  --params takes the experiment's parameters as JSON (the same object the extension sends); flags override it.",
  ].join('\n'),
  options: {
    ...MODEL_OPTIONS,
    vectors: { type: 'string' },
    json: { type: 'boolean' },
    params: { type: 'string' },
    text: { type: 'string' },
    file: { type: 'string' },
    transcript: { type: 'string' },
    source: { type: 'string' },
    'delay-ms': { type: 'string' },
    export: { type: 'string' },
    prompt: { type: 'string' },
    emotion: { type: 'string' },
    alphas: { type: 'string' },
    samples: { type: 'string' },
    seed: { type: 'string' },
    temperature: { type: 'string' },
    'max-tokens': { type: 'string' },
    'max-failures': { type: 'string' },
    tones: { type: 'string' },
    tasks: { type: 'string' },
    corpus: { type: 'string' },
  },
  async run(values, positionals, io) {
    const fail = commandFailure(io, 'experiment');
    const interrupt = interruptSignal();
    try {
      const [name, ...extra] = positionals;
      if (!name || extra.length) throw new UsageError(`name one experiment: ${EXPERIMENT_NAMES.join(', ')}`);
      if (!isExperimentName(name))
        throw new UsageError(`unknown experiment '${name}' (${EXPERIMENT_NAMES.join(', ')})`);
      if (values.export !== undefined && name !== 'replay')
        throw new UsageError('--export applies to the replay experiment');
      const format = values.export === undefined ? undefined : exportFormat(values.export as string);
      const params = experimentParams(values);
      const args = parseModelArgs(values);
      const resolved = await resolveModelArgs(args, io.stderr, values.json === true, interrupt.signal);
      const opened = await openExperimentModel(args.model, resolved, {
        cacheDir: args.cacheDir,
        threads: args.threads,
        executionProvider: args.executionProvider,
        vectorsPath: values.vectors as string | undefined,
      });
      try {
        let last = 0;
        const result = await runExperiment(name, params, opened.model, {
          signal: interrupt.signal,
          onProgress: (p) => {
            if (Date.now() - last < 1000 && p.done !== p.total) return;
            last = Date.now();
            io.stderr.write(`${p.message} (${p.done}/${p.total})\n`);
          },
        });
        if (format && result.experiment === 'replay') {
          writeFileSync(values.export as string, exportReplay(result, format));
          io.stderr.write(`wrote ${values.export as string}\n`);
        }
        io.stdout.write(values.json ? JSON.stringify(result, null, 2) + '\n' : formatExperiment(result));
        return 0;
      } finally {
        await opened.release();
      }
    } catch (err) {
      if (err instanceof UsageError || err instanceof ExperimentParamError) return fail(err.message, 2);
      if (err instanceof MissingVectorsError) return fail(err.message, 3);
      if (err instanceof ExperimentCancelledError) return fail('cancelled', 130);
      throw err;
    } finally {
      interrupt.dispose();
    }
  },
};
