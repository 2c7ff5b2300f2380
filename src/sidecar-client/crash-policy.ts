// When to restart a crashed sidecar, and when to stop trying: exponential backoff, and a limit
// of N crashes within a sliding window (like vscode-languageclient).
export interface CrashPolicyOptions {
  initialDelayMs: number;
  maxDelayMs: number;
  maxCrashes: number;
  windowMs: number;
}

export const DEFAULT_CRASH_POLICY: CrashPolicyOptions = {
  initialDelayMs: 500,
  maxDelayMs: 30_000,
  maxCrashes: 5,
  windowMs: 3 * 60_000,
};

export type CrashDecision =
  { restart: true; delayMs: number; crashesInWindow: number } | { restart: false; crashesInWindow: number };

export class CrashPolicy {
  private crashes: number[] = [];

  constructor(readonly options: CrashPolicyOptions = DEFAULT_CRASH_POLICY) {}

  record(now: number): CrashDecision {
    this.crashes = this.crashes.filter((t) => now - t < this.options.windowMs);
    this.crashes.push(now);
    const n = this.crashes.length;
    if (n >= this.options.maxCrashes) return { restart: false, crashesInWindow: n };
    const delayMs = Math.min(this.options.initialDelayMs * 2 ** (n - 1), this.options.maxDelayMs);
    return { restart: true, delayMs, crashesInWindow: n };
  }

  reset(): void {
    this.crashes = [];
  }
}
