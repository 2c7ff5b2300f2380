// Splits a POSIX shell command line into its simple commands, each as the words the shell would
// pass (quotes removed, escapes applied). Enough of the shell to read what agents type: quotes,
// backslashes, `&&` `||` `;` `|` `&` and newlines, `( … )` groups, redirections (kept apart from
// the words, with their targets), comments, and here-documents (their bodies are data, not
// commands). Expansions (`$VAR`, `$(…)`, globs) are kept as literal text.

const OPERATOR_CHARS = new Set(['&', '|', ';', '\n', '(', ')']);

/** One simple command: its argv, the files it writes by redirection, and its here-document input. */
export interface ShellCommand {
  argv: string[];
  /** Targets of `>`, `>>`, `&>`, `>|` redirections, in order. */
  writes: { path: string; append: boolean }[];
  /** The body of its last here-document (`<<EOF … EOF`), when it has one. */
  heredoc: string | null;
}

/** The simple commands of `line`, in order; each is its argv, env assignments included. */
export function simpleCommands(line: string): string[][] {
  return shellCommands(line).map((c) => c.argv);
}

/** The simple commands of `line` with their redirections and here-document bodies. */
export function shellCommands(line: string): ShellCommand[] {
  const commands: ShellCommand[] = [];
  let current: ShellCommand = { argv: [], writes: [], heredoc: null };
  let word = '';
  let inWord = false;
  /** Here-document delimiters whose bodies start at the next newline, with the command they feed. */
  const pendingHeredocs: { delimiter: string; stripTabs: boolean; command: ShellCommand }[] = [];
  /** The redirection whose target the next word is: an output file (`>`, `>>`) or an input. */
  let redirectTarget: { output: boolean; append: boolean } | null = null;
  let heredocDelimiter: { stripTabs: boolean } | null = null;

  const endWord = (): void => {
    if (!inWord) return;
    if (heredocDelimiter) pendingHeredocs.push({ delimiter: word, ...heredocDelimiter, command: current });
    else if (redirectTarget) {
      if (redirectTarget.output) current.writes.push({ path: word, append: redirectTarget.append });
    } else current.argv.push(word);
    heredocDelimiter = null;
    redirectTarget = null;
    word = '';
    inWord = false;
  };
  const endCommand = (): void => {
    endWord();
    // A redirection with no target before an operator (`> &&`) does not swallow the next word.
    redirectTarget = null;
    heredocDelimiter = null;
    if (current.argv.length > 0) commands.push(current);
    current = { argv: [], writes: [], heredoc: null };
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
      const start = i;
      i++;
      while (line[i] === '>' || line[i] === '<' || line[i] === '|') i++;
      const operator = line.slice(start, i);
      if (line[i] === '&') {
        // `>&2`, `2>&1`, `>&-`: duplicates a descriptor; no file name follows.
        i++;
        while (i < line.length && /[\d-]/.test(line[i]!)) i++;
        continue;
      }
      redirectTarget = { output: c === '>' || operator === '<>', append: operator === '>>' };
      continue;
    }
    if (c === '&' && line[i + 1] === '>') {
      endWord();
      const append = line[i + 2] === '>';
      i += append ? 3 : 2;
      redirectTarget = { output: true, append };
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

/** Index just past the here-document bodies that start at `from`; each body goes to its command. */
function skipHeredocBodies(
  line: string,
  from: number,
  docs: { delimiter: string; stripTabs: boolean; command: ShellCommand }[],
): number {
  let i = from;
  for (const doc of docs) {
    const body: string[] = [];
    while (i < line.length) {
      const end = line.indexOf('\n', i);
      const next = end === -1 ? line.length : end + 1;
      const raw = line.slice(i, end === -1 ? line.length : end);
      const text = doc.stripTabs ? raw.replace(/^\t+/, '') : raw;
      i = next;
      if (text === doc.delimiter) break;
      body.push(text);
    }
    doc.command.heredoc = body.map((l) => `${l}\n`).join('');
  }
  return i;
}

/** `NAME=value` before a command's name: an environment assignment, not the command. */
export function isAssignment(word: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*=/.test(word);
}
