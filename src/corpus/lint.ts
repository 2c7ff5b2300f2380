// Enforces the corpus rules: counts, lengths, topic spread, settings, person mix, held-out
// split, banned words and near-duplicates. Every rule's bar is in CORPUS_RULES.

import type { Corpus, EmotionSpec, NeutralDialogue, Story } from './format';

export const CORPUS_RULES = {
  minEmotions: 20,
  minStoriesPerEmotion: 60,
  minWords: 100,
  maxWords: 180,
  minTopicsPerEmotion: 30,
  minTechnicalShare: 1 / 3,
  /** Each of first and third person must make up at least this share. */
  minPersonShare: 0.2,
  minHeldoutShare: 0.2,
  minNeutralDialogues: 200,
  minNeutralCodeShare: 0.5,
  minExchanges: 2,
  maxExchanges: 6,
  /** Jaccard similarity of word 5-gram sets above which two texts count as near-duplicates. */
  maxShingleJaccard: 0.3,
} as const;

/** Pleasantries and emotion names kept out of the neutral confound set. */
export const NEUTRAL_BANNED = [
  'thank*',
  'please',
  'sorry',
  'great question',
  'happy to help',
  'glad*',
  'hope this helps',
  'excit*',
  'love',
  'awesome',
  'amazing',
  'unfortunately',
];

export interface LintReport {
  errors: string[];
  summary: { emotion: string; stories: number; heldout: number; topics: number; technical: number }[];
  neutralDialogues: number;
}

export function wordCount(text: string): number {
  return text.split(/\s+/).filter((w) => /[A-Za-z0-9]/.test(w)).length;
}

/** Turns banned-word entries into one case-insensitive regex (`stem*` = prefix match). */
export function bannedPattern(entries: readonly string[]): RegExp {
  const alts = entries.map((e) => {
    const prefix = e.endsWith('*');
    const body = (prefix ? e.slice(0, -1) : e)
      .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      .replace(/\s+/g, '\\s+')
      .replace(/'/g, "['’]");
    return prefix ? `${body}[\\w'’-]*` : body;
  });
  return new RegExp(`(?<![\\w'’-])(?:${alts.join('|')})(?![\\w'’-])`, 'gi');
}

