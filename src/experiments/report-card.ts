// Experiment "Report Card": the validation battery for the loaded model's vectors.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadCorpus } from '../corpus/format';
import { loadDoseTemplates, runReportCard } from '../emotion/report-card';
import { projectRoot } from '../model-store/model-spec';
import { asParams, ExperimentParamError, READER_CAVEAT, stringParam, type ExperimentContext } from './context';
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
  if (!existsSync(join(params.corpus, 'corpus')) || !existsSync(join(params.corpus, 'dose-response.json')))
    throw new ExperimentParamError(`The report card reads the story corpus and dose-response templates, and they are not in ${params.corpus}. Point 'corpus' at a checkout's vectors/ folder.`);
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
