// Shell commands that change test files, read before they run: `sed -i`, `rm`, `git checkout --` /
// `git restore`, `>`/`>>` redirections (with `cat <<EOF` or `echo` content), and `mv`. Each gives
// the file's text now and the text the command would leave; a command whose result cannot be
// known without running it (a sed script beyond `s///` and `/re/d`) gives nothing.
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { roleOf } from '../tamper/file-roles';
import { shellCommands, type ShellCommand } from '../testruns/shell-words';
import { absolute, readCurrent, type ProposedEdit } from './proposed-edits';

/** Files a directory removal (`rm -r tests/`) is checked for, at most. */
const MAX_FILES_PER_DIRECTORY = 200;

const isTestFile = (path: string): boolean => roleOf(path) === 'test' || roleOf(path) === 'snapshot';

function update(path: string, before: string, after: string): ProposedEdit {
  return { path, shownPath: path, op: 'update', before, after };
}

/** A basic (BRE) or extended regular expression as a JavaScript one. */
function sedRegex(pattern: string, extended: boolean, flags: string): RegExp | null {
  let source = pattern;
  if (!extended) {
    // In a BRE, `\(` groups and `(` is literal; in JavaScript it is the other way round.
    source = pattern.replace(
      /\\([(){}+?|])|([(){}+?|])/g,
      (_m, escaped: string | undefined, bare: string | undefined) => escaped ?? `\\${bare}`,
    );
  }
  try {
    return new RegExp(source, flags);
  } catch {
    return null;
  }
}

/** `s/a/b/g` and `/re/d` commands of a sed script, applied line by line; null for anything else. */
export function applySed(script: string, text: string, extended: boolean): string | null {
  const edits: ((line: string) => string | null)[] = [];
  for (const part of script
    .split(/;|\n/)
    .map((p) => p.trim())
    .filter(Boolean)) {
    const sub = /^s(.)(.*?)(?<!\\)\1(.*?)(?<!\\)\1([gip0-9]*)$/s.exec(part);
    if (sub) {
      const re = sedRegex(sub[2]!, extended, `${sub[4]!.includes('g') ? 'g' : ''}${/[iI]/.test(sub[4]!) ? 'i' : ''}`);
      if (!re) return null;
      // sed's `&` and `\1` in the replacement are JavaScript's `$&` and `$1`.
      const replacement = sub[3]!
        .replace(/\$/g, '$$$$')
        .replace(/\\(\d)/g, '$$$1')
        .replace(/(?<!\\)&/g, '$$&')
        .replace(/\\(.)/g, '$1');
      edits.push((line) => line.replace(re, replacement));
      continue;
    }
    const del = /^\/(.*)\/d$/s.exec(part);
    if (del) {
      const re = sedRegex(del[1]!, extended, '');
      if (!re) return null;
      edits.push((line) => (re.test(line) ? null : line));
      continue;
    }
    return null;
  }
  const lines = text.split('\n');
  const trailing = text.endsWith('\n') ? lines.pop() : undefined;
  const out: string[] = [];
  for (const line of lines) {
    let current: string | null = line;
    for (const edit of edits) if (current !== null) current = edit(current);
    if (current !== null) out.push(current);
  }
  return out.join('\n') + (trailing !== undefined ? '\n' : '');
}

function sedEdits(argv: string[], cwd: string): ProposedEdit[] {
  let inPlace = false;
  let extended = false;
  const scripts: string[] = [];
  const files: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-e' || a === '--expression') scripts.push(argv[++i] ?? '');
    else if (a.startsWith('--in-place') || /^-[^-]*i/.test(a)) {
      inPlace = true;
      if (/^-[^-]*E/.test(a) || /^-[^-]*r/.test(a)) extended = true;
      // BSD sed takes the backup suffix as the next word (`-i ''`).
      if (a === '-i' && argv[i + 1] === '') i++;
    } else if (a === '-E' || a === '-r' || a === '--regexp-extended') extended = true;
    else if (a.startsWith('-') && a !== '-') continue;
    else if (scripts.length === 0) scripts.push(a);
    else files.push(a);
  }
  if (!inPlace) return [];
  const out: ProposedEdit[] = [];
  for (const file of files) {
    const path = absolute(file, cwd);
    if (!isTestFile(path)) continue;
    const before = readCurrent(path);
    if (typeof before !== 'string') continue;
    const after = applySed(scripts.join('\n'), before, extended);
    if (after !== null && after !== before) out.push(update(path, before, after));
  }
  return out;
}

/** The test files at `path`: itself, or those under it when it is a directory. */
function testFilesAt(path: string, recursive: boolean): string[] {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch {
    return [];
  }
  if (!isDirectory) return isTestFile(path) ? [path] : [];
  if (!recursive) return [];
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (found.length >= MAX_FILES_PER_DIRECTORY) return;
      const child = join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== 'node_modules' && entry.name !== '.git') walk(child);
      else if (entry.isFile() && isTestFile(child)) found.push(child);
    }
  };
  walk(path);
  return found;
}

