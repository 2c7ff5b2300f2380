// The served local model's own transcript (`agent-vitals serve --http`, src/serve/self-transcript.ts):
// a session line, then one line per reply with the request's new input, the reply, the tool calls
// it asked for, the steering it ran with and its own z-scores per generated token. The readings
// go on the reply's turn as they are: no reader model scores these turns. Tool calls are
// requests here (kind `other`, status unknown): whether and how they ran, and the edits and test
// runs they made, come from the agent's own transcript, so nothing is counted twice.
import type { OwnReading, TurnSteering } from '../core/events';
import { NO_READER, type LiveValidity, type TokenHeat } from '../contracts/reading';
import { ALPHA_LIMIT } from '../contracts/steering';
import { isoTime, type SessionEmitter } from './emitter';
import { isPrototypeKey, isRecord, parseJsonRecord, str, type LineReader } from './reader';

/** Transcript versions this reader understands (SelfTranscript's SELF_TRANSCRIPT_VERSION): version 2
 *  adds each turn's `promptReading`, which turns do not show, so both read alike. */
const VERSIONS: ReadonlySet<unknown> = new Set([1, 2]);
/** More emotions than any vector file holds: a record claiming more is not one of ours. */
const MAX_EMOTIONS = 64;

export class LocalModelReader implements LineReader {
  readonly mode = 'lines';
  private model: string | undefined;
  /** Until a session line says otherwise, the readings are not validated for live use. */
  private validity: LiveValidity = NO_READER;

  constructor(
    readonly emitter: SessionEmitter,
    private readonly file: string,
  ) {}

  line(text: string, offset: number): void {
    const record = parseJsonRecord(text, this.emitter);
    if (!record) return;
    if (record.type === 'session' && VERSIONS.has(record.version) && record.source === 'own-activations') {
      this.model = str(record.model);
      this.validity = validityOf(record.live);
      return;
    }
    if (record.type !== 'turn') return this.emitter.skip();
    const id = str(record.id);
    const own = ownReading(record, this.validity);
    if (!id || !own || typeof record.content !== 'string') return this.emitter.skip();
    const ts = isoTime(record.time);
    const rawRef = { file: this.file, offset };
    const input = isRecord(record.input) ? record.input : undefined;
    if (input && (input.role === 'user' || input.role === 'tool') && typeof input.content === 'string')
      this.emitter.turn({ ts, turnId: `${id}:input`, role: input.role, text: input.content, rawRef });
    const calls = Array.isArray(record.toolCalls) ? record.toolCalls.flatMap(toolCall) : [];
    this.emitter.turn({
      ts,
      turnId: id,
      role: 'assistant',
      // A reply that is only tool calls is shown as the calls it made.
      text: record.content || calls.map((c) => `${c.name}(${c.args})`).join('\n'),
      ...(this.model ? { model: this.model } : {}),
      own,
      rawRef,
    });
    for (const call of calls)
      this.emitter.toolCall({
        ts,
        callId: call.id,
        turnId: id,
        rawName: call.name,
        kind: 'other',
        input: call.args,
        status: 'unknown',
        exitCodeSource: 'none',
        rawRef,
      });
  }

  end(): void {
    // Every record stands alone: nothing is held back.
  }
}

function toolCall(value: unknown): { id: string; name: string; args: string }[] {
  if (!isRecord(value) || !isRecord(value.function)) return [];
  const id = str(value.id);
  const name = str(value.function.name);
  const args = str(value.function.arguments);
  return id && name && args !== undefined ? [{ id, name, args }] : [];
}

/** The session's report-card verdict; anything but a well-formed one counts as not validated. */
function validityOf(value: unknown): LiveValidity {
  if (!isRecord(value) || typeof value.valid !== 'boolean' || typeof value.why !== 'string') return NO_READER;
  return { valid: value.valid, why: value.why };
}

/** The turn's reading and steering, or undefined when either is malformed. */
function ownReading(record: Record<string, unknown>, validity: LiveValidity): OwnReading | undefined {
  const steering = record.steering === null ? null : steeringOf(record.steering);
  const tokens = record.reading === null ? null : tokenHeat(record.reading, record.tokens);
  return steering === undefined || tokens === undefined ? undefined : { tokens, steering, validity };
}

function steeringOf(value: unknown): TurnSteering | undefined {
  if (!isRecord(value)) return undefined;
  const { emotion, alpha, layer } = value;
  if (typeof emotion !== 'string' || isPrototypeKey(emotion)) return undefined;
  if (typeof alpha !== 'number' || !(Math.abs(alpha) <= ALPHA_LIMIT)) return undefined;
  if (!Number.isSafeInteger(layer) || (layer as number) < 0) return undefined;
  return { emotion, alpha, layer: layer as number };
}

/**
 * Per-token z-scores, one row per token of `tokens` and one column per emotion, all finite; null
 * for a reply of no tokens (nothing was read).
 */
function tokenHeat(reading: unknown, tokens: unknown): TokenHeat[] | null | undefined {
  if (!isRecord(reading) || !Array.isArray(reading.emotions) || !Array.isArray(reading.z)) return undefined;
  if (!Array.isArray(tokens) || tokens.length !== reading.z.length) return undefined;
  const emotions = reading.emotions;
  if (emotions.length === 0 || emotions.length > MAX_EMOTIONS) return undefined;
  if (!emotions.every((e): e is string => typeof e === 'string' && e !== '' && !isPrototypeKey(e))) return undefined;
  if (new Set(emotions).size !== emotions.length) return undefined;
  const rows = reading.z as unknown[];
  const valid = rows.every(
    (row) =>
      Array.isArray(row) && row.length === emotions.length && row.every((v) => typeof v === 'number' && isFinite(v)),
  );
  if (!valid || !tokens.every((t) => typeof t === 'string')) return undefined;
  if (rows.length === 0) return null;
  const z = rows as number[][];
  return (tokens as string[]).map((text, t) => ({
    text,
    z: Object.fromEntries(emotions.map((e, i) => [e, z[t]![i]!])),
  }));
}
