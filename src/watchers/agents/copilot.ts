import { basename, dirname } from 'node:path';
import { CopilotChatSessionReader, CopilotTranscriptReader } from '../copilot';
import type { TranscriptAgent } from './agent';
import { firstJson, has } from './head';

/** Agent-mode transcripts are JSONL events whose types are dotted (`user.message`, …). */
const isTranscriptEvent = (first: unknown): boolean =>
  has(first, 'type', 'data') && typeof first.type === 'string' && first.type.includes('.');

export const copilot: TranscriptAgent<'copilot'> = {
  source: 'copilot',
  label: 'GitHub Copilot agent mode',
  settingKey: 'watchers.copilot',
  reads: "transcripts and chat sessions in this workspace's VS Code storage",
  detect: (path, head) => {
    if (/"requests"\s*:/.test(head) && (basename(path).endsWith('.json') || /^\{"kind":\s*0/.test(head.trimStart())))
      return true;
    return isTranscriptEvent(firstJson(head));
  },
  reader: (emitter, file, head) =>
    has(firstJson(head), 'type', 'data')
      ? new CopilotTranscriptReader(emitter, file)
      : new CopilotChatSessionReader(emitter, file),
  watchTargets: (_workspaceRoot, at) => {
    if (!at.workspaceStorage) return [];
    return [
      {
        source: 'copilot',
        dir: at.workspaceStorage,
        accepts: (f) =>
          (basename(dirname(f)) === 'transcripts' && f.endsWith('.jsonl')) ||
          (basename(dirname(f)) === 'chatSessions' && /\.jsonl?$/.test(f)),
        matchByCwd: false,
        maxDepth: 2,
        descend: (d, depth) =>
          depth === 1 ? ['chatSessions', 'GitHub.copilot-chat'].includes(basename(d)) : basename(d) === 'transcripts',
      },
    ];
  },
};
