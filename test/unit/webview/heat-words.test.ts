import { test } from 'node:test';
import assert from 'node:assert/strict';
import { heatWords, wordHeat } from '../../../webview/heat-words';
import type { TokenHeat } from '../../../src/contracts/sidebar-protocol';

const tok = (text: string, desperate: number): TokenHeat => ({ text, z: { desperate } });

test('sub-word tokens merge into the words they spell, keeping each token for the hover', () => {
  const tokens = [
    tok('Th', 0.1),
    tok('is', 0.4),
    tok(' should', 0.2),
    tok(' confi', 1.5),
    tok('rm', 2.5),
    tok('.', 0.3),
    tok('\n', 0),
    tok('Next', 0.9),
  ];
  const words = heatWords(tokens);
  assert.deepEqual(
    words.map((w) => w.text),
    ['This', ' should', ' confirm.', '\n', 'Next'],
  );
  assert.deepEqual(
    words[2]!.tokens.map((t) => t.text),
    [' confi', 'rm', '.'],
  );
  assert.equal(words.map((w) => w.text).join(''), tokens.map((t) => t.text).join(''), 'no text is lost or added');
});

test('a word is as hot as its strongest token for the chosen emotion', () => {
  const [word] = heatWords([tok(' confi', 1.5), tok('rm', 2.5)]);
  assert.equal(wordHeat(word!, 'desperate'), 2.5);
  assert.equal(wordHeat(word!, 'calm'), 0, 'an emotion the tokens lack reads as 0');
});
