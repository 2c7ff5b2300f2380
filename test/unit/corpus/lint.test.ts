import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadCorpus, parseDialogues, parseStories } from '../../../src/corpus/format';
import { bannedPattern, lintCorpus, nearDuplicates, wordCount } from '../../../src/corpus/lint';

const filler = (n: number, seed: string) => Array.from({ length: n }, (_, i) => `${seed}${i}`).join(' ');

test('banned-word patterns: stems match inflections, whole words do not match inside others', () => {
  const p = bannedPattern(['frustrat*', 'mad', 'on edge', "can't wait"]);
  assert.deepEqual('Frustration grew; she was frustrated.'.match(p), ['Frustration', 'frustrated']);
  assert.equal('He made a nomad madder.'.match(p), null);
  assert.deepEqual('She stayed on  edge and said she can’t wait.'.match(p), ['on  edge', 'can’t wait']);
});

test('stories parse with their metadata and the lint reports every broken rule', () => {
  const errors: string[] = [];
  const text = [
    '# calm',
    '## calm-001',
    'topic: a delayed train',
    'setting: everyday',
    'person: first',
    'split: heldout',
    '',
    `She sat with a calm face. ${filler(120, 'w')}`,
    '## calm-002',
    'topic: a delayed train',
    'setting: sideways',
    'person: third',
    'split: train',
    '',
    'Too short.',
  ].join('\n');
  const stories = parseStories(text, 'calm', 'calm.md', errors);
  assert.equal(stories.length, 2);
  assert.equal(stories[0].split, 'heldout');
  assert.match(errors.join('\n'), /'setting' must be one of technical \| everyday/);
  const report = lintCorpus({
    emotions: [{ name: 'calm', valence: '+', arousal: 'low', banned: ['calm*'] }],
    stories,
    neutral: [],
    parseErrors: errors,
  });
  const all = report.errors.join('\n');
  assert.match(all, /calm-001\): banned word\(s\) for calm: calm/);
  assert.match(all, /calm-002\): 2 words, must be 100–180/);
  assert.match(all, /\[calm\] 2 stories, need at least 60/);
  assert.match(all, /emotions\.json lists 1 emotions/);
  assert.match(all, /\[neutral\] 0 dialogues/);
});

test('dialogues must alternate and stay free of pleasantries', () => {
  const errors: string[] = [];
  const dialogues = parseDialogues(
    [
      '## n-1',
      'topic: git',
      'code: yes',
      'split: train',
      '',
      'Human: How do I list branches?',
      'Assistant: Run `git branch`. Thanks for asking!',
      'Human: And remote ones?',
      'Assistant: `git branch -r`.',
      '## n-2',
      'topic: git',
      'code: no',
      'split: train',
      '',
      'Assistant: Hello.',
      'Human: Hi.',
    ].join('\n'),
    'd.md',
    errors,
  );
  assert.equal(dialogues[0].messages.length, 4);
  const report = lintCorpus({ emotions: [], stories: [], neutral: dialogues, parseErrors: errors });
  const all = report.errors.join('\n');
  assert.match(all, /n-1\): pleasantry or emotion word\(s\): Thanks/);
  assert.match(all, /n-2\): messages must alternate/);
  assert.match(all, /n-2\): 1 exchanges, must be 2–6/);
});

test('near-duplicates are found by 5-gram overlap, distinct texts are not', () => {
  const base = filler(60, 'a');
  const items = [
    { id: 'x', text: base },
    { id: 'y', text: base.replace('a30', 'zz') },
    { id: 'z', text: filler(60, 'b') },
  ];
  const dups = nearDuplicates(items);
  assert.equal(dups.length, 1);
  assert.deepEqual(dups[0].slice(0, 2), ['x', 'y']);
  assert.equal(wordCount('one two -- three'), 3);
});

test("the project's corpus passes every rule", () => {
  const corpus = loadCorpus(join(__dirname, '..', '..', '..', 'vectors'));
  const report = lintCorpus(corpus);
  assert.deepEqual(report.errors, []);
  assert.ok(report.summary.length >= 20);
  assert.ok(report.neutralDialogues >= 200);
});
