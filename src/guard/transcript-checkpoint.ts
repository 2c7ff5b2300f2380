// The guard hook is a fresh process on every tool call, and a long session's transcript runs to
// tens of megabytes: re-reading it whole each time put seconds on the agent's critical path. So
// each call leaves a checkpoint per transcript in the user's own cache folder (mode 0700/0600,
// written whole in one rename): how far the transcript was read, what proves it is still the same
// file only appended to since (device and inode, a size no smaller, and a hash of the bytes just
// before that offset), and the state reading on needs: the reader's (its calls awaiting results),
// and the session digest's (pressure and audit, never the events or the text).
// The next call reads only what the transcript gained. On any mismatch (truncated, replaced,
// rewritten; a checkpoint unreadable, of another version, or out of shape in any field) the
// transcript is read in full, as before. A first call on a long transcript reads it in full too,
// rather than only its tail: the pressure's time since green and the audit's counts need the
// whole session, and a guard installed mid-session pays that once, then follows on.
// Formats rewritten whole (Cline's task history, Gemini CLI's legacy session) cannot be read in
// part: their digest is kept keyed by the file's identity, size and modification time.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { TranscriptSource } from '../core/events';
import { writeFileAtomic } from '../storage/cache-file';
import { asCount, asObject, asString, StateError } from '../storage/json-state';
import { openTranscriptReader } from '../watchers/read-transcript';
import { LineTailer } from '../watchers/tailer';
import { SessionDigest } from './session-digest';

/** Bumped whenever a reader's or the digest's saved state changes meaning. */
export const CHECKPOINT_VERSION = 1;
/** A checkpoint larger than this is not written (nor read): the previous one stays in use. */
export const MAX_CHECKPOINT_BYTES = 2 * 1024 * 1024;
/** Checkpoints kept at most, one per transcript: beyond this the least recently written go. */
export const MAX_CHECKPOINTS = 256;
/** Bytes before the offset whose hash tells an appended file from a rewritten one. */
const TAIL_HASH_BYTES = 4096;

export interface SessionRead {
  digest: SessionDigest;
  /** `full`: from the start; `appended`: from the checkpoint on; `unchanged`: nothing new; `none`: no transcript of this agent. */
  read: 'full' | 'appended' | 'unchanged' | 'none';
}

interface FileIdentity {
  dev: string;
  ino: string;
}

type Checkpoint = FileIdentity & {
  version: number;
  transcript: string;
  source: TranscriptSource;
  digest: unknown;
} & (
    | { mode: 'lines'; offset: number; tailHash: string; emitter: unknown; reader: unknown }
    | { mode: 'document'; size: string; mtimeNs: string }
  );

/** Where the checkpoints live in Agent Vitals' cache folder. */
export function checkpointDir(cacheDir: string): string {
  return join(cacheDir, 'guard-transcripts');
}

function checkpointPath(dir: string, transcript: string, source: TranscriptSource): string {
  return join(dir, `${createHash('sha256').update(`${source}\0${transcript}`).digest('hex').slice(0, 32)}.json`);
}

const DIGITS = /^\d{1,40}$/;
const HEX_HASH = /^[0-9a-f]{64}$/;

/** The checkpoint for this transcript, or null when there is none or it cannot be trusted. */
function loadCheckpoint(path: string, transcript: string, source: TranscriptSource): Checkpoint | null {
  try {
    if (statSync(path).size > MAX_CHECKPOINT_BYTES) return null;
    const c = asObject(JSON.parse(readFileSync(path, 'utf8')), 'checkpoint');
    if (c.version !== CHECKPOINT_VERSION || c.transcript !== transcript || c.source !== source) return null;
    const digits = (key: string): string => {
      const value = asString(c[key], key);
      if (!DIGITS.test(value)) throw new StateError(`${key} is out of shape`);
      return value;
    };
    const common = { version: CHECKPOINT_VERSION, transcript, source, dev: digits('dev'), ino: digits('ino') };
    if (c.mode === 'document')
      return { ...common, mode: 'document', size: digits('size'), mtimeNs: digits('mtimeNs'), digest: c.digest };
    if (c.mode !== 'lines') return null;
    const tailHash = asString(c.tailHash, 'tailHash');
    if (!HEX_HASH.test(tailHash)) return null;
    return {
      ...common,
      mode: 'lines',
      offset: asCount(c.offset, 'offset'),
      tailHash,
      emitter: c.emitter,
      reader: c.reader,
      digest: c.digest,
    };
  } catch {
    // Missing, unreadable, not JSON or out of shape: the transcript is read in full.
    return null;
  }
}

function saveCheckpoint(path: string, checkpoint: Checkpoint): void {
  const text = JSON.stringify(checkpoint);
  if (text.length > MAX_CHECKPOINT_BYTES) return;
  const dir = dirname(path);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileAtomic(path, text, 0o600);
    pruneCheckpoints(dir);
  } catch {
    // No checkpoint this time: the next call reads from the previous one, or in full.
  }
}

