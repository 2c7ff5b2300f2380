// `agent-vitals report-card`: the validation battery for a calibrated model.
import { join } from 'node:path';
import type { CliCommand } from './commands';
import { interruptSignal, MODEL_OPTIONS, MODEL_USAGE, openCalibratedReader, parseModelArgs, resolveModelArgs, UsageError } from './model-args';
import { loadCorpus } from '../corpus/format';
import { loadDoseTemplates, runReportCard, type ReportCard } from '../emotion/report-card';
import { MissingVectorsError } from '../emotion/vector-store';
import { projectRoot } from '../model-store/model-spec';

export function formatReportCard(card: ReportCard): string {
  const lines = [
    `Report card for ${card.model} — layer ${card.layer}: ${card.verdict === 'pass' ? 'PASS' : 'WARN'}`,
    `(${card.layerReason})`,
    '',
  ];
  const width = Math.max(...card.checks.map((c) => c.name.length));
  for (const c of card.checks)
    lines.push(`  ${c.verdict === 'pass' ? '✔' : '⚠'} ${c.name.padEnd(width)}  ${c.value.toFixed(3).padStart(7)}   (${c.threshold})${c.detail ? `  ${c.detail}` : ''}`);
  lines.push('', 'Dose-response readings (z at the start of the reply):');
  for (const curve of card.doseCurves) {
    const shown = Object.keys(curve.readings).filter((e) => ['afraid', 'desperate', 'calm'].includes(e));
    lines.push(`  ${curve.template}: doses ${curve.doses.join(', ')}`);
    for (const e of shown) lines.push(`    ${e.padEnd(10)} ${curve.readings[e].map((z) => z.toFixed(2).padStart(6)).join(' ')}`);
  }
  return lines.join('\n') + '\n';
}

export const reportCardCommand: CliCommand = {
  name: 'report-card',
  summary: "validate a model's emotion vectors: held-out accuracy, dose-response, valence, neutral control",
  usage: `${MODEL_USAGE} [--vectors f.avv] [--corpus dir] [--json]`,
  options: { ...MODEL_OPTIONS, vectors: { type: 'string' }, corpus: { type: 'string' }, json: { type: 'boolean' } },
  async run(values) {
    const fail = (message: string, code: number) => {
      process.stderr.write(`agent-vitals report-card: ${message}\n`);
      return code;
    };
    const interrupt = interruptSignal();
    try {
      const args = parseModelArgs(values);
      const root = (values.corpus as string | undefined) ?? join(projectRoot(), 'vectors');
      const corpus = loadCorpus(root);
      const resolved = await resolveModelArgs(args, interrupt.signal);
      const { reader, vectors } = await openCalibratedReader(args, resolved, values.vectors as string | undefined);
      try {
        let last = 0;
        const card = await runReportCard(corpus, reader, vectors, loadDoseTemplates(join(root, 'dose-response.json')), {
          signal: interrupt.signal,
          onProgress: (p) => {
            if (Date.now() - last < 1000 && p.done !== p.total) return;
            last = Date.now();
            process.stderr.write(`${p.phase}: ${p.done}/${p.total}\n`);
          },
        });
        process.stdout.write(values.json ? JSON.stringify(card, null, 2) + '\n' : formatReportCard(card));
        return 0;
      } finally {
        await reader.release();
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
