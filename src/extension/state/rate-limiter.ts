// Lets one notification through per interval; the rest are counted, not lost (they stay in the
// flags list) and reported with the next one that passes.
export class RateLimiter {
  private last = Number.NEGATIVE_INFINITY;
  private held = 0;

  constructor(
    private readonly intervalMs: () => number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Returns how many earlier attempts were held back when this one may pass, else null. */
  tryPass(): number | null {
    const t = this.now();
    if (t - this.last < this.intervalMs()) {
      this.held++;
      return null;
    }
    this.last = t;
    const held = this.held;
    this.held = 0;
    return held;
  }
}
