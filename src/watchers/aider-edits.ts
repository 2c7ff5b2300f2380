// The edits one Aider reply proposes, in the edit formats Aider asks models for: SEARCH/REPLACE
// blocks (`diff`, `diff-fenced`, `editor-diff`) or whole files (`whole`, `editor-whole`): a line
// naming the file, then a fenced block holding the file's full new text.

export interface ProposedEdit {
  path: string;
  /** SEARCH/REPLACE: the fragment replaced ('' creates the file) and its replacement. */
  search: string;
  replace: string;
  /** Whole-file formats: the file's new text. */
  whole?: string;
  /** Aider asked "Create new file?" for this path and the user said yes. */
  created?: boolean;
}

/** A reply uses one edit format: SEARCH/REPLACE blocks when it has any, else whole files. */
export function proposedEdits(lines: string[]): ProposedEdit[] {
  const blocks = searchReplaceEdits(lines);
  return blocks.length > 0 ? blocks : wholeFileEdits(lines);
}

/** Aider names files relative to the repository, with the platform's separators. */
export function samePath(a: string, b: string): boolean {
  const norm = (p: string) => p.trim().replace(/\\/g, '/').replace(/^\.\//, '');
  return norm(a) === norm(b);
}

function searchReplaceEdits(lines: string[]): ProposedEdit[] {
  const edits: ProposedEdit[] = [];
  let current: { path: string; search: string[]; replace: string[]; inReplace: boolean } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const marker = lines[i]!.trim();
    if (/^<{5,9} SEARCH\b/.test(marker)) {
      current = { path: pathAbove(lines, i), search: [], replace: [], inReplace: false };
    } else if (current && /^={5,9}$/.test(marker)) {
      current.inReplace = true;
    } else if (current && /^>{5,9} REPLACE\b/.test(marker)) {
      if (current.path)
        edits.push({ path: current.path, search: current.search.join('\n'), replace: current.replace.join('\n') });
      current = undefined;
    } else if (current) {
      (current.inReplace ? current.replace : current.search).push(lines[i]!);
    }
  }
  return edits;
}

/** Aider fences code with backticks, or with tags when the file itself holds backticks. */
const FENCE_OPEN = /^(?:`{3,}|~{3,}|<(?:source|code|pre|codeblock|sourcecode)>)/;

/** The file a SEARCH block edits: the nearest line above it that is neither blank nor a fence. */
function pathAbove(lines: string[], index: number): string {
  for (let i = index - 1; i >= 0; i--) {
    const l = lines[i]!.trim();
    if (l !== '' && !FENCE_OPEN.test(l)) return unquote(l);
  }
  return '';
}

function wholeFileEdits(lines: string[]): ProposedEdit[] {
  const edits: ProposedEdit[] = [];
  for (let i = 1; i < lines.length; i++) {
    const fence = /^(`{3,}|~{3,})/.exec(lines[i]!);
    if (!fence) continue;
    const path = unquote(lines[i - 1]!.trim());
    const close = lines.findIndex((l, j) => j > i && l.trimEnd() === fence[1]);
    if (close < 0) break;
    // Any line can name the file (Aider itself takes it as written); Aider's "Applied edit to"
    // note decides which proposals were files.
    if (path !== '') {
      const body = lines.slice(i + 1, close);
      edits.push({ path, search: '', replace: '', whole: body.length > 0 ? body.join('\n') + '\n' : '' });
    }
    i = close;
  }
  return edits;
}

/** The file name as Aider reads it from the line: without a trailing colon, heading marks or quotes. */
function unquote(line: string): string {
  return line
    .replace(/:+$/, '')
    .replace(/^#+/, '')
    .trim()
    .replace(/^`+|`+$/g, '')
    .replace(/^\*+|\*+$/g, '');
}
