// Turns the growing decoded reply into safe-to-send text: ends it at the first stop sequence and
// holds back a tail that could still become a stop sequence, a tool-call block or a split
// multi-byte character.
import { TOOL_CALL_OPEN } from './tool-calls';

export class ReplyText {
  private sent = 0;
  private stoppedAt = -1;

  constructor(
    private readonly stops: readonly string[],
    /** Hold back from the first tool-call block on, so it can be sent as `tool_calls`. */
    private readonly holdToolCalls: boolean,
  ) {}

  get stopped(): boolean {
    return this.stoppedAt >= 0;
  }

  /** Given the whole reply decoded so far, the new text that may be sent now. */
  update(text: string): string {
    const stop = this.firstStop(text);
    if (stop >= 0) this.stoppedAt = stop;
    const end = stop >= 0 ? stop : this.safeEnd(text);
    return this.take(text, end);
  }

  /** The reply as finished (up to a stop sequence), and whatever of it was not sent yet. */
  finish(text: string): { full: string; rest: string } {
    const full = this.stoppedAt >= 0 ? text.slice(0, this.stoppedAt) : text;
    return { full, rest: full.slice(this.sent) };
  }

  private take(text: string, end: number): string {
    if (end <= this.sent) return '';
    const piece = text.slice(this.sent, end);
    this.sent = end;
    return piece;
  }

  private firstStop(text: string): number {
    let first = -1;
    for (const stop of this.stops) {
      const at = text.indexOf(stop, Math.max(0, this.sent - stop.length));
      if (at >= 0 && (first < 0 || at < first)) first = at;
    }
    return first;
  }

  private safeEnd(text: string): number {
    let end = text.length;
    if (text.endsWith('\uFFFD')) end = text.length - 1;
    const markers = this.holdToolCalls ? [...this.stops, TOOL_CALL_OPEN] : this.stops;
    if (this.holdToolCalls) {
      const open = text.indexOf(TOOL_CALL_OPEN);
      if (open >= 0) end = Math.min(end, open);
    }
    for (const marker of markers) end = Math.min(end, text.length - partialSuffix(text, marker));
    // Whitespace before a tool-call block is not content: hold it until the next word shows.
    if (this.holdToolCalls) while (end > this.sent && /\s/.test(text[end - 1]!)) end--;
    return end;
  }
}

/** Length of the longest suffix of `text` that is a proper prefix of `marker`. */
function partialSuffix(text: string, marker: string): number {
  for (let n = Math.min(marker.length - 1, text.length); n > 0; n--) if (text.endsWith(marker.slice(0, n))) return n;
  return 0;
}
