// A bounded queue in front of one official OTLP exporter (log records or spans). Items wait for a
// full batch or a short delay; one request is under way at a time; past the bound items are
// dropped and counted; after a failed request the queue backs off (1 s doubling to 60 s), and
// while it does, batches fail here without being encoded or touching the network.
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';

/** What the OTLP log and trace exporters have in common. */
export interface ItemExporter<T> {
  export(items: T[], done: (result: ExportResult) => void): void;
  shutdown(): Promise<void>;
}

export interface QueueCounts {
  /** Items handed to the queue. */
  offered: number;
  exported: number;
  /** Sent but refused, or not reachable after the retries. */
  failed: number;
  /** Dropped from a full queue or while backing off, or still queued at shutdown. */
  dropped: number;
}

export interface QueueLimits {
  /** Items held for export at most (queued and under way). */
  maxQueueSize: number;
  /** Items per request. */
  batchSize: number;
  /** How long a part batch waits for more before it is sent. */
  delayMillis: number;
}

const MAX_BACKOFF_MS = 60_000;

export class ExportQueue<T> {
  private readonly queue: T[] = [];
  /** Items in the request under way. */
  private sending = 0;
  private inFlight: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private offered = 0;
  private exported = 0;
  private failed = 0;
  private rejected = 0;
  /** Failed requests in a row, and until when the queue takes nothing. */
  private failures = 0;
  private backoffUntil = 0;
  private closed: Promise<void> | undefined;

  constructor(
    private readonly exporter: ItemExporter<T>,
    private readonly limits: QueueLimits,
  ) {}

  /** Whether an item offered now would be queued: callers skip building one that would not. */
  accepts(): boolean {
    return !this.closed && this.pending() < this.limits.maxQueueSize && !this.backingOff();
  }

  /** Queues one item; never throws and never waits. */
  offer(item: T): void {
    this.offered++;
    if (!this.accepts()) {
      this.rejected++;
      return;
    }
    this.queue.push(item);
    if (this.queue.length >= this.limits.batchSize) this.send();
    else this.timer ??= setTimeout(() => this.send(), this.limits.delayMillis).unref();
  }

  /** Counts an item that was not built (see `accepts`, or it could not be) as offered and dropped. */
  reject(): void {
    this.offered++;
    this.rejected++;
  }

  /**
   * Undefined while there is room for a batch more (or while backing off, when waiting would not
   * help); otherwise a promise that resolves once the request under way is done.
   */
  room(): Promise<void> | undefined {
    if (this.pending() < this.limits.maxQueueSize - this.limits.batchSize || this.backingOff()) return undefined;
    this.send();
    return this.inFlight;
  }

  counts(): QueueCounts {
    const { offered, exported, failed } = this;
    return { offered, exported, failed, dropped: this.rejected + this.pending() };
  }

  /** Sends everything queued, then shuts the exporter down; never rejects. */
  shutdown(): Promise<void> {
    this.closed ??= (async () => {
      while (this.pending() > 0) {
        this.send();
        await this.inFlight;
      }
      await this.exporter.shutdown().catch(() => undefined);
    })();
    return this.closed;
  }

  private pending(): number {
    return this.queue.length + this.sending;
  }

  private backingOff(): boolean {
    return Date.now() < this.backoffUntil;
  }

  /** Starts a request with up to one batch, unless one is under way. */
  private send(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.inFlight || this.queue.length === 0) return;
    if (this.backingOff()) {
      this.failed += this.queue.length;
      this.queue.length = 0;
      return;
    }
    const items = this.queue.splice(0, this.limits.batchSize);
    this.sending = items.length;
    let done!: () => void;
    this.inFlight = new Promise((resolve) => (done = resolve));
    const settle = (ok: boolean) => {
      if (ok) {
        this.exported += items.length;
        this.failures = 0;
      } else {
        this.failed += items.length;
        this.failures++;
        this.backoffUntil = Date.now() + Math.min(MAX_BACKOFF_MS, 1000 * 2 ** (this.failures - 1));
      }
      this.sending = 0;
      this.inFlight = undefined;
      done();
      if (this.queue.length >= this.limits.batchSize) this.send();
      else if (this.queue.length > 0) this.timer ??= setTimeout(() => this.send(), this.limits.delayMillis).unref();
    };
    try {
      this.exporter.export(items, (result) => settle(result.code === ExportResultCode.SUCCESS));
    } catch {
      settle(false);
    }
  }
}
