// A model download's retry, as the hub client announces it and every surface words it: the CLI's
// progress lines and the editor's download notification say the same thing.

export interface RetryNotice {
  /** The attempt about to be made. */
  attempt: number;
  attempts: number;
  delayMs: number;
  /** What went wrong with the previous attempt. */
  reason: string;
}

/** "retrying in 4 s (attempt 2 of 3)". */
export function retryWords(notice: RetryNotice): string {
  const wait =
    notice.delayMs >= 1000 ? `${Math.round(notice.delayMs / 1000)} s` : `${(notice.delayMs / 1000).toFixed(1)} s`;
  return `retrying in ${wait} (attempt ${notice.attempt} of ${notice.attempts})`;
}
