// The value types of an emotion reading, shared by the sidecar, the CLI, the extension and both
// webviews: one type per concept, no imports, so the browser bundle can use them.

/** The two emotions the live reading, the gauge and flag desperation are about. */
export const DESPERATE = 'desperate';
export const CALM = 'calm';

/**
 * Longest forward pass of every read (calibration and live text alike); vector files record it,
 * because a dynamically quantised (q8) graph scales activations per pass.
 */
export const READ_CHUNK_TOKENS = 512;

/** How much of one tool output the reader model is shown (its start and end); agent-turn corpora are held to it. */
export const TOOL_OUTPUT_CHARS = 1500;

/** A span of tokens' reading for one emotion, as z-scores against the neutral baseline. */
export interface EmotionSummary {
  mean: number;
  p90: number;
  max: number;
}

/** What the sidebar shows of a turn's summary for one emotion. */
export type EmotionReading = Pick<EmotionSummary, 'mean' | 'max'>;

/** One token and its per-emotion z-score: the heat map's unit. */
export interface TokenHeat {
  text: string;
  z: Record<string, number>;
}

/** A live turn's reading as the score source delivers it and the sidebar's store keeps it. */
export interface TurnScore {
  emotions: Record<string, EmotionReading>;
  tokens?: TokenHeat[];
}

/** Whether a vector file's readings may drive anything live (flag severity, status bar, notifications). */
export interface LiveValidity {
  valid: boolean;
  /** Why not (or why), in one line, for flag reasons and the sidebar. */
  why: string;
}

/** The validity of readings when no reader model is loaded: nothing to drive anything with. */
export const NO_READER: LiveValidity = { valid: false, why: 'no reader model is loaded' };

/**
 * Which baseline a live reading is read against: `neutral` is the fixed reference (z against
 * neutral dialogue, the same for every session); `session` is change within this session (z
 * against the session's own earlier turns), which is what the research tracks over failures.
 */
export type ReadingReference = 'neutral' | 'session';
