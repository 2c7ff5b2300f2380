// Reads the emotion corpus: the emotion table, per-emotion story files and neutral dialogues.
// Stories and dialogues are Markdown so they stay pleasant to write and review:
//
//   ## desperate-001                      ## neutral-001
//   topic: eviction notice                topic: reading a config file
//   setting: technical | everyday         code: yes | no
//   person: first | third                 split: train | heldout
//   split: train | heldout
//                                         Human: …
//   One paragraph of story text.          Assistant: …

import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export type Valence = '+' | '-';
export type Arousal = 'high' | 'low';

export interface EmotionSpec {
  name: string;
  valence: Valence;
  arousal: Arousal;
  /** Words that must not appear in this emotion's stories (`stem*` = prefix match). */
  banned: string[];
}

export type Split = 'train' | 'heldout';

export interface Story {
  id: string;
  emotion: string;
  topic: string;
  setting: 'technical' | 'everyday';
  person: 'first' | 'third';
  split: Split;
  text: string;
  file: string;
  line: number;
}

export interface DialogueMessage {
  role: 'user' | 'assistant';
  text: string;
}

export interface NeutralDialogue {
  id: string;
  topic: string;
  code: boolean;
  /** Held-out dialogues are kept out of the PCA and baseline and serve as the neutral control. */
  split: Split;
  messages: DialogueMessage[];
  file: string;
  line: number;
}

export interface Corpus {
  emotions: EmotionSpec[];
  stories: Story[];
  neutral: NeutralDialogue[];
  /** Problems met while parsing; the lint reports them with everything else. */
  parseErrors: string[];
}

export interface Section {
  id: string;
  meta: Record<string, string>;
  body: string;
  line: number;
  /** 1-based line of the body's first line, so callers parsing the body can point at lines. */
  bodyLine: number;
}

