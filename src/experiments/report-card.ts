// Experiment "Report Card": the validation battery for the loaded model's vectors.
import { join } from 'node:path';
import { loadCorpus } from '../corpus/format';
import { loadDoseTemplates, runReportCard } from '../emotion/report-card';
import { projectRoot } from '../model-store/model-spec';
import { asParams, READER_CAVEAT, stringParam, type ExperimentContext } from './context';
import { experimentReader, type ExperimentModel } from './model';
import type { ReportCardResult } from './results';

export interface ReportCardParams {
  /** Corpus folder (stories, neutral dialogues, dose-response.json). */
  corpus: string;
}

export function parseReportCardParams(value: unknown): ReportCardParams {
  return { corpus: stringParam(asParams(value), 'corpus', join(projectRoot(), 'vectors')) };
}

export async function runReportCardExperiment(model: ExperimentModel, params: ReportCardParams, ctx: ExperimentContext = {}): Promise<ReportCardResult> {
  const card = await runReportCard(loadCorpus(params.corpus), experimentReader(model), model.vectors, loadDoseTemplates(join(params.corpus, 'dose-response.json')), {
    signal: ctx.signal,
    onProgress: (p) => ctx.onProgress?.({ done: p.done, total: p.total, message: `${p.phase}: ${p.done} of ${p.total}` }),
  });
  return {
    experiment: 'report-card',
    ...card,
    caveats: [
      READER_CAVEAT,
      'A pass means the vectors separate the corpus’s held-out stories and follow the dose-response templates on this model; it does not prove the readings track anything in an agent’s behaviour.',
      'Thresholds are fixed in advance; a warn is reported as measured, not adjusted.',
    ],
  };
}
