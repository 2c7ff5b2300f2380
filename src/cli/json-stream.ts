// JSON written piece by piece, byte for byte what JSON.stringify(value, null, indent) gives, so a
// report of any size is printed without ever holding its whole text (V8 strings stop near 512 MB).
import { once } from 'node:events';

/** Pieces are gathered up to this many characters before each write. */
const WRITE_CHARS = 64 * 1024;

/** The JSON text of `value` in pieces; `depth` is how many levels deep `value` sits. */
export function* jsonPieces(value: unknown, indent = 2, depth = 0): Generator<string> {
  const json = (value as { toJSON?: unknown } | null)?.toJSON;
  if (typeof json === 'function') value = (json as () => unknown).call(value);
  if (value === null || typeof value !== 'object') {
    yield JSON.stringify(value) ?? 'null';
    return;
  }
  const inner = '\n' + ' '.repeat(indent * (depth + 1));
  const outer = '\n' + ' '.repeat(indent * depth);
  if (Array.isArray(value)) {
    if (value.length === 0) return yield '[]';
    for (let i = 0; i < value.length; i++) {
      yield (i === 0 ? '[' : ',') + inner;
      const item: unknown = value[i];
      yield* jsonPieces(
        item === undefined || typeof item === 'function' || typeof item === 'symbol' ? null : item,
        indent,
        depth + 1,
      );
    }
    return yield outer + ']';
  }
  let first = true;
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
    yield (first ? '{' : ',') + inner + JSON.stringify(key) + ': ';
    first = false;
    yield* jsonPieces(item, indent, depth + 1);
  }
  yield first ? '{}' : outer + '}';
}

/** Writes pieces to `out` in batches, waiting whenever the stream asks the writer to. */
export class BatchedWriter {
  private batch: string[] = [];
  private size = 0;

  constructor(private readonly out: NodeJS.WritableStream) {}

  async write(pieces: Iterable<string>): Promise<void> {
    for (const piece of pieces) {
      this.batch.push(piece);
      this.size += piece.length;
      if (this.size >= WRITE_CHARS) await this.flush();
    }
  }

  async flush(): Promise<void> {
    if (this.size === 0) return;
    const text = this.batch.join('');
    this.batch = [];
    this.size = 0;
    if (!this.out.write(text)) await once(this.out, 'drain');
  }
}
