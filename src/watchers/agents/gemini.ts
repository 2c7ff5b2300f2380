import { basename, join } from 'node:path';
import { GeminiLegacyReader, GeminiReader } from '../gemini';
import { geminiProjectHash } from '../locations';
import type { TranscriptAgent } from './agent';
import { firstJson, has, isJsonDocument } from './head';

export const gemini: TranscriptAgent<'gemini'> = {
  source: 'gemini',
  label: 'Gemini CLI',
  settingKey: 'watchers.gemini',
  reads: 'session files under `~/.gemini/tmp/<project hash>`',
  detect: (_path, head) => {
    const first = firstJson(head);
    if (has(first, 'projectHash') || (has(first, 'sessionId', 'messages') && Array.isArray(first.messages)))
      return true;
    return (
      has(first, 'id', 'timestamp', 'type') && (first.type === 'gemini' || first.type === 'user') && 'content' in first
    );
  },
  // A session document longer than the head does not parse: its distinctive keys still show.
  detectLast: (_path, head) => /^\{\s*"sessionId"[^]*"projectHash"\s*:/.test(head.trimStart()),
  reader: (emitter, file, head) =>
    isJsonDocument(head, file) ? new GeminiLegacyReader(emitter, file) : new GeminiReader(emitter, file),
  watchTargets: (workspaceRoot, at) => [
    {
      source: 'gemini',
      dir: join(at.geminiTmp, geminiProjectHash(workspaceRoot)),
      accepts: (f) => /^session-.*\.jsonl?$/.test(basename(f)),
      matchByCwd: false,
      maxDepth: 1,
      descend: (d) => basename(d) === 'chats',
    },
  ],
};
