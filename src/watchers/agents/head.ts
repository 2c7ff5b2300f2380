// Reading a transcript's first bytes for detection: JSON documents, JSONL records and keys.

/** The whole head as JSON (a small document) or else its first line (JSONL). */
export function firstJson(head: string): unknown {
  const trimmed = head.trim();
  try {
    return JSON.parse(trimmed);
  } catch {
    // JSONL, or a document longer than the head
  }
  try {
    return JSON.parse(trimmed.split('\n', 1)[0] ?? '');
  } catch {
    return undefined;
  }
}

export function has(value: unknown, ...keys: string[]): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && keys.every((k) => k in value);
}

/**
 * One JSON document (pretty-printed, or one line holding the whole session) rather than JSONL
 * records. A record still being written is JSONL; only a file with no content yet goes by its name.
 */
export function isJsonDocument(head: string, file: string): boolean {
  const firstLine = (head.trimStart().split('\n', 1)[0] ?? '').trimEnd();
  if (firstLine === '') return !file.endsWith('.jsonl');
  if (firstLine === '{') return true;
  const first = firstJson(firstLine);
  return has(first, 'messages') && Array.isArray(first.messages);
}
