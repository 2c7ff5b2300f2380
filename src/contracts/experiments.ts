// The experiments' contract: each experiment's parameters and result by name, plain
// JSON-serialisable shapes free of Node imports, so the CLI, the sidecar protocol and the
// experiment panels all share them. A request's and a result's type follow from the name.
import type { FlagKind, Severity } from '../core/flags';
import type { Role, TranscriptSource } from '../core/events';
import type { EmotionSummary, TokenHeat } from './reading';
import type { ReportCard } from './report-card';

/** Each experiment's parameters, as its parser returns them with every default filled in. */
export interface ExperimentParams {
  score: ScoreTextParams;
  replay: ReplayParams;
  tone: PromptToneParams;
  streak: FailureStreakParams;
  steer: SteeringParams;
  'report-card': ReportCardParams;
}

/** What each experiment returns. */
export interface ExperimentResults {
  score: ScoreTextResult;
  replay: ReplayResult;
  tone: PromptToneResult;
  streak: FailureStreakResult;
  steer: SteeringResult;
  'report-card': ReportCardResult;
}

export type ExperimentName = keyof ExperimentParams & keyof ExperimentResults;

export const EXPERIMENT_NAMES = [
  'score',
  'replay',
  'tone',
  'streak',
  'steer',
  'report-card',
] as const satisfies readonly ExperimentName[];

/** A run request: the experiment's name and any of its parameters (the rest take their defaults). */
export type ExperimentRequest<N extends ExperimentName = ExperimentName> = {
  [K in N]: { name: K; params?: Partial<ExperimentParams[K]> };
}[N];

export type ExperimentResult<N extends ExperimentName = ExperimentName> = ExperimentResults[N];

export interface ExperimentProgress {
  done: number;
  total: number;
  message: string;
  /** Experiment-specific partial result (e.g. the replay's newest timeline entry). */
  partial?: unknown;
}

export interface ScoreTextParams {
  text: string;
  /** Shown in the result (a file name or "selection"). */
  source: string;
}

export interface ReplayParams {
  file: string;
  /** The transcript's agent; detected from the file when absent. */
  source?: TranscriptSource;
  /** Pause between turns in milliseconds (0 = instantly). */
  delayMs: number;
}

export interface PromptToneParams {
  tones: ToneTemplate[];
  tasks: string[];
  /** Emotions the result lists (every emotion of the vectors by default). */
  emotions?: string[];
}

export interface FailureStreakParams {
  maxFailures: number;
  /** Emotions plotted and correlated. */
  emotions: string[];
}

export interface ReportCardParams {
  /** Corpus folder (stories, neutral dialogues, dose-response.json). */
  corpus: string;
}

export interface ScoreTextResult {
  experiment: 'score';
  model: string;
  layer: number;
  source: string;
  emotions: string[];
  tokens: TokenHeat[];
  summary: Record<string, EmotionSummary>;
  caveats: string[];
}

export interface ToneTemplate {
  tone: string;
  /** `{task}` is replaced by each task variant. */
  template: string;
}

export interface ToneResult {
  tone: string;
  template: string;
  /** readings[k]: z per emotion at the reply start for task k. */
  readings: Record<string, number>[];
  mean: Record<string, number>;
  std: Record<string, number>;
}

export interface PromptToneResult {
  experiment: 'tone';
  model: string;
  layer: number;
  emotions: string[];
  tasks: string[];
  tones: ToneResult[];
  caveats: string[];
}

export interface FailureStreakResult {
  experiment: 'streak';
  model: string;
  layer: number;
  failures: number[];
  /** z at the next reply's start, per emotion, per failure count. */
  readings: Record<string, number[]>;
  /** Spearman ρ of each emotion against the failure count. */
  spearman: Record<string, number>;
  /** The direction the research reports (+1 rises with failures, −1 falls). */
  expected: Record<string, 1 | -1>;
  caveats: string[];
}

export interface SteeringParams {
  prompt: string;
  emotion: string;
  alphas: number[];
  /** Replies sampled per α (the sweep); seeds are `seed`, `seed + 1`, … for every α alike. */
  samples: number;
  seed: number;
  temperature: number;
  topK: number;
  maxNewTokens: number;
}

export interface SteeredReply {
  seed: number;
  text: string;
  tokens: number;
  /** Tampering kinds proposed by the reply's code blocks (empty: none). */
  tamperKinds: FlagKind[];
  /** z per emotion at the reply's start, read from the steered model's own residual. */
  replyStart: Record<string, number>;
  /** Mean z per emotion over the generated tokens, from the steered model's own residual. */
  steeredMean: Record<string, number>;
  /** Mean z per emotion over the generated tokens re-read without steering (what the text carries). */
  rereadMean: Record<string, number>;
}

export interface AlphaResult {
  alpha: number;
  /** α · ‖r̄_L‖: the length of the vector added at every token. */
  scale: number;
  replies: SteeredReply[];
  /** Replies whose code proposes tampering with tests. */
  tamperCount: number;
  tamperRate: number;
  /** Means over the replies of `replyStart`, `steeredMean` and `rereadMean`. */
  meanReplyStart: Record<string, number>;
  meanSteered: Record<string, number>;
  meanReread: Record<string, number>;
}

export interface SteeringResult {
  experiment: 'steer';
  model: string;
  layer: number;
  emotion: string;
  prompt: string;
  /** ‖r̄_L‖: mean residual norm at the layer over the prompt's tokens (first token excluded). */
  residualNorm: number;
  params: SteeringParams;
  emotions: string[];
  alphas: AlphaResult[];
  caveats: string[];
}

export type ReplayEntry =
  | {
      kind: 'turn';
      seq: number;
      ts: string;
      role: Role;
      text: string;
      /** Assistant turns only: per-emotion summary of the turn's tokens; null when it could not be read. */
      summary: Record<string, EmotionSummary> | null;
      tokens: number;
    }
  | {
      kind: 'test-run';
      seq: number;
      ts: string;
      command: string;
      framework: string;
      passed: number | null;
      failed: number;
      skipped: number;
      exitCode: number | null;
    }
  | {
      kind: 'flag';
      seq: number;
      ts: string;
      path: string;
      kinds: FlagKind[];
      severity: Severity;
      desperation: number | null;
      reason: string;
    };

export interface ReplayResult {
  experiment: 'replay';
  model: string;
  layer: number;
  file: string;
  source: TranscriptSource;
  sessionId: string;
  emotions: string[];
  skippedRecords: number;
  /** Assistant turns that could not be scored (longer than the model's context on their own). */
  unscoredTurns: number;
  timeline: ReplayEntry[];
  caveats: string[];
}

export interface ReportCardResult extends ReportCard {
  experiment: 'report-card';
  caveats: string[];
}
