// Experiment "Report Card": the validation battery for the loaded model's vectors.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadCorpus } from '../corpus/format';
import { loadDoseTemplates, runReportCard, validationRecord } from '../emotion/report-card';
import { agentTurnSource } from '../transcript-pipeline/validation-turns';
import { recordVerdicts } from '../model/loaded-vectors';
import { projectRoot } from '../model-store/model-spec';
import { asParams, ExperimentParamError, READER_CAVEAT, stringParam, type ExperimentContext } from './context';
import { experimentActivations, type ExperimentModel } from './model';
import type { ReportCardParams, ReportCardResult } from '../contracts/experiments';

export function parseReportCardParams(value: unknown): ReportCardParams {
  return { corpus: stringParam(asParams(value), 'corpus', join(projectRoot(), 'vectors')) };
}

export async function runReportCardExperiment(
  model: ExperimentModel,
  params: ReportCardParams,
  ctx: ExperimentContext = {},
): Promise<ReportCardResult> {
  if (!existsSync(join(params.corpus, 'corpus')) || !existsSync(join(params.corpus, 'dose-response.json')))
    throw new ExperimentParamError(
      `The report card reads the story corpus and dose-response templates, and they are not in ${params.corpus}. Point 'corpus' at a checkout's vectors/ folder.`,
    );
  const turns = agentTurnSource(
    params.corpus,
    { encoder: model.encoder, tokenizer: model.tokenizer, contextLimit: model.contextLimit },
    model.layer,
  );
  const card = await runReportCard(
    loadCorpus(params.corpus),
    experimentActivations(model),
    model.vectors,
    loadDoseTemplates(join(params.corpus, 'dose-response.json')),
    turns,
    {
      signal: ctx.signal,
      onProgress: (p) =>
        ctx.onProgress?.({ done: p.done, total: p.total, message: `${p.phase}: ${p.done} of ${p.total}` }),
    },
  );
  if (model.vectorsPath) recordVerdicts(model.vectorsPath, validationRecord(card));
  return {
    experiment: 'report-card',
    ...card,
    caveats: [
      READER_CAVEAT,
      'Story checks show in-corpus separation only. Only the agent-turn check (coding-agent turns read in context, above its bar, the controls and by its lower interval bound) makes readings valid for live use, and the bundled demo model is never valid for it.',
      'Where the lexical baseline scores as well, the words alone would have told as much as the model.',
      'Thresholds are fixed in advance; a warn is reported as measured, not adjusted.',
    ],
  };
}
