// Cline's PreToolUse hook payload (`.clinerules/hooks/PreToolUse`, documented at
// docs.cline.bot/features/hooks/hook-reference): `{hookName, taskId, workspaceRoots,
// preToolUse: {toolName, parameters}}`, parameters as strings. Its file and shell tools read as
// the Claude Code tools they match; the session is the task's history in Cline's global storage.
import { join, resolve } from 'node:path';
import { defaultLocations } from '../watchers/locations';
import type { HookPayload } from './payload';

/** Cline's extension id: its task folders are under VS Code's globalStorage/<id>/tasks/<taskId>. */
const CLINE_EXTENSION = 'saoudrizwan.claude-dev';

/** The SEARCH/REPLACE blocks of a replace_in_file diff (`------- SEARCH` or `<<<<<<< SEARCH`, `=======`, `+++++++ REPLACE` or `>>>>>>> REPLACE`). */
export function searchReplaceBlocks(diff: string): { old_string: string; new_string: string }[] {
  const blocks: { old_string: string; new_string: string }[] = [];
  const re = /^(?:-{3,} SEARCH|<{3,} SEARCH)>?\r?\n([\s\S]*?)^={3,}\r?\n([\s\S]*?)^(?:\+{3,} REPLACE|>{3,} REPLACE)/gm;
  for (const m of diff.matchAll(re))
    blocks.push({ old_string: m[1]!.replace(/\r?\n$/, ''), new_string: m[2]!.replace(/\r?\n$/, '') });
  return blocks;
}

/** The task's history file, where Cline in VS Code keeps it. */
export function clineTaskFile(taskId: string, vscodeUser: string = defaultLocations().vscodeUser): string {
  return join(vscodeUser, 'globalStorage', CLINE_EXTENSION, 'tasks', taskId, 'ui_messages.json');
}

/** A Cline payload as the guard reads it; null when it is not one. */
export function clinePayload(p: Record<string, unknown>): HookPayload | null {
  const pre = p.preToolUse as { toolName?: unknown; parameters?: unknown } | undefined;
  if (typeof pre !== 'object' || pre === null || typeof pre.toolName !== 'string') return null;
  const params = (typeof pre.parameters === 'object' && pre.parameters !== null ? pre.parameters : {}) as Record<
    string,
    unknown
  >;
  const roots = Array.isArray(p.workspaceRoots)
    ? p.workspaceRoots.filter((r): r is string => typeof r === 'string')
    : [];
  const cwd = roots[0] ?? process.cwd();
  const path = typeof params.path === 'string' ? resolve(cwd, params.path) : null;
  const taskId = typeof p.taskId === 'string' && /^[\w.-]+$/.test(p.taskId) ? p.taskId : null;
  const base = { cwd, transcriptPath: taskId ? clineTaskFile(taskId) : null, sessionId: taskId };
  if (pre.toolName === 'write_to_file' && path)
    return { ...base, toolName: 'Write', toolInput: { file_path: path, content: params.content } };
  if (pre.toolName === 'replace_in_file' && path && typeof params.diff === 'string')
    return { ...base, toolName: 'MultiEdit', toolInput: { file_path: path, edits: searchReplaceBlocks(params.diff) } };
  if (pre.toolName === 'execute_command') return { ...base, toolName: 'Bash', toolInput: { command: params.command } };
  return { ...base, toolName: pre.toolName, toolInput: params };
}
