// Glob patterns compiled to regular expressions: `**` spans folders, `*` and `?` stay inside one
// path segment, `{a,b}` alternates. Paths are matched with forward slashes.

function escapeChar(ch: string): string {
  return /[.+^$()|[\]\\]/.test(ch) ? '\\' + ch : ch;
}

function translate(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*') {
      if (glob[i + 1] === '*') {
        const atSegmentStart = i === 0 || glob[i - 1] === '/';
        const followedBySlash = glob[i + 2] === '/';
        i++;
        if (atSegmentStart && followedBySlash) {
          i++;
          out += '(?:[^/]*/)*'; // zero or more whole folders
        } else {
          out += '.*';
        }
      } else {
        out += '[^/]*';
      }
    } else if (ch === '?') {
      out += '[^/]';
    } else if (ch === '{') {
      const close = glob.indexOf('}', i);
      if (close < 0) {
        out += '\\{';
        continue;
      }
      out +=
        '(?:' +
        glob
          .slice(i + 1, close)
          .split(',')
          .map(translate)
          .join('|') +
        ')';
      i = close;
    } else {
      out += escapeChar(ch);
    }
  }
  return out;
}

export function globToRegExp(glob: string, caseInsensitive = false): RegExp {
  return new RegExp('^' + translate(glob.replace(/\\/g, '/')) + '$', caseInsensitive ? 'i' : '');
}
