import { basename, relative, sep } from 'node:path';
import { ClaudeCodeReader } from '../claude-code';
import { claudeProjectFolder } from '../locations';
import type { TranscriptAgent } from './agent';
import { firstJson, has } from './head';

export const claudeCode: TranscriptAgent<'claude-code'> = {
  source: 'claude-code',
  label: 'Claude Code',
  settingKey: 'watchers.claudeCode',
  reads:
    "session JSONL under `~/.claude/projects` (sub-agents included), matched to this folder by each record's `cwd`",
  detect: (_path, head) => {
    const first = firstJson(head);
    return has(first, 'type') && (has(first, 'sessionId') || has(first, 'leafUuid') || has(first, 'messageId'));
  },
  reader: (emitter, file) => new ClaudeCodeReader(emitter, file),
  watchTargets: (workspaceRoot, at) => {
    const folder = claudeProjectFolder(workspaceRoot);
    // The encoded folder of the workspace or of a folder inside it (confirmed later by the records' cwd),
    // then <sessionId>/subagents/ for sub-agent files.
    const ours = (top: string) => top === folder || top.startsWith(folder + '-');
    return at.claudeProjectDirs.map((projects) => ({
      source: 'claude-code',
      dir: projects,
      accepts: (file: string) => file.endsWith('.jsonl') && ours(relative(projects, file).split(sep)[0] ?? ''),
      matchByCwd: true,
      maxDepth: 3,
      descend: (dir: string, depth: number) =>
        depth === 1 ? ours(basename(dir)) : depth === 2 || basename(dir) === 'subagents',
    }));
  },
};
