// GitHub Copilot agent mode in VS Code (the Local harness): its PreToolUse hook sends the model's
// tool name and arguments (`tool_name`, `tool_input`) with `session_id`, `transcript_path` and
// `cwd` (microsoft/vscode-copilot-chat, src/extension/chat/vscode-node/chatHookService.ts and
// src/extension/prompts/node/panel/toolCalling.tsx). Its file and terminal tools take camelCase
// arguments and read as the Claude Code tools they match. insert_edit_into_file is left alone: its
// `code` is a sketch with "...existing code..." markers that only a model turns into the new text.
import type { HookPayload } from './payload';
import { applyPatchEdits, claudeToolEdits, type ProposedEdit } from './proposed-edits';
import { shellEdits } from './shell-edits';

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

interface Replacement {
  filePath?: unknown;
  oldString?: unknown;
  newString?: unknown;
}

const asEdit = (r: Replacement): Record<string, unknown> => ({ old_string: r.oldString, new_string: r.newString });

/** multi_replace_string_in_file: its replacements in order, as one MultiEdit per file. */
function multiReplace(replacements: unknown, cwd: string): ProposedEdit[] {
  if (!Array.isArray(replacements)) return [];
  const byFile = new Map<string, Record<string, unknown>[]>();
  for (const r of replacements as Replacement[]) {
    const path = str(r?.filePath);
    if (!path) return [];
    const edits = byFile.get(path);
    if (edits) edits.push(asEdit(r));
    else byFile.set(path, [asEdit(r)]);
  }
  return [...byFile].flatMap(([file_path, edits]) => claudeToolEdits('MultiEdit', { file_path, edits }, cwd));
}

/** The edits a Copilot agent-mode tool call would make; [] for tools that change no file the guard can read. */
export function copilotToolEdits({ toolName, toolInput: input, cwd }: HookPayload): ProposedEdit[] {
  const file_path = str(input.filePath);
  switch (toolName) {
    case 'create_file':
      return file_path ? claudeToolEdits('Write', { file_path, content: input.content }, cwd) : [];
    case 'replace_string_in_file':
      return file_path ? claudeToolEdits('Edit', { file_path, ...asEdit(input) }, cwd) : [];
    case 'multi_replace_string_in_file':
      return multiReplace(input.replacements, cwd);
    case 'apply_patch': {
      const patch = str(input.input);
      return patch ? applyPatchEdits(patch, cwd) : [];
    }
    case 'run_in_terminal': {
      const command = str(input.command);
      return command ? shellEdits(command, cwd) : [];
    }
    default:
      return [];
  }
}