function deletions(paths: string[]): ProposedEdit[] {
  return paths.flatMap((path) => {
    const before = readCurrent(path);
    return typeof before === 'string' ? [{ path, shownPath: path, op: 'delete' as const, before }] : [];
  });
}

function rmEdits(argv: string[], cwd: string): ProposedEdit[] {
  const flags = argv.slice(1).filter((a) => a.startsWith('-') && a !== '--');
  const recursive = flags.some((f) => /^-[^-]*[rR]/.test(f) || f === '--recursive');
  const targets = argv.slice(1).filter((a) => !a.startsWith('-'));
  return deletions(targets.flatMap((t) => testFilesAt(absolute(t, cwd), recursive)));
}

/** The text of `path` at `revision` (HEAD by default), or undefined when git cannot say. */
function committedText(path: string, cwd: string, revision: string): string | undefined {
  try {
    return execFileSync('git', ['show', `${revision}:./${relative(cwd, path)}`], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      maxBuffer: 4 * 1024 * 1024,
      timeout: 2000,
    });
  } catch {
    return undefined;
  }
}

/** `git checkout [rev] -- files` and `git restore [--source rev] files`: the files go back to that revision. */
function gitEdits(argv: string[], cwd: string): ProposedEdit[] {
  const sub = argv[1];
  let revision = 'HEAD';
  let files: string[] = [];
  if (sub === 'checkout') {
    const dash = argv.indexOf('--');
    if (dash < 0) return [];
    const rev = argv.slice(2, dash).filter((a) => !a.startsWith('-'));
    if (rev.length > 0) revision = rev[0]!;
    files = argv.slice(dash + 1);
  } else if (sub === 'restore') {
    const args = argv.slice(2);
    // `--staged` alone touches the index, not the files.
    if (args.includes('--staged') && !args.includes('--worktree') && !args.includes('-W')) return [];
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === '--source' || a === '-s') revision = args[++i] ?? revision;
      else if (a.startsWith('--source=')) revision = a.slice('--source='.length);
      else if (!a.startsWith('-')) files.push(a);
    }
  } else return [];
  const out: ProposedEdit[] = [];
  for (const path of files.flatMap((f) => testFilesAt(absolute(f, cwd), true))) {
    const before = readCurrent(path);
    const after = committedText(path, cwd, revision);
    if (typeof before === 'string' && after !== undefined && after !== before) out.push(update(path, before, after));
  }
  return out;
}

/** `mv a b`: a test file moved out of the tests is deleted from the suite; one moved onto a test replaces it. */
function mvEdits(argv: string[], cwd: string): ProposedEdit[] {
  const args = argv.slice(1).filter((a) => !a.startsWith('-'));
  if (args.length < 2) return [];
  const destination = absolute(args[args.length - 1]!, cwd);
  const sources = args.slice(0, -1).map((a) => absolute(a, cwd));
  let destinationIsDirectory = false;
  try {
    destinationIsDirectory = statSync(destination).isDirectory();
  } catch {
    // A new name.
  }
  const out: ProposedEdit[] = [];
  for (const source of sources) {
    const target = destinationIsDirectory ? join(destination, source.split(/[\\/]/).pop()!) : destination;
    if (isTestFile(source) && !isTestFile(target)) out.push(...deletions([source]));
    else if (isTestFile(target)) {
      const before = readCurrent(target);
      const after = readCurrent(source);
      if (typeof before === 'string' && typeof after === 'string' && after !== before)
        out.push(update(target, before, after));
    }
  }
  return out;
}

/** What a redirection writes into a test file, when the command's output is known without running it. */
function redirectionEdits(command: ShellCommand, cwd: string): ProposedEdit[] {
  const [name, ...args] = command.argv;
  let content: string | undefined;
  if (name === 'cat' && args.length === 0 && command.heredoc !== null) content = command.heredoc;
  else if (name === 'echo') content = `${args.filter((a) => a !== '-e').join(' ')}\n`;
  const out: ProposedEdit[] = [];
  for (const write of command.writes) {
    const path = absolute(write.path, cwd);
    if (!isTestFile(path)) continue;
    const before = readCurrent(path);
    if (before === undefined) continue;
    // Another program's output cannot be known before it runs: no guess, no false block.
    if (content === undefined) continue;
    const after = write.append ? `${before ?? ''}${content}` : content;
    if (before === null) out.push({ path, shownPath: path, op: 'create', after });
    else if (after !== before) out.push(update(path, before, after));
  }
  return out;
}

/** The test-file edits one shell command line would make. */
export function shellEdits(commandLine: string, cwd: string): ProposedEdit[] {
  const out: ProposedEdit[] = [];
  for (const command of shellCommands(commandLine)) {
    const name = command.argv[0]?.split('/').pop();
    if (name === 'sed') out.push(...sedEdits(command.argv, cwd));
    else if (name === 'rm') out.push(...rmEdits(command.argv, cwd));
    else if (name === 'git') out.push(...gitEdits(command.argv, cwd));
    else if (name === 'mv') out.push(...mvEdits(command.argv, cwd));
    out.push(...redirectionEdits(command, cwd));
  }
  return out;
}
