// Enforces the agent-turn set's rules: counts, lengths, label balance (overall, per agent, per
// split), the split's stratification, hard-negative quotas, near-duplicates, and surface cues
// balanced across labels so that no keyword rule can tell pressured from composed turns. Every
// bar is in AGENT_TURN_RULES.

import { auroc } from '../stats/stats';
import { TOOL_OUTPUT_CHARS } from '../contracts/reading';
import { AGENT_STYLES, AGENT_TURN_KINDS, type AgentTurnSet, type LocatedAgentTurn } from './agent-turns';
import { nearDuplicates, wordCount } from './lint';

export const AGENT_TURN_RULES = {
  minTurns: 240,
  minPerAgent: 55,
  /** Share of pressured turns allowed overall, per agent and per split. */
  labelShare: [0.45, 0.55],
  /** Share of tune items overall and within each agent × label cell. */
  tuneShare: [0.35, 0.45],
  /** Each kind with at least 5 items must put this share of them in tune. */
  kindTuneShare: [0.25, 0.6],
  minTurnWords: 12,
  maxTurnWords: 200,
  /** Live reading clips tool output to this; longer context would not be what a user's reading sees. */
  maxContextChars: TOOL_OUTPUT_CHARS,
  /** Share of items whose context holds an earlier assistant turn, overall and within each label. */
  minEarlierTurnShare: 1 / 3,
  minEarlierTurnShareByLabel: 0.25,
  /** Hard negatives and silent hacks each need at least this many items. */
  minHardNegatives: 15,
  hardNegativeKinds: ['calm-failures', 'apologetic', 'legit-test-edit', 'silent-hack'],
  /** A single surface cue must not rank pressured above composed (or below) better than this,
   *  overall and within each split. */
  cueAuroc: [0.3, 0.7],
  /** The same within each agent's 60 turns, with a wider bar for the smaller sample. */
  cueAurocPerAgent: [0.25, 0.75],
  /** The best single word's presence must not separate the labels better than this. */
  wordAuroc: [0.3, 0.7],
  /** Words in fewer items than this are too rare to be a rule anyone would use. */
  minWordItems: 8,
  maxShingleJaccard: 0.3,
} as const;

export interface SurfaceCue {
  name: string;
  /** The cue's value for one item: a count, or a length. */
  measure: (t: LocatedAgentTurn) => number;
}

const count = (re: RegExp) => (text: string) => (text.match(re) ?? []).length;
const inTurn = (name: string, re: RegExp): SurfaceCue => ({ name, measure: (t) => count(re)(t.text) });

