// How long a pinged sidecar has been silent, counted in the watchdog's ticks. A tick counts for at
// most one tick interval: when the host's own event loop was stalled (its timer fired late, on a
// busy machine or during heavy work in the host), the sidecar's answer may be sitting unread in
// the pipe — timers run before pending input is read — so that time is not the sidecar's silence.

export class PingSilence {
  private ping?: { id: number; silentMs: number; lastTick: number };
  private nextId = 0;

  constructor(private readonly tickMs: number) {}

  /** A ping goes out at `now`; returns its id, for `answered`. */
  sent(now: number): number {
    this.ping = { id: ++this.nextId, silentMs: 0, lastTick: now };
    return this.ping.id;
  }

  get waiting(): boolean {
    return this.ping !== undefined;
  }

  /** The answer to ping `id` arrived (an answer to an older ping says nothing of a newer one). */
  answered(id: number): void {
    if (this.ping?.id === id) this.ping = undefined;
  }

  /** Any message from the sidecar: it is alive. */
  heard(): void {
    this.ping = undefined;
  }

  /** A watchdog tick at `now`: the silence so far, in ms. */
  tick(now: number): number {
    if (!this.ping) return 0;
    this.ping.silentMs += Math.min(Math.max(0, now - this.ping.lastTick), this.tickMs);
    this.ping.lastTick = now;
    return this.ping.silentMs;
  }
}