/** Keeps the folder to MAX_CHECKPOINTS files: sessions long over leave no trace beyond that. */
function pruneCheckpoints(dir: string): void {
  const names = readdirSync(dir).filter((n) => n.endsWith('.json'));
  if (names.length <= MAX_CHECKPOINTS) return;
  const byAge = names
    .map((n) => {
      try {
        return { path: join(dir, n), mtimeMs: statSync(join(dir, n)).mtimeMs };
      } catch {
        return null; // pruned by another call meanwhile
      }
    })
    .filter((f) => f !== null)
    .sort((a, b) => a.mtimeMs - b.mtimeMs);
  for (const f of byAge.slice(0, byAge.length - MAX_CHECKPOINTS)) rmSync(f.path, { force: true });
}

/** The hash of the (up to) TAIL_HASH_BYTES before `offset`, with the offset itself. */
async function tailHash(file: string, offset: number): Promise<string> {
  const length = Math.min(TAIL_HASH_BYTES, offset);
  const buffer = Buffer.alloc(length);
  const handle = await open(file, 'r');
  try {
    const { bytesRead } = await handle.read(buffer, 0, length, offset - length);
    return createHash('sha256').update(`${offset}\0`).update(buffer.subarray(0, bytesRead)).digest('hex');
  } finally {
    await handle.close();
  }
}

/**
 * The digest of the session in `file`, read as `source`, through its checkpoint in `cacheDir`,
 * which it leaves updated.
 */
export async function readSessionDigest(
  file: string,
  source: TranscriptSource,
  cacheDir: string,
): Promise<SessionRead> {
  const transcript = resolve(file);
  const where = checkpointPath(checkpointDir(cacheDir), transcript, source);
  const first = await readWith(transcript, source, where, loadCheckpoint(where, transcript, source));
  // The file changed under the read (truncated or replaced): once more from the start.
  const read = first ?? (await readWith(transcript, source, where, null));
  if (!read) throw new Error(`${transcript} was replaced twice while it was read`);
  return read;
}

/** Undefined when the file was truncated or replaced while it was read. */
async function readWith(
  transcript: string,
  source: TranscriptSource,
  where: string,
  saved: Checkpoint | null,
): Promise<SessionRead | undefined> {
  const info = await stat(transcript, { bigint: true });
  const identity: FileIdentity = { dev: String(info.dev), ino: String(info.ino) };
  const sameFile = saved !== null && saved.dev === identity.dev && saved.ino === identity.ino;
  let digest = SessionDigest.empty();
  const opened = await openTranscriptReader(transcript, { source, onEvent: (e) => digest.observe(e) });
  if (!opened) return { digest, read: 'none' };
  const { reader } = opened;
  const common = { version: CHECKPOINT_VERSION, transcript, source, ...identity };

  if (reader.mode === 'document') {
    const size = String(info.size);
    const mtimeNs = String(info.mtimeNs);
    if (saved?.mode === 'document' && sameFile && saved.size === size && saved.mtimeNs === mtimeNs) {
      const restored = restoreDigest(saved.digest);
      if (restored) return { digest: restored, read: 'unchanged' };
    }
    reader.document(await readFile(transcript, 'utf8'));
    reader.end();
    saveCheckpoint(where, { ...common, mode: 'document', size, mtimeNs, digest: digest.save() });
    return { digest, read: 'full' };
  }

  let from = 0;
  let resumed = false;
  if (
    saved?.mode === 'lines' &&
    sameFile &&
    reader.saveState &&
    reader.restoreState &&
    BigInt(saved.offset) <= info.size &&
    (await tailHash(transcript, saved.offset)) === saved.tailHash
  ) {
    try {
      const restored = SessionDigest.restore(saved.digest);
      reader.emitter.restoreState(saved.emitter);
      reader.restoreState(saved.reader);
      digest = restored;
      from = saved.offset;
      resumed = true;
    } catch {
      // A state out of shape: a fresh reader reads the whole file.
      return readWith(transcript, source, where, null);
    }
  }
  let restarted = false;
  const tailer = new LineTailer(transcript, (line, offset) => reader.line(line, offset), {
    startOffset: from,
    onOversizedLine: () => reader.emitter.skip(),
    onRestart: () => void (restarted = true),
  });
  await tailer.readAvailable();
  if (restarted || tailer.inode !== Number(info.ino)) return undefined;
  // Saved before the last line without a newline is taken: it may be still being written.
  if (reader.saveState && (from === 0 || tailer.offset !== from))
    saveCheckpoint(where, {
      ...common,
      mode: 'lines',
      offset: tailer.offset,
      tailHash: await tailHash(transcript, tailer.offset),
      emitter: reader.emitter.saveState(),
      reader: reader.saveState(),
      digest: digest.save(),
    });
  tailer.flushPartial();
  reader.end();
  return { digest, read: !resumed ? 'full' : BigInt(from) < info.size ? 'appended' : 'unchanged' };
}

function restoreDigest(state: unknown): SessionDigest | null {
  try {
    return SessionDigest.restore(state);
  } catch {
    return null;
  }
}