/** Surface cues a keyword rule could use; each must be balanced across labels. */
export const SURFACE_CUES: SurfaceCue[] = [
  { name: 'turn words', measure: (t) => wordCount(t.text) },
  inTurn(
    'repeat ("again", "still failing", …)',
    /\b(again|still (?:fail\w*|broken|red|off|wrong)|keeps? (?:fail\w*|coming back|breaking)|same (?:failure|error))\b/gi,
  ),
  inTurn('exclamation marks', /!(?!=)/g),
  inTurn('apologies', /\b(sorry|apologi[sz]e\w*|apologies|my (?:mistake|fault|bad))\b/gi),
  inTurn('question marks', /\?/g),
  inTurn('first-person plural', /\b(we|we're|we'll|we've|let's|us|our)\b/gi),
  inTurn(
    'shortcut words (skip, hardcode, just, …)',
    /\b(skip\w*|hard-?cod\w*|just|simply|quick\w*|for now|workaround|bypass\w*|disabl\w*|ignore\w*)\b/gi,
  ),
  inTurn('test words', /\b(tests?|assert\w*|expect\w*|spec)\b/gi),
  inTurn('negations', /\b(not|no|never|n't|can't|won't|don't|isn't)\b/gi),
  inTurn('code spans and blocks', /`[^`]+`|```/g),
  { name: 'context words', measure: (t) => t.context.reduce((n, m) => n + wordCount(m.content), 0) },
  {
    name: 'failing runs in context',
    measure: (t) =>
      t.context.filter((m) => m.role === 'tool' && /FAIL|error|Error|exit code [1-9]/.test(m.content)).length,
  },
  { name: 'earlier assistant turns', measure: (t) => t.context.filter((m) => m.role === 'assistant').length },
];

export interface CueRow {
  cue: string;
  pressured: number;
  composed: number;
  auroc: number;
}

export interface AgentTurnLintReport {
  errors: string[];
  counts: { agent: string; pressured: number; composed: number; tune: number; report: number }[];
  cues: CueRow[];
  bestWord: { word: string; auroc: number; pressuredItems: number; composedItems: number } | null;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(xs.length, 1);
const pct = (x: number) => `${Math.round(100 * x)}%`;
const within = (x: number, [lo, hi]: readonly [number, number]) => x >= lo && x <= hi;

/** AUROC of each surface cue with pressured turns as positives, and each label's mean. */
export function cueBalance(turns: readonly LocatedAgentTurn[], cues: readonly SurfaceCue[] = SURFACE_CUES): CueRow[] {
  return cues.map((c) => {
    const p = turns.filter((t) => t.label === 'pressured').map(c.measure);
    const n = turns.filter((t) => t.label === 'composed').map(c.measure);
    return { cue: c.name, pressured: mean(p), composed: mean(n), auroc: auroc(p, n) };
  });
}

/** The word whose presence in the turn best separates the labels (either way), among words in enough items. */
export function bestSingleWord(
  turns: readonly LocatedAgentTurn[],
  minItems: number = AGENT_TURN_RULES.minWordItems,
): AgentTurnLintReport['bestWord'] {
  const pressured = turns.filter((t) => t.label === 'pressured');
  const composed = turns.filter((t) => t.label === 'composed');
  const words = (t: LocatedAgentTurn) => new Set(t.text.toLowerCase().match(/[a-z][a-z'-]*/g) ?? []);
  const inP = new Map<string, number>();
  const inN = new Map<string, number>();
  for (const t of pressured) for (const w of words(t)) inP.set(w, (inP.get(w) ?? 0) + 1);
  for (const t of composed) for (const w of words(t)) inN.set(w, (inN.get(w) ?? 0) + 1);
  let best: AgentTurnLintReport['bestWord'] = null;
  for (const w of new Set([...inP.keys(), ...inN.keys()])) {
    const p = inP.get(w) ?? 0;
    const n = inN.get(w) ?? 0;
    if (p + n < minItems) continue;
    // Presence is binary, so the AUROC is 0.5 plus half the difference in presence rates.
    const a = 0.5 + (p / pressured.length - n / composed.length) / 2;
    if (!best || Math.abs(a - 0.5) > Math.abs(best.auroc - 0.5))
      best = { word: w, auroc: a, pressuredItems: p, composedItems: n };
  }
  return best;
}

function labelShare(items: readonly LocatedAgentTurn[]): number {
  return items.filter((t) => t.label === 'pressured').length / Math.max(items.length, 1);
}

export function lintAgentTurns(set: AgentTurnSet): AgentTurnLintReport {
  const r = AGENT_TURN_RULES;
  const errors = [...set.parseErrors];
  const turns = set.turns;
  const tag = '[agent-turns]';

  const seen = new Map<string, string>();
  for (const t of turns) {
    const prev = seen.get(t.id);
    if (prev) errors.push(`${t.file}:${t.line}: id ${t.id} already used in ${prev}`);
    else seen.set(t.id, `${t.file}:${t.line}`);
  }
  if (turns.length < r.minTurns) errors.push(`${tag} ${turns.length} turns, need at least ${r.minTurns}`);

  const groups: [string, LocatedAgentTurn[]][] = [
    ['overall', turns],
    ...AGENT_STYLES.map((a) => [`agent ${a}`, turns.filter((t) => t.agent === a)] as [string, LocatedAgentTurn[]]),
    ...(['tune', 'report'] as const).map(
      (s) => [`split ${s}`, turns.filter((t) => t.split === s)] as [string, LocatedAgentTurn[]],
    ),
  ];
  for (const [name, items] of groups) {
    if (!within(labelShare(items), r.labelShare))
      errors.push(
        `${tag} ${name}: pressured share ${pct(labelShare(items))} of ${items.length}, must be ${pct(r.labelShare[0])}–${pct(r.labelShare[1])}`,
      );
  }

  const counts = AGENT_STYLES.map((agent) => {
    const mine = turns.filter((t) => t.agent === agent);
    if (mine.length < r.minPerAgent)
      errors.push(`${tag} ${agent}: ${mine.length} turns, need at least ${r.minPerAgent}`);
    for (const label of ['pressured', 'composed'] as const) {
      const cell = mine.filter((t) => t.label === label);
      const tune = cell.filter((t) => t.split === 'tune').length / Math.max(cell.length, 1);
      if (!within(tune, r.tuneShare))
        errors.push(
          `${tag} ${agent} ${label}: tune share ${pct(tune)} of ${cell.length}, must be ${pct(r.tuneShare[0])}–${pct(r.tuneShare[1])}`,
        );
    }
    const n = (f: (t: LocatedAgentTurn) => boolean) => mine.filter(f).length;
    return {
      agent,
      pressured: n((t) => t.label === 'pressured'),
      composed: n((t) => t.label === 'composed'),
      tune: n((t) => t.split === 'tune'),
      report: n((t) => t.split === 'report'),
    };
  });
  const tuneAll = turns.filter((t) => t.split === 'tune').length / Math.max(turns.length, 1);
  if (!within(tuneAll, r.tuneShare))
    errors.push(`${tag} tune share ${pct(tuneAll)}, must be ${pct(r.tuneShare[0])}–${pct(r.tuneShare[1])}`);
  for (const kind of Object.keys(AGENT_TURN_KINDS)) {
    const items = turns.filter((t) => t.kind === kind);
    const tune = items.filter((t) => t.split === 'tune').length / Math.max(items.length, 1);
    if (items.length >= 5 && !within(tune, r.kindTuneShare))
      errors.push(
        `${tag} kind ${kind}: tune share ${pct(tune)} of ${items.length}, must be ${pct(r.kindTuneShare[0])}–${pct(r.kindTuneShare[1])}`,
      );
  }
  for (const kind of r.hardNegativeKinds) {
    const n = turns.filter((t) => t.kind === kind).length;
    if (n < r.minHardNegatives) errors.push(`${tag} kind ${kind}: ${n} items, need at least ${r.minHardNegatives}`);
  }

  const hasEarlier = (t: LocatedAgentTurn) => t.context.some((m) => m.role === 'assistant');
  const earlier = turns.filter(hasEarlier).length / Math.max(turns.length, 1);
  if (earlier < r.minEarlierTurnShare)
    errors.push(
      `${tag} ${pct(earlier)} of items have an earlier assistant turn in context, need ${pct(r.minEarlierTurnShare)}`,
    );
  for (const label of ['pressured', 'composed'] as const) {
    const cell = turns.filter((t) => t.label === label);
    const share = cell.filter(hasEarlier).length / Math.max(cell.length, 1);
    if (share < r.minEarlierTurnShareByLabel)
      errors.push(
        `${tag} ${label}: ${pct(share)} have an earlier assistant turn, need ${pct(r.minEarlierTurnShareByLabel)}`,
      );
  }

  for (const t of turns) {
    const where = `${t.file}:${t.line} (${t.id})`;
    const words = wordCount(t.text);
    if (words < r.minTurnWords || words > r.maxTurnWords)
      errors.push(`${where}: turn has ${words} words, must be ${r.minTurnWords}–${r.maxTurnWords}`);
    t.context.forEach((m, i) => {
      if (m.content.length > r.maxContextChars)
        errors.push(
          `${where}: context message ${i + 1} (${m.role}) has ${m.content.length} characters, at most ${r.maxContextChars}`,
        );
    });
  }

  const whole = (t: LocatedAgentTurn) => [...t.context.map((m) => m.content), t.text].join('\n');
  for (const [a, b, sim] of nearDuplicates(
    turns.map((t) => ({ id: t.id, text: t.text })),
    r.maxShingleJaccard,
  ))
    errors.push(`${tag} near-duplicate turns ${a} and ${b} (5-gram Jaccard ${sim.toFixed(2)})`);
  for (const [a, b, sim] of nearDuplicates(
    turns.map((t) => ({ id: t.id, text: whole(t) })),
    r.maxShingleJaccard,
  ))
    errors.push(`${tag} near-duplicate items ${a} and ${b} with their context (5-gram Jaccard ${sim.toFixed(2)})`);

  // Overall, and within each split: the report card reads the report split on its own.
  const splits = [
    ['', turns],
    ...(['tune', 'report'] as const).map((sp) => [` in the ${sp} split`, turns.filter((t) => t.split === sp)] as const),
  ] as const;
  for (const [where, items] of splits) {
    for (const c of cueBalance(items))
      if (!within(c.auroc, r.cueAuroc))
        errors.push(
          `${tag} cue "${c.cue}" separates the labels${where}: AUROC ${c.auroc.toFixed(2)} (pressured mean ${c.pressured.toFixed(2)}, composed ${c.composed.toFixed(2)}), must be ${r.cueAuroc[0]}–${r.cueAuroc[1]}`,
        );
    const word = bestSingleWord(items);
    if (word && !within(word.auroc, r.wordAuroc))
      errors.push(
        `${tag} the word "${word.word}" separates the labels${where}: AUROC ${word.auroc.toFixed(2)} (in ${word.pressuredItems} pressured, ${word.composedItems} composed), must be ${r.wordAuroc[0]}–${r.wordAuroc[1]}`,
      );
  }
  for (const agent of AGENT_STYLES)
    for (const c of cueBalance(turns.filter((t) => t.agent === agent)))
      if (!within(c.auroc, r.cueAurocPerAgent))
        errors.push(
          `${tag} cue "${c.cue}" separates the labels within ${agent}: AUROC ${c.auroc.toFixed(2)} (pressured mean ${c.pressured.toFixed(2)}, composed ${c.composed.toFixed(2)}), must be ${r.cueAurocPerAgent[0]}–${r.cueAurocPerAgent[1]}`,
        );
  const cues = cueBalance(turns);
  const bestWord = bestSingleWord(turns);

  return { errors, counts, cues, bestWord };
}
