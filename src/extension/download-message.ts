// What the download notification says of a downloading model: how much has arrived, or, after a
// request failed in a way that passes, the retry about to be made (worded as the CLI words it).
import { retryWords } from '../contracts/download-retry';
import type { ScoringStatus } from '../contracts/sidebar-protocol';

export type Downloading = Extract<ScoringStatus, { kind: 'downloading' }>;

/** The share received, in whole percent, or null when the hub gave no size. */
export function downloadedPercent(s: Downloading): number | null {
  return s.total ? Math.floor((100 * s.received) / s.total) : null;
}

/** The notification's message, or null when there is nothing new to say (no size known). */
export function downloadMessage(s: Downloading): string | null {
  if (s.retry) return `${s.modelId}: ${retryWords(s.retry)}: ${s.retry.reason}`;
  const pct = downloadedPercent(s);
  return pct === null ? null : `${s.modelId}: ${pct}%`;
}
