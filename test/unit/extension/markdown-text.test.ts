import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { escapeMarkdown, flagHoverMarkdown } from '../../../src/extension/markdown-text';

// A CommonMark renderer (installed with @vscode/vsce; it has no type declarations: the two calls
// used are typed here), set up the most permissive way: raw HTML on, bare URLs turned into links.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- markdown-it ships no type declarations, so it is required and typed here
const MarkdownIt = require('markdown-it') as new (options: object) => {
  render(src: string): string;
  renderInline(src: string): string;
};
const md = new MarkdownIt({ html: true, linkify: true });

const HOSTILE = [
  '![pixel](https://tracker.example/p.png?who=me)',
  '[run](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22rm%22%7D)',
  '<img src="https://tracker.example/p.png">',
  '<a href="command:x">x</a>',
  'see https://tracker.example/a.png and www.tracker.example',
  '<https://tracker.example/auto>',
  '[ref]\n\n[ref]: https://tracker.example/ref',
  '![][img]\n[img]: https://tracker.example/i.png',
  '$(alert) **bold** _em_ `code` | cell | &amp; &#x3C;',
];

function decode(html: string): string {
  return html
    .replace(/<\/?(?:p|br \/|br)>/g, '')
    .replace(/&(lt|gt|quot|amp|#39);/g, (_, e: string) => ({ lt: '<', gt: '>', quot: '"', amp: '&', '#39': "'" })[e]!);
}

test('escaped text renders as itself: no image, link, HTML or command URI can load from it', () => {
  for (const text of HOSTILE) {
    const html = md.render(flagHoverMarkdown({ severity: 'warning', kinds: ['assertion-weakened'], reason: text }));
    assert.doesNotMatch(html, /<(?!\/?(?:p|strong|br)\b)[a-z]/i, html);
    assert.match(decode(html), /Agent Vitals/);
    assert.equal(decode(md.renderInline(escapeMarkdown(text.replace(/\n/g, ' ')))), text.replace(/\n/g, ' '));
  }
});

test('any text survives escaping literally (rendered inline, it is the same text and holds no markup)', () => {
  fc.assert(
    fc.property(
      fc.string({ unit: fc.constantFrom(...'abc :/.()[]!<>`*_&#;$|~\\-+=h'.split('')), maxLength: 60 }),
      (text) => {
        const html = md.renderInline(escapeMarkdown(text));
        assert.doesNotMatch(html, /<(?!\/?(?:br))/);
        assert.equal(decode(html), text);
      },
    ),
    { numRuns: 3_000 },
  );
});
