// Splits a POSIX shell command line into its simple commands, each as the words the shell would
// pass (quotes removed, escapes applied). Enough of the shell to read what agents type: quotes,
// backslashes, `&&` `||` `;` `|` `&` and newlines, `( … )` groups, redirections (dropped, with
// their targets), comments, and here-documents (their bodies are data, not commands).
// Expansions (`$VAR`, `$(…)`, globs) are kept as literal text.

const OPERATOR_CHARS = new Set(['&', '|', ';', '\n', '(', ')']);

/** The simple commands of `line`, in order; each is its argv, env assignments included. */
export function simpleCommands(line: string): string[][] {
  const commands: string[][] = [];
  let words: string[] = [];
  let word = '';
  let inWord = false;
  /** Here-document delimiters whose bodies start at the next newline. */
  const pendingHeredocs: { delimiter: string; stripTabs: boolean }[] = [];
  let redirectTarget = false;
  let heredocDelimiter: { stripTabs: boolean } | null = null;

  const endWord = (): void => {
    if (!inWord) return;
    if (heredocDelimiter) pendingHeredocs.push({ delimiter: word, ...heredocDelimiter });
    else if (!redirectTarget) words.push(word);
    heredocDelimiter = null;
    redirectTarget = false;
    word = '';
    inWord = false;
  };
  const endCommand = (): void => {
    endWord();
    // A redirection with no target before an operator (`> &&`) does not swallow the next word.
    redirectTarget = false;
    heredocDelimiter = null;
    if (words.length > 0) commands.push(words);
    words = [];
  };

  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (c === '\\') {
      if (line[i + 1] === '\n') {
        i += 2; // line continuation
        continue;
      }
      if (i + 1 < line.length) word += line[i + 1];
      inWord = true;
      i += 2;
      continue;
    }
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      const close = end === -1 ? line.length : end;
      word += line.slice(i + 1, close);
      inWord = true;
      i = close + 1;
      continue;
    }
    if (c === '"') {
      i++;
      while (i < line.length && line[i] !== '"') {
        // Inside double quotes a backslash escapes only these characters.
        if (line[i] === '\\' && i + 1 < line.length && '"\\$`\n'.includes(line[i + 1]!)) i++;
        word += line[i];
        i++;
      }
      inWord = true;
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      endWord();
      i++;
      continue;
    }
    if (c === '#' && !inWord) {
      while (i < line.length && line[i] !== '\n') i++;
      continue;
    }
    if (c === '>' || c === '<') {
      // A word made only of digits right before the operator is its file descriptor (`2>&1`).
      if (inWord && /^\d+$/.test(word)) {
        word = '';
        inWord = false;
      } else endWord();
      if (c === '<' && line[i + 1] === '<' && line[i + 2] !== '<') {
        const stripTabs = line[i + 2] === '-';
        i += stripTabs ? 3 : 2;
        heredocDelimiter = { stripTabs };
        continue;
      }
      i++;
      while (line[i] === '>' || line[i] === '<' || line[i] === '|') i++;
      if (line[i] === '&') {
        // `>&2`, `2>&1`, `>&-`: duplicates a descriptor; no file name follows.
        i++;
        while (i < line.length && /[\d-]/.test(line[i]!)) i++;
        continue;
      }
      redirectTarget = true;
      continue;
    }
    if (c === '&' && line[i + 1] === '>') {
      endWord();
      i += line[i + 2] === '>' ? 3 : 2;
      redirectTarget = true;
      continue;
    }
    if (OPERATOR_CHARS.has(c)) {
      endCommand();
      if (c === '\n' && pendingHeredocs.length > 0) {
        i = skipHeredocBodies(line, i + 1, pendingHeredocs.splice(0));
        continue;
      }
      i++;
      continue;
    }
    word += c;
    inWord = true;
    i++;
  }
  endCommand();
  return commands;
}

/** Index just past the here-document bodies that start at `from`. */
function skipHeredocBodies(line: string, from: number, docs: { delimiter: string; stripTabs: boolean }[]): number {
  let i = from;
  for (const doc of docs) {
    while (i < line.length) {
      const end = line.indexOf('\n', i);
      const next = end === -1 ? line.length : end + 1;
      const text = line.slice(i, end === -1 ? line.length : end);
      i = next;
      if ((doc.stripTabs ? text.replace(/^\t+/, '') : text) === doc.delimiter) break;
    }
  }
  return i;
}

/** `NAME=value` before a command's name: an environment assignment, not the command. */
export function isAssignment(word: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*=/.test(word);
}
