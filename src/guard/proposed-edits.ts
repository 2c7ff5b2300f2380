// The edit a tool call is about to make, before it runs: the file's text now (read from disk) and
// the text the call would leave, for Claude Code's Edit, MultiEdit, Write and NotebookEdit and
// Codex's apply_patch. Shell commands are read in shell-edits.ts.
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { EditToClassify } from '../tamper/classify';
import { parseApplyPatch } from '../watchers/apply-patch';

/** Larger files are not read: classifying them would not fit in a hook's time. */
export const MAX_GUARDED_FILE_BYTES = 2 * 1024 * 1024;

/** An edit to classify, with the path the message names (a notebook's own path). */
export interface ProposedEdit extends EditToClassify {
  shownPath: string;
}

/** The file's text; null when it does not exist; undefined when it cannot be read or is too large. */
export function readCurrent(path: string): string | null | undefined {
  try {
    if (statSync(path).size > MAX_GUARDED_FILE_BYTES) return undefined;
    return readFileSync(path, 'utf8');
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? null : undefined;
  }
}

export function absolute(path: string, cwd: string): string {
  return isAbsolute(path) ? path : resolve(cwd, path);
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** `old` replaced by `replacement` once (or everywhere); undefined when `old` is not there, as the tool would fail. */
function replaced(text: string, old: string, replacement: string, all: boolean): string | undefined {
  if (old === '' || !text.includes(old)) return undefined;
  return all ? text.split(old).join(replacement) : text.replace(old, () => replacement);
}

function fileEdit(path: string, before: string | null, after: string): ProposedEdit {
  return before === null
    ? { path, shownPath: path, op: 'create', after }
    : { path, shownPath: path, op: 'update', before, after };
}

/** A notebook's code cells as one Python text, so test cells read like a test file. */
function notebookCode(cells: { cell_type?: unknown; source?: unknown }[]): string {
  return cells
    .filter((c) => c.cell_type === 'code')
    .map((c) => (Array.isArray(c.source) ? c.source.join('') : String(c.source ?? '')))
    .join('\n\n');
}

function notebookEdit(input: Record<string, unknown>, cwd: string): ProposedEdit[] {
  const path = str(input.notebook_path);
  const source = str(input.new_source);
  if (!path || source === undefined) return [];
  const abs = absolute(path, cwd);
  const current = readCurrent(abs);
  if (typeof current !== 'string') return [];
  let cells: { id?: unknown; cell_type?: unknown; source?: unknown }[];
  try {
    cells = (JSON.parse(current) as { cells: typeof cells }).cells;
    if (!Array.isArray(cells)) return [];
  } catch {
    return [];
  }
  const mode = str(input.edit_mode) ?? 'replace';
  const id = str(input.cell_id);
  const at = id === undefined ? 0 : cells.findIndex((c) => c.id === id);
  if (at < 0 && mode !== 'insert') return [];
  const after = [...cells];
  const cell = { cell_type: str(input.cell_type) ?? cells[at]?.cell_type ?? 'code', source };
  if (mode === 'insert') after.splice(at + 1, 0, cell);
  else if (mode === 'delete') after.splice(at, 1);
  else after[at] = { ...cells[at], ...cell };
  // Read as Python under a sibling name: the classifier picks its parser by extension.
  return [{ path: `${abs}.py`, shownPath: abs, op: 'update', before: notebookCode(cells), after: notebookCode(after) }];
}

/** Claude Code's file tools (Edit, MultiEdit, Write, NotebookEdit): the edit each would make. */
export function claudeToolEdits(tool: string, input: Record<string, unknown>, cwd: string): ProposedEdit[] {
  if (tool === 'NotebookEdit') return notebookEdit(input, cwd);
  const path = str(input.file_path);
  if (!path) return [];
  const abs = absolute(path, cwd);
  const current = readCurrent(abs);
  if (current === undefined) return [];
  if (tool === 'Write') {
    const content = str(input.content);
    return content === undefined ? [] : [fileEdit(abs, current, content)];
  }
  const edits =
    tool === 'Edit'
      ? [input]
      : tool === 'MultiEdit' && Array.isArray(input.edits)
        ? (input.edits as Record<string, unknown>[])
        : [];
  if (edits.length === 0) return [];
  // An Edit may create a file from an empty old_string; MultiEdit applies its edits in order.
  let text = current ?? '';
  for (const e of edits) {
    const old = str(e.old_string);
    const replacement = str(e.new_string);
    if (old === undefined || replacement === undefined) return [];
    const next =
      current === null && old === '' ? replacement : replaced(text, old, replacement, e.replace_all === true);
    if (next === undefined) return [];
    text = next;
  }
  return [fileEdit(abs, current, text)];
}

/** Codex's apply_patch: each file the patch adds, updates (its hunks) or deletes. */
export function applyPatchEdits(patch: string, cwd: string): ProposedEdit[] {
  const out: ProposedEdit[] = [];
  for (const p of parseApplyPatch(patch)) {
    const path = absolute(p.path, cwd);
    if (p.op === 'create') out.push({ path, shownPath: path, op: 'create', after: p.after ?? '' });
    else if (p.op === 'update') out.push({ path, shownPath: path, op: 'update', diff: p.diff ?? '' });
    else {
      const before = readCurrent(path);
      if (typeof before === 'string') out.push({ path, shownPath: path, op: 'delete', before });
    }
  }
  return out;
}
