// Reads the host's JSON-RPC frames (`Content-Length: N` headers, a blank line, N bytes of JSON)
// and refuses what would otherwise stall the sidecar: a frame over the size cap is skipped as it
// streams in, never buffered; a body that is not JSON, or not a JSON-RPC message, is answered
// (parse error / invalid request) and the stream reads on. A header without a usable length
// cannot be framed past, so it ends the stream with an error that says why.
import type { Readable } from 'node:stream';
import { AbstractMessageReader, ErrorCodes, type DataCallback, type Disposable, type Message } from 'vscode-jsonrpc';

/** Largest frame accepted: far above any real request (chat text is capped by the context). */
export const MAX_FRAME_BYTES = 64 * 2 ** 20;
const MAX_HEADER_BYTES = 8192;
const HEADER_END = Buffer.from('\r\n\r\n');

/** An answer the sidecar owes the host for a frame it could not take. */
export interface FrameProblem {
  id: string | number | null;
  code: number;
  message: string;
}

type State = { kind: 'header' } | { kind: 'body'; length: number } | { kind: 'skip'; left: number };

export class FrameReader extends AbstractMessageReader {
  private state: State = { kind: 'header' };
  /** Header bytes so far (small), or the body's pieces, joined once when complete. */
  private header = Buffer.alloc(0);
  private pieces: Buffer[] = [];
  private received = 0;
  private stopped = false;

  constructor(
    private readonly input: Readable,
    /** Sends the answer; the stream closes only once a closing answer is written. */
    private readonly answer: (problem: FrameProblem) => Promise<void>,
    private readonly maxFrameBytes = MAX_FRAME_BYTES,
  ) {
    super();
  }

  listen(callback: DataCallback): Disposable {
    const onData = (chunk: Buffer) => this.take(chunk, callback);
    const onError = (err: Error) => this.fireError(err);
    const onEnd = () => this.fireClose();
    this.input.on('data', onData);
    this.input.on('error', onError);
    this.input.on('close', onEnd);
    this.input.on('end', onEnd);
    return {
      dispose: () => {
        this.input.off('data', onData);
        this.input.off('error', onError);
        this.input.off('close', onEnd);
        this.input.off('end', onEnd);
      },
    };
  }

  private take(chunk: Buffer, callback: DataCallback): void {
    let rest = chunk;
    while (rest.length > 0 && !this.stopped) {
      if (this.state.kind === 'skip') {
        const n = Math.min(this.state.left, rest.length);
        this.state.left -= n;
        rest = rest.subarray(n);
        if (this.state.left === 0) this.state = { kind: 'header' };
      } else if (this.state.kind === 'body') {
        const piece = rest.subarray(0, this.state.length - this.received);
        this.pieces.push(piece);
        this.received += piece.length;
        rest = rest.subarray(piece.length);
        if (this.received < this.state.length) return;
        const body = Buffer.concat(this.pieces);
        this.pieces = [];
        this.received = 0;
        this.state = { kind: 'header' };
        this.deliver(body, callback);
      } else {
        const data = Buffer.concat([this.header, rest]);
        const end = data.indexOf(HEADER_END);
        if (end < 0) {
          this.header = data;
          if (data.length > MAX_HEADER_BYTES) this.fatal(`a frame header longer than ${MAX_HEADER_BYTES} bytes`);
          return;
        }
        this.header = Buffer.alloc(0);
        const length = this.contentLength(data.toString('ascii', 0, end));
        if (length === undefined) return;
        rest = data.subarray(end + HEADER_END.length);
        if (length > this.maxFrameBytes) {
          this.state = { kind: 'skip', left: length };
          void this.answer({
            id: null,
            code: ErrorCodes.ParseError,
            message: `A message of ${length} bytes is over the ${this.maxFrameBytes}-byte limit; it was skipped unread.`,
          });
        } else if (length === 0) {
          this.deliver(Buffer.alloc(0), callback);
        } else {
          this.state = { kind: 'body', length };
        }
      }
    }
  }

  /** The header's Content-Length, or undefined after ending the stream for a header without one. */
  private contentLength(header: string): number | undefined {
    const value = /^content-length:[ \t]*(.*)$/im.exec(header)?.[1]?.trim();
    if (value === undefined) this.fatal('a frame header without Content-Length');
    else if (!/^\d{1,15}$/.test(value))
      this.fatal(`a frame header with Content-Length '${value.slice(0, 40)}', not a byte count`);
    else return Number(value);
    return undefined;
  }

  private deliver(body: Buffer, callback: DataCallback): void {
    let message: unknown;
    try {
      message = JSON.parse(body.toString('utf8'));
    } catch (err) {
      void this.answer({
        id: null,
        code: ErrorCodes.ParseError,
        message: `Parse error: the message is not valid JSON (${(err as Error).message}).`,
      });
      return;
    }
    const m = message as Record<string, unknown> | null;
    const id = typeof m?.id === 'string' || typeof m?.id === 'number' ? m.id : null;
    const isMessage =
      typeof m === 'object' &&
      m !== null &&
      !Array.isArray(m) &&
      m.jsonrpc === '2.0' &&
      (typeof m.method === 'string' || id !== null);
    if (!isMessage) {
      void this.answer({
        id,
        code: ErrorCodes.InvalidRequest,
        message: 'Invalid request: expected a JSON-RPC 2.0 object with a method or an id.',
      });
      return;
    }
    callback(message as Message);
  }

  /** Nothing after a header that cannot be framed can be delimited: say so, answer, and close. */
  private fatal(what: string): void {
    this.stopped = true;
    const message = `The host sent ${what}; the rest of the stream cannot be read.`;
    void this.answer({ id: null, code: ErrorCodes.ParseError, message }).finally(() => {
      this.fireError(new Error(message));
      this.fireClose();
    });
  }
}