/** Whether a line opens or closes a fenced code block (headings inside one are text). */
export function isFence(line: string): boolean {
  return /^\s*(```|~~~)/.test(line);
}

/** Splits a Markdown file into `## id` sections with `key: value` headers and a body. */
export function parseSections(text: string, file: string, errors: string[]): Section[] {
  const sections: Section[] = [];
  const lines = text.split(/\r?\n/);
  let current: { id: string; line: number; lines: string[] } | undefined;
  let inFence = false;
  const flush = () => {
    if (!current) return;
    const meta: Record<string, string> = {};
    let i = 0;
    for (; i < current.lines.length; i++) {
      const l = current.lines[i];
      if (l.trim() === '') {
        if (Object.keys(meta).length > 0) break;
        continue;
      }
      const m = /^([a-z]+):\s*(.*)$/.exec(l);
      if (!m || /^(Human|Assistant)$/i.test(m[1])) break;
      meta[m[1]] = m[2].trim();
    }
    while (i < current.lines.length && current.lines[i].trim() === '') i++;
    const body = current.lines.slice(i).join('\n').trim();
    if (!body) errors.push(`${file}:${current.line}: section ${current.id} has no text`);
    sections.push({ id: current.id, meta, body, line: current.line, bodyLine: current.line + 1 + i });
  };
  lines.forEach((l, idx) => {
    if (isFence(l)) inFence = !inFence;
    const h = inFence ? null : /^##\s+(\S+)\s*$/.exec(l);
    if (h) {
      flush();
      current = { id: h[1], line: idx + 1, lines: [] };
    } else if (current) {
      current.lines.push(l);
    }
  });
  flush();
  return sections;
}

function pick<T extends string>(
  meta: Record<string, string>,
  key: string,
  allowed: readonly T[],
  where: string,
  errors: string[],
): T {
  const v = meta[key];
  if (!allowed.includes(v as T)) {
    errors.push(`${where}: '${key}' must be one of ${allowed.join(' | ')} (got '${v ?? ''}')`);
    return allowed[0];
  }
  return v as T;
}

export function parseStories(text: string, emotion: string, file: string, errors: string[]): Story[] {
  return parseSections(text, file, errors).map((s) => {
    const where = `${file}:${s.line} (${s.id})`;
    if (!s.meta.topic) errors.push(`${where}: missing 'topic'`);
    return {
      id: s.id,
      emotion,
      topic: (s.meta.topic ?? '').toLowerCase(),
      setting: pick(s.meta, 'setting', ['technical', 'everyday'] as const, where, errors),
      person: pick(s.meta, 'person', ['first', 'third'] as const, where, errors),
      split: pick(s.meta, 'split', ['train', 'heldout'] as const, where, errors),
      text: s.body.replace(/\s+/g, ' '),
      file,
      line: s.line,
    };
  });
}

export function parseDialogues(text: string, file: string, errors: string[]): NeutralDialogue[] {
  return parseSections(text, file, errors).map((s) => {
    const where = `${file}:${s.line} (${s.id})`;
    if (!s.meta.topic) errors.push(`${where}: missing 'topic'`);
    const messages: DialogueMessage[] = [];
    for (const line of s.body.split('\n')) {
      const m = /^(Human|Assistant):\s*(.*)$/.exec(line);
      if (m) messages.push({ role: m[1] === 'Human' ? 'user' : 'assistant', text: m[2] });
      else if (messages.length > 0) messages[messages.length - 1].text += '\n' + line;
      else if (line.trim()) errors.push(`${where}: text before the first 'Human:' line`);
    }
    for (const m of messages) m.text = m.text.trim();
    return {
      id: s.id,
      topic: (s.meta.topic ?? '').toLowerCase(),
      code: pick(s.meta, 'code', ['yes', 'no'] as const, where, errors) === 'yes',
      split: pick(s.meta, 'split', ['train', 'heldout'] as const, where, errors),
      messages,
      file,
      line: s.line,
    };
  });
}

export function loadEmotions(root: string): EmotionSpec[] {
  const raw = JSON.parse(readFileSync(join(root, 'emotions.json'), 'utf8')) as { emotions: EmotionSpec[] };
  return raw.emotions;
}

/** Loads the whole corpus under `root` (the project's `vectors/` folder). */
export function loadCorpus(root: string): Corpus {
  const parseErrors: string[] = [];
  const emotions = loadEmotions(root);
  const storyDir = join(root, 'corpus', 'stories');
  const stories: Story[] = [];
  for (const name of readdirSync(storyDir)
    .filter((n) => n.endsWith('.md'))
    .sort()) {
    const emotion = name.slice(0, -3);
    const file = join(storyDir, name);
    if (!emotions.some((e) => e.name === emotion)) {
      parseErrors.push(`${file}: no emotion named '${emotion}' in emotions.json`);
      continue;
    }
    stories.push(...parseStories(readFileSync(file, 'utf8'), emotion, file, parseErrors));
  }
  const neutralDir = join(root, 'corpus', 'neutral');
  const neutral: NeutralDialogue[] = [];
  for (const name of readdirSync(neutralDir)
    .filter((n) => n.endsWith('.md'))
    .sort()) {
    const file = join(neutralDir, name);
    neutral.push(...parseDialogues(readFileSync(file, 'utf8'), file, parseErrors));
  }
  return { emotions, stories, neutral, parseErrors };
}

/** Identifies the corpus content a calibration used; changes whenever any text or split changes. */
export function corpusHash(corpus: Pick<Corpus, 'emotions' | 'stories' | 'neutral'>): string {
  const h = createHash('sha256');
  for (const e of corpus.emotions) h.update(`E\0${e.name}\0${e.valence}\0${e.arousal}\n`);
  for (const s of corpus.stories) h.update(`S\0${s.id}\0${s.emotion}\0${s.split}\0${s.text}\n`);
  for (const d of corpus.neutral) h.update(`N\0${d.id}\0${d.messages.map((m) => `${m.role}:${m.text}`).join('\0')}\n`);
  return h.digest('hex');
}
