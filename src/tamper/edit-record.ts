// What a stored flag keeps of its edit: the changed lines and digests of both whole texts, so a
// 1 MB test file edited in one line costs a few hundred bytes. The whole texts are rebuilt on
// demand from the file while it still holds the edit (checked by digest).
import { createHash } from 'node:crypto';

/** Changed text a flag keeps whole; a larger edit keeps a preview and cannot be reverted. */
export const MAX_KEPT_TEXT = 256 * 1024;
/** What a clipped edit keeps of each side, for the diff view. */
const PREVIEW_CHARS = 4096;

export interface EditRecord {
  /** sha256 of the whole texts; null for the side where the file did not exist. */
  beforeSha256: string | null;
  afterSha256: string | null;
  /** Characters of unchanged text before and after the changed lines. */
  prefix: number;
  suffix: number;
  /** The changed lines as they were, and as the edit left them. */
  removed: string;
  inserted: string;
  /** The changed lines were longer than a flag keeps: `removed`/`inserted` are previews. */
  clipped: boolean;
}

export function textSha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The unchanged head and tail the two texts share, both ending on line boundaries. */
function sharedLines(a: string, b: string): { prefix: number; suffix: number } {
  const limit = Math.min(a.length, b.length);
  let prefix = 0;
  while (prefix < limit && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  if (prefix < a.length || prefix < b.length) prefix = a.lastIndexOf('\n', prefix - 1) + 1;
  let suffix = 0;
  while (suffix < limit - prefix && a.charCodeAt(a.length - 1 - suffix) === b.charCodeAt(b.length - 1 - suffix))
    suffix++;
  // Start the tail at a line start on both sides: cut it after its first newline if needed.
  const atLineStart = (t: string) => t.length - suffix === prefix || t[t.length - suffix - 1] === '\n';
  if (!atLineStart(a) || !atLineStart(b)) {
    const newline = a.indexOf('\n', a.length - suffix);
    suffix = newline < 0 ? 0 : a.length - newline - 1;
  }
  return { prefix, suffix };
}

/** Records an edit from its whole texts (null: the file did not exist on that side). */
export function recordEdit(before: string | null, after: string | null): EditRecord {
  const a = before ?? '';
  const b = after ?? '';
  const { prefix, suffix } = sharedLines(a, b);
  const removed = a.slice(prefix, a.length - suffix);
  const inserted = b.slice(prefix, b.length - suffix);
  const clipped = removed.length + inserted.length > MAX_KEPT_TEXT;
  return {
    beforeSha256: before === null ? null : textSha256(before),
    afterSha256: after === null ? null : textSha256(after),
    prefix,
    suffix,
    removed: clipped ? removed.slice(0, PREVIEW_CHARS) : removed,
    inserted: clipped ? inserted.slice(0, PREVIEW_CHARS) : inserted,
    clipped,
  };
}

export type RebuiltTexts = { before: string | null; after: string | null };

/**
 * Both whole texts of the edit, given what the file holds now (null: absent), when it still holds
 * exactly the edit's after-text; a string saying why not otherwise.
 */
export function rebuildTexts(record: EditRecord, current: string | null): RebuiltTexts | string {
  if (current === null && record.afterSha256 !== null) return 'the file no longer exists';
  if (current !== null && record.afterSha256 === null) return 'the file exists again';
  if (current !== null && textSha256(current) !== record.afterSha256) return 'the file has changed since this edit';
  if (record.beforeSha256 === null) return { before: null, after: current };
  if (record.clipped)
    return `the edit changed more than the ${MAX_KEPT_TEXT / 1024} KB of text a flag keeps, so the earlier text was not kept`;
  const now = current ?? '';
  const before = now.slice(0, record.prefix) + record.removed + now.slice(now.length - record.suffix);
  if (textSha256(before) !== record.beforeSha256)
    return 'the recorded edit does not rebuild the earlier text (the flag store is damaged)';
  return { before, after: current };
}
