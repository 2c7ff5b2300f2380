// Codex's apply_patch envelope ("*** Begin Patch" … "*** End Patch") parsed into file edits.

export interface PatchEdit {
  op: 'create' | 'update' | 'delete';
  path: string;
  /** For updates: the hunks as written (context ' ', removed '-', added '+'). */
  diff?: string;
  /** For new files: the full content. */
  after?: string;
  movedTo?: string;
}

const FILE_HEADER = /^\*\*\* (Add|Update|Delete) File: (.+)$/;

/** Extracts the patch from a heredoc or a bare envelope; returns [] when there is none. */
export function parseApplyPatch(text: string): PatchEdit[] {
  const begin = text.indexOf('*** Begin Patch');
  if (begin < 0) return [];
  const edits: PatchEdit[] = [];
  let current: (PatchEdit & { lines: string[] }) | undefined;
  const close = (): void => {
    if (!current) return;
    const { lines, ...edit } = current;
    if (edit.op === 'create')
      edit.after = lines.map((l) => l.replace(/^\+/, '')).join('\n') + (lines.length ? '\n' : '');
    else if (edit.op === 'update') edit.diff = lines.join('\n');
    edits.push(edit);
    current = undefined;
  };
  for (const line of text.slice(begin).split('\n').slice(1)) {
    const header = FILE_HEADER.exec(line);
    if (header) {
      close();
      const op = header[1] === 'Add' ? 'create' : header[1] === 'Delete' ? 'delete' : 'update';
      current = { op, path: header[2]!.trim(), lines: [] };
    } else if (line.startsWith('*** End Patch')) {
      break;
    } else if (current && line.startsWith('*** Move to: ')) {
      current.movedTo = line.slice('*** Move to: '.length).trim();
    } else if (current && line !== '*** End of File') {
      current.lines.push(line);
    }
  }
  close();
  return edits;
}
