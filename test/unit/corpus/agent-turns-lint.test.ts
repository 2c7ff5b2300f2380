import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AGENT_STYLES,
  AGENT_TURN_KINDS,
  loadAgentTurnSet,
  type LocatedAgentTurn,
} from '../../../src/corpus/agent-turns';
import { bestSingleWord, cueBalance, lintAgentTurns } from '../../../src/corpus/agent-turns-lint';

// Silent hacks first, so the cycle below gives them their quota.
const PRESSURED = Object.keys(AGENT_TURN_KINDS)
  .filter((k) => AGENT_TURN_KINDS[k as keyof typeof AGENT_TURN_KINDS] === 'pressured')
  .reverse();
const COMPOSED = Object.keys(AGENT_TURN_KINDS).filter(
  (k) => AGENT_TURN_KINDS[k as keyof typeof AGENT_TURN_KINDS] === 'composed',
);

/** Words no other item shares, so texts are distinct and no word is common enough to count. */
const filler = (i: number, n: number) => Array.from({ length: n }, (_, j) => `w${i}x${j}`).join(' ');

/** 240 items that satisfy every rule: balanced labels, stratified splits, neutral texts. */
function balancedSet(): LocatedAgentTurn[] {
  const cells = new Map<string, number>();
  return Array.from({ length: 240 }, (_, i) => {
    const agent = AGENT_STYLES[i % 4];
    const label = Math.floor(i / 4) % 2 === 0 ? 'pressured' : 'composed';
    const cell = `${agent} ${label}`;
    const k = cells.get(cell) ?? 0;
    cells.set(cell, k + 1);
    const kinds = label === 'pressured' ? PRESSURED : COMPOSED;
    return {
      id: `t-${i}`,
      agent,
      label,
      kind: kinds[k % kinds.length],
      split: k % 5 < 2 ? 'tune' : 'report',
      context: [
        { role: 'user', content: `Fix it. ${filler(1000 + i, 8)}` },
        ...(k % 2 === 0 ? [{ role: 'assistant' as const, content: filler(2000 + i, 6) }] : []),
      ],
      text: filler(i, 20 + (k % 7)),
      file: 'set.md',
      line: i + 1,
    };
  });
}

test('a balanced, stratified set with neutral texts passes every rule', () => {
  const report = lintAgentTurns({ turns: balancedSet(), parseErrors: [] });
  assert.deepEqual(report.errors, []);
  assert.deepEqual(
    report.counts.map((c) => [c.pressured, c.composed]),
    [
      [30, 30],
      [30, 30],
      [30, 30],
      [30, 30],
    ],
  );
});

test('a set that a keyword rule could solve fails the cue checks', () => {
  const turns = balancedSet().map((t) =>
    t.label === 'pressured' ? { ...t, text: `${t.text} Still failing again! Sorry, I'll just skip it.` } : t,
  );
  const errors = lintAgentTurns({ turns, parseErrors: [] }).errors.join('\n');
  assert.match(errors, /cue "repeat \("again", "still failing", …\)" separates the labels: AUROC 1\.00/);
  assert.match(errors, /cue "exclamation marks" separates the labels/);
  assert.match(errors, /cue "apologies" separates the labels/);
  assert.match(errors, /cue "shortcut words \(skip, hardcode, just, …\)" separates the labels/);
  assert.match(errors, /the word "[a-z']+" separates the labels: AUROC 1\.00 \(in 120 pressured, 0 composed\)/);
});

test('a cue balanced overall but not within a split fails in that split', () => {
  const turns = balancedSet().map((t) =>
    (t.label === 'pressured') === (t.split === 'report') ? { ...t, text: `${t.text} It fails again.` } : t,
  );
  const errors = lintAgentTurns({ turns, parseErrors: [] }).errors.join('\n');
  assert.doesNotMatch(errors, /cue "repeat \("again", "still failing", …\)" separates the labels:/);
  assert.match(
    errors,
    /cue "repeat \("again", "still failing", …\)" separates the labels in the report split: AUROC 1\.00/,
  );
  assert.match(
    errors,
    /cue "repeat \("again", "still failing", …\)" separates the labels in the tune split: AUROC 0\.00/,
  );
});

test('a cue balanced overall and per split but not within an agent fails for that agent', () => {
  const marked = (t: LocatedAgentTurn) =>
    (t.agent === 'aider' && t.label === 'pressured') || (t.agent === 'codex' && t.label === 'composed');
  const turns = balancedSet().map((t) => (marked(t) ? { ...t, text: `${t.text} Same error again.` } : t));
  const errors = lintAgentTurns({ turns, parseErrors: [] }).errors;
  assert.deepEqual(
    errors.filter((e) => e.includes('repeat')).map((e) => e.replace(/ \(pressured.*/, '')),
    [
      '[agent-turns] cue "repeat ("again", "still failing", …)" separates the labels within codex: AUROC 0.00',
      '[agent-turns] cue "repeat ("again", "still failing", …)" separates the labels within aider: AUROC 1.00',
    ],
  );
});

test('length alone separating the labels fails, either way round', () => {
  const turns = balancedSet().map((t) =>
    t.label === 'composed' ? { ...t, text: `${t.text} ${filler(5000 + t.line, 40)}` } : t,
  );
  const rows = cueBalance(turns);
  assert.equal(rows.find((r) => r.cue === 'turn words')?.auroc, 0);
  assert.match(
    lintAgentTurns({ turns, parseErrors: [] }).errors.join('\n'),
    /cue "turn words" separates the labels: AUROC 0\.00/,
  );
});

test('the best single word is found in either direction, rare words are ignored', () => {
  const turns = balancedSet().map((t, i) => ({
    ...t,
    text: `${t.text}${t.label === 'composed' && i % 3 === 0 ? ' carefully' : ''}${i === 5 ? ' rare' : ''}`,
  }));
  const best = bestSingleWord(turns);
  assert.equal(best?.word, 'carefully');
  assert.ok(best && best.auroc < 0.5 && best.composedItems === 40 && best.pressuredItems === 0);
});

test('counts, balance, stratification, quotas, lengths and duplicates are enforced', () => {
  const set = balancedSet();
  const turns = [...set.filter((t) => !(t.agent === 'aider' && t.label === 'composed')), { ...set[0], id: 't-0' }].map(
    (t, i) =>
      i === 3
        ? { ...t, text: 'Too short.' }
        : i === 7
          ? { ...t, split: 'tune' as const, kind: 'apologetic', label: 'composed' as const }
          : t,
  );
  const errors = lintAgentTurns({ turns, parseErrors: ['x.md:3: broken'] }).errors.join('\n');
  assert.match(errors, /x\.md:3: broken/);
  assert.match(errors, /id t-0 already used/);
  assert.match(errors, /\[agent-turns\] 211 turns, need at least 240/);
  assert.match(errors, /agent aider: pressured share 100% of 30/);
  assert.match(errors, /aider: 30 turns, need at least 55/);
  assert.match(errors, /aider composed: tune share 0% of 0/);
  assert.match(errors, /\(t-3\): turn has 2 words, must be 12–200/);
  assert.match(errors, /near-duplicate turns t-0 and t-0/);
});

test("the project's agent-turn set passes every rule", () => {
  const report = lintAgentTurns(loadAgentTurnSet());
  assert.deepEqual(report.errors, []);
});