function shingles(text: string): Set<string> {
  const words = text.toLowerCase().match(/[a-z0-9']+/g) ?? [];
  const out = new Set<string>();
  for (let i = 0; i + 5 <= words.length; i++) out.add(words.slice(i, i + 5).join(' '));
  return out;
}

function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  const [small, large] = a.size < b.size ? [a, b] : [b, a];
  let shared = 0;
  for (const s of small) if (large.has(s)) shared++;
  return shared / (a.size + b.size - shared);
}

/** Finds pairs of texts whose 5-gram overlap is above the bar. Indexes shingles to avoid n². */
export function nearDuplicates(
  items: readonly { id: string; text: string }[],
  maxJaccard: number = CORPUS_RULES.maxShingleJaccard,
): [string, string, number][] {
  const sets = items.map((it) => shingles(it.text));
  const index = new Map<string, number[]>();
  sets.forEach((set, i) => {
    for (const s of set) {
      const list = index.get(s);
      if (list) list.push(i);
      else index.set(s, [i]);
    }
  });
  const found: [string, string, number][] = [];
  sets.forEach((set, i) => {
    const candidates = new Set<number>();
    for (const s of set) for (const j of index.get(s) ?? []) if (j > i) candidates.add(j);
    for (const j of candidates) {
      const sim = jaccard(set, sets[j]);
      if (sim > maxJaccard) found.push([items[i].id, items[j].id, sim]);
    }
  });
  return found;
}

function share(n: number, total: number): string {
  return `${n}/${total} (${Math.round((100 * n) / Math.max(total, 1))}%)`;
}

function lintEmotion(spec: EmotionSpec, stories: Story[], errors: string[]): LintReport['summary'][number] {
  const r = CORPUS_RULES;
  const tag = `[${spec.name}]`;
  if (stories.length < r.minStoriesPerEmotion)
    errors.push(`${tag} ${stories.length} stories, need at least ${r.minStoriesPerEmotion}`);
  const banned = bannedPattern([...spec.banned, spec.name]);
  for (const s of stories) {
    const where = `${s.file}:${s.line} (${s.id})`;
    const words = wordCount(s.text);
    if (words < r.minWords || words > r.maxWords)
      errors.push(`${where}: ${words} words, must be ${r.minWords}–${r.maxWords}`);
    const hits = s.text.match(banned);
    if (hits) errors.push(`${where}: banned word(s) for ${spec.name}: ${[...new Set(hits)].join(', ')}`);
  }
  const topics = new Set(stories.map((s) => s.topic)).size;
  if (topics < r.minTopicsPerEmotion) errors.push(`${tag} ${topics} distinct topics, need ${r.minTopicsPerEmotion}`);
  const technical = stories.filter((s) => s.setting === 'technical').length;
  if (technical < stories.length * r.minTechnicalShare)
    errors.push(`${tag} technical settings ${share(technical, stories.length)}, need a third`);
  for (const person of ['first', 'third'] as const) {
    const n = stories.filter((s) => s.person === person).length;
    if (n < stories.length * r.minPersonShare)
      errors.push(`${tag} ${person}-person stories ${share(n, stories.length)}, need ${r.minPersonShare * 100}%`);
  }
  const heldout = stories.filter((s) => s.split === 'heldout').length;
  if (heldout < stories.length * r.minHeldoutShare)
    errors.push(`${tag} held-out stories ${share(heldout, stories.length)}, need ${r.minHeldoutShare * 100}%`);
  return { emotion: spec.name, stories: stories.length, heldout, topics, technical };
}

function lintNeutral(dialogues: NeutralDialogue[], emotions: EmotionSpec[], errors: string[]): void {
  const r = CORPUS_RULES;
  if (dialogues.length < r.minNeutralDialogues)
    errors.push(`[neutral] ${dialogues.length} dialogues, need at least ${r.minNeutralDialogues}`);
  const heldout = dialogues.filter((d) => d.split === 'heldout').length;
  if (heldout < dialogues.length * r.minHeldoutShare)
    errors.push(`[neutral] held-out dialogues ${share(heldout, dialogues.length)}, need ${r.minHeldoutShare * 100}%`);
  const code = dialogues.filter((d) => d.code).length;
  if (code < dialogues.length * r.minNeutralCodeShare)
    errors.push(`[neutral] code dialogues ${share(code, dialogues.length)}, need half`);
  const banned = bannedPattern([...NEUTRAL_BANNED, ...emotions.map((e) => e.name)]);
  for (const d of dialogues) {
    const where = `${d.file}:${d.line} (${d.id})`;
    const roles = d.messages.map((m) => m.role);
    const alternates = roles.every((role, i) => role === (i % 2 === 0 ? 'user' : 'assistant'));
    if (!alternates || roles.length % 2 !== 0)
      errors.push(`${where}: messages must alternate Human/Assistant, starting with Human and ending with Assistant`);
    const exchanges = Math.floor(roles.length / 2);
    if (exchanges < r.minExchanges || exchanges > r.maxExchanges)
      errors.push(`${where}: ${exchanges} exchanges, must be ${r.minExchanges}–${r.maxExchanges}`);
    const hits = d.messages
      .map((m) => m.text)
      .join('\n')
      .match(banned);
    if (hits) errors.push(`${where}: pleasantry or emotion word(s): ${[...new Set(hits)].join(', ')}`);
  }
}

export function lintCorpus(corpus: Corpus): LintReport {
  const errors = [...corpus.parseErrors];
  const r = CORPUS_RULES;
  if (corpus.emotions.length < r.minEmotions)
    errors.push(`emotions.json lists ${corpus.emotions.length} emotions, need at least ${r.minEmotions}`);
  const ids = new Map<string, string>();
  for (const item of [...corpus.stories, ...corpus.neutral]) {
    const prev = ids.get(item.id);
    if (prev) errors.push(`${item.file}:${item.line}: id ${item.id} already used in ${prev}`);
    else ids.set(item.id, item.file);
  }
  const summary = corpus.emotions.map((spec) =>
    lintEmotion(
      spec,
      corpus.stories.filter((s) => s.emotion === spec.name),
      errors,
    ),
  );
  lintNeutral(corpus.neutral, corpus.emotions, errors);
  const texts = [
    ...corpus.stories.map((s) => ({ id: s.id, text: s.text })),
    ...corpus.neutral.map((d) => ({ id: d.id, text: d.messages.map((m) => m.text).join(' ') })),
  ];
  for (const [a, b, sim] of nearDuplicates(texts))
    errors.push(`near-duplicate texts ${a} and ${b} (5-gram Jaccard ${sim.toFixed(2)})`);
  return { errors, summary, neutralDialogues: corpus.neutral.length };
}
