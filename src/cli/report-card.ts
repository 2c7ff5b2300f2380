// `agent-vitals report-card`: the validation battery for a calibrated model.
import { join } from 'node:path';
import { commandFailure, type CliCommand } from './commands';
import {
  interruptSignal,
  MODEL_OPTIONS,
  MODEL_USAGE,
  openCalibratedModel,
  parseModelArgs,
  resolveModelArgs,
  UsageError,
} from './model-args';
import { loadCorpus } from '../corpus/format';
import {
  loadDoseTemplates,
  runReportCard,
  validationRecord,
  type ReportCard,
  type Verdict,
} from '../emotion/report-card';
import { agentTurnSource } from '../transcript-pipeline/validation-turns';
import { recordVerdicts } from '../model/loaded-vectors';
import { MissingVectorsError } from '../emotion/vector-store';
import { projectRoot } from '../model-store/model-spec';

const MARK: Record<Verdict, string> = { pass: '✔', warn: '⚠', fail: '✘' };

const num = (x: number | null | undefined) =>
  x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(3);

export function formatReportCard(card: ReportCard): string {
  const lines = [
    `Report card for ${card.model} — layer ${card.layer} (depth ${card.layerDepth.toFixed(2)}): ${card.verdict.toUpperCase()}`,
    `(${card.layerReason})`,
    `Valid for live use: ${card.validForLive ? 'yes' : 'no'} — ${card.validForLiveReason}`,
    '',
    `  ${'check'.padEnd(30)} ${'value'.padStart(7)}  ${'95% interval'.padEnd(16)} ${'lexical'.padStart(7)}  ${'shuffled'.padStart(8)} ${'random'.padStart(7)}  threshold`,
  ];
  for (const c of card.checks) {
    const ci = c.ci ? `[${num(c.ci[0])}, ${num(c.ci[1])}]` : '';
    lines.push(
      `${MARK[c.verdict]} ${c.id.padEnd(30)} ${num(c.value).padStart(7)}  ${ci.padEnd(16)} ${num(c.baseline).padStart(7)}  ${num(c.controls?.shuffledLabels).padStart(8)} ${num(c.controls?.randomDirections).padStart(7)}  ${c.threshold}${c.detail ? `  (${c.detail})` : ''}`,
    );
  }
  const m = card.material;
  lines.push(
    '',
    `lexical: naive Bayes on the same training stories; shuffled/random: 95th percentile over ${m.shuffledSeeds} label permutations / ${m.randomDirections} random direction sets; intervals: ${m.resamples} stratified bootstrap resamples.`,
  );
  if (card.references)
    lines.push(
      `Reference for agent turns: ${card.references.better === 'session' ? 'within-session' : 'neutral dialogue'} reads better (${card.references.why}).`,
    );
  lines.push('', 'Dose-response readings (z at the start of the reply):');
  for (const curve of card.doseCurves) {
    const shown = Object.keys(curve.readings).filter((e) => ['afraid', 'desperate', 'calm'].includes(e));
    lines.push(`  ${curve.template}: doses ${curve.doses.join(', ')}`);
    for (const e of shown)
      lines.push(`    ${e.padEnd(10)} ${curve.readings[e].map((z) => z.toFixed(2).padStart(6)).join(' ')}`);
  }
  return lines.join('\n') + '\n';
}

export const reportCardCommand: CliCommand = {
  name: 'report-card',
  summary:
    "validate a model's emotion vectors on agent turns and stories, with intervals, a lexical baseline and controls; records the verdict in the vector file",
  usage: `${MODEL_USAGE} [--vectors f.avv] [--corpus dir] [--shuffled-seeds 10] [--random-directions 200] [--resamples 2000] [--json]`,
  options: {
    ...MODEL_OPTIONS,
    vectors: { type: 'string' },
    corpus: { type: 'string' },
    'shuffled-seeds': { type: 'string' },
    'random-directions': { type: 'string' },
    resamples: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(values, _positionals, io) {
    const fail = commandFailure(io, 'report-card');
    const interrupt = interruptSignal();
    try {
      const args = parseModelArgs(values);
      const count = (name: string, min: number) => {
        const raw = values[name];
        if (raw === undefined) return undefined;
        const n = Number(raw);
        if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} takes an integer ≥ ${min}`);
        return n;
      };
      const controls = {
        shuffledSeeds: count('shuffled-seeds', 0),
        randomDirections: count('random-directions', 0),
        resamples: count('resamples', 1000),
      };
      const root = (values.corpus as string | undefined) ?? join(projectRoot(), 'vectors');
      const corpus = loadCorpus(root);
      const resolved = await resolveModelArgs(args, io.stderr, values.json === true, interrupt.signal);
      const { model, vectors, path } = await openCalibratedModel(
        args,
        resolved,
        io.stderr,
        values.vectors as string | undefined,
      );
      try {
        let last = 0;
        const turns = agentTurnSource(root, model, vectors.header.choice.layer);
        if (!turns) io.stderr.write(`no agent-turn validation set under ${root}: the agent-turn checks fail\n`);
        const card = await runReportCard(
          corpus,
          model.activationSource(),
          vectors,
          loadDoseTemplates(join(root, 'dose-response.json')),
          turns,
          {
            ...controls,
            signal: interrupt.signal,
            onProgress: (p) => {
              if (Date.now() - last < 1000 && p.done !== p.total) return;
              last = Date.now();
              io.stderr.write(`${p.phase}: ${p.done}/${p.total}\n`);
            },
          },
        );
        const recorded = recordVerdicts(path, validationRecord(card));
        io.stderr.write(
          recorded
            ? `verdicts recorded in ${recorded}\n`
            : `verdicts not recorded: ${path} is shipped with the model\n`,
        );
        io.stdout.write(values.json ? JSON.stringify(card, null, 2) + '\n' : formatReportCard(card));
        return 0;
      } finally {
        await model.release();
      }
    } catch (err) {
      if (err instanceof UsageError) return fail(err.message, 2);
      if (err instanceof MissingVectorsError) return fail(err.message, 3);
      if (interrupt.signal.aborted) return fail('cancelled', 130);
      throw err;
    } finally {
      interrupt.dispose();
    }
  },
};
