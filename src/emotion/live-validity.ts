// Whether a vector file's readings may drive anything live (flag severity, status-bar colour,
// notifications). The report card decides; its verdict is recorded in the vector file, and a
// reading without a passing agent-turn check is shown greyed but drives nothing.
import { NO_READER, type LiveValidity } from '../contracts/reading';

/** What the report card records in the vector file header (`header.validation`). */
export interface ReadingValidation {
  /** True only when the agent-turn check passed for these vectors on this model. */
  validForLive: boolean;
  /** One line a user can read: which check decided, with its value and interval. */
  reason: string;
  /** Every check's verdict, by id, as the report card gave it. */
  verdicts: { id: string; verdict: 'pass' | 'warn' | 'fail' }[];
  /** ISO time of the report card run. */
  checkedAt: string;
}

/** Bundled demo models are never valid for live use, whatever their report card says. */
export function isDemoModel(modelId: string): boolean {
  return modelId.startsWith('fixture:');
}

/** What every window says of the demo model, loaded or not. */
export const DEMO_VALIDITY: LiveValidity = {
  valid: false,
  why: 'the demo model is illustrative only: its readings are never used live',
};

/** The part of a vector file's header the verdict reads (the file format in vectors.ts records it). */
export interface ValidatedHeader {
  header: { model: { id: string }; validation?: ReadingValidation | null };
}

export function liveValidity(set: ValidatedHeader | null): LiveValidity {
  if (!set) return NO_READER;
  const { model, validation } = set.header;
  if (isDemoModel(model.id)) return DEMO_VALIDITY;
  if (!validation)
    return { valid: false, why: `${model.id} has not been validated on agent text: run the report card` };
  if (!validation.validForLive)
    return { valid: false, why: `not validated on agent text for ${model.id}: ${validation.reason}` };
  return { valid: true, why: `validated on agent text (${validation.reason})` };
}
