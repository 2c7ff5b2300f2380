// Reads the agent-turn validation set: coding-agent turns in context, labelled pressured or
// composed. It is never used for vectors or layer choice; it only judges readings. Markdown,
// like the corpus, one `## id` section per item:
//
//   ## cc-017
//   agent: claude-code            claude-code | codex | aider | cline
//   label: pressured              pressured | composed
//   kind: hardcode                what the turn does (see AGENT_TURN_KINDS)
//   split: report                 tune | report
//
//   ### user                      the context, in order: user | assistant | tool blocks
//   Fix the failing invoice test.
//   ### tool
//   $ pytest -q
//   …
//   ### turn                      last: the assistant turn being labelled
//   I'll return 42.50 when …
//
// `###` lines inside fenced code blocks are content, not block headings.
//
// Labels. pressured: under pressure the agent games the check or gives up (hard-codes an
// expected value, special-cases a test input, skips or deletes a test, loosens an assertion,
// forces a zero exit, pleads to be let off); silent hacks do the same in a flat, neutral tone.
// composed: methodical work, including the hard negatives — calm turns after repeated failures
// ("still failing", "again"), apologies for real mistakes that then fix them properly, and test
// edits the user's request or the spec justifies, explained calmly. Earlier assistant turns in a
// context are always methodical, so a reading's change from them to the labelled turn is the
// within-session signal.

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../model-store/model-spec';
import { isFence, parseSections } from './format';

export type AgentStyle = 'claude-code' | 'codex' | 'aider' | 'cline';
export const AGENT_STYLES: readonly AgentStyle[] = ['claude-code', 'codex', 'aider', 'cline'];

export type AgentTurnLabel = 'pressured' | 'composed';
export type AgentTurnSplit = 'tune' | 'report';

/** What each kind means; a kind belongs to one label. */
export const AGENT_TURN_KINDS = {
  hardcode: 'pressured',
  skip: 'pressured',
  'exit-forced': 'pressured',
  'special-case': 'pressured',
  loosen: 'pressured',
  'delete-test': 'pressured',
  plead: 'pressured',
  'silent-hack': 'pressured',
  methodical: 'composed',
  'calm-failures': 'composed',
  apologetic: 'composed',
  'legit-test-edit': 'composed',
} as const satisfies Record<string, AgentTurnLabel>;

export interface AgentTurnMessage {
  role: 'user' | 'assistant' | 'tool';
  content: string;
}

export interface AgentTurn {
  /** Unique, e.g. "cc-017". */
  id: string;
  agent: AgentStyle;
  label: AgentTurnLabel;
  /** e.g. hardcode | skip | … | methodical; see AGENT_TURN_KINDS. */
  kind: string;
  /** tune: choosing reading settings; report: held out for the report card. */
  split: AgentTurnSplit;
  /** In order, before the turn. */
  context: AgentTurnMessage[];
  /** The assistant turn being labelled. */
  text: string;
}

/** An item with where it was written, for the lint's messages. */
export interface LocatedAgentTurn extends AgentTurn {
  file: string;
  line: number;
}

export interface AgentTurnSet {
  turns: LocatedAgentTurn[];
  /** Problems met while parsing, each `file:line: what`. */
  parseErrors: string[];
}

const ROLES = ['user', 'assistant', 'tool', 'turn'] as const;

function oneOf<T extends string>(
  value: string | undefined,
  allowed: readonly T[],
  what: string,
  where: string,
  errors: string[],
): T {
  if (allowed.includes(value as T)) return value as T;
  errors.push(`${where}: '${what}' must be one of ${allowed.join(' | ')} (got '${value ?? ''}')`);
  return allowed[0];
}

/** Parses one file of items; problems go to `errors` as `file:line: what`. */
export function parseAgentTurns(text: string, file: string, errors: string[]): LocatedAgentTurn[] {
  return parseSections(text, file, errors).map((s) => {
    const where = `${file}:${s.line} (${s.id})`;
    const agent = oneOf(s.meta.agent, AGENT_STYLES, 'agent', where, errors);
    const label = oneOf(s.meta.label, ['pressured', 'composed'] as const, 'label', where, errors);
    const kind = s.meta.kind ?? '';
    const kindLabel = (AGENT_TURN_KINDS as Record<string, AgentTurnLabel>)[kind];
    if (!kindLabel)
      errors.push(`${where}: 'kind' must be one of ${Object.keys(AGENT_TURN_KINDS).join(' | ')} (got '${kind}')`);
    else if (kindLabel !== label && s.meta.label === label)
      errors.push(`${where}: kind '${kind}' is a ${kindLabel} kind, but the label is '${label}'`);
    const split = oneOf(s.meta.split, ['tune', 'report'] as const, 'split', where, errors);

    const blocks: { role: (typeof ROLES)[number]; line: number; lines: string[] }[] = [];
    let inFence = false;
    s.body.split('\n').forEach((l, i) => {
      const line = s.bodyLine + i;
      const h = inFence ? null : /^###\s+(\S+)\s*$/.exec(l);
      if (isFence(l)) inFence = !inFence;
      if (h) {
        const role = h[1] as (typeof ROLES)[number];
        if (!ROLES.includes(role))
          errors.push(`${file}:${line}: '### ${h[1]}' must be one of ${ROLES.map((r) => `### ${r}`).join(', ')}`);
        blocks.push({ role, line, lines: [] });
      } else if (blocks.length) blocks[blocks.length - 1].lines.push(l);
      else if (l.trim()) errors.push(`${file}:${line}: text before the first '### user' block`);
    });
    if (inFence) errors.push(`${where}: a code fence is never closed`);
    const content = (b: (typeof blocks)[number]) => b.lines.join('\n').trim();
    for (const b of blocks) if (!content(b)) errors.push(`${file}:${b.line}: empty '### ${b.role}' block`);
    const turns = blocks.filter((b) => b.role === 'turn');
    if (turns.length !== 1 || blocks[blocks.length - 1]?.role !== 'turn')
      errors.push(`${where}: needs exactly one '### turn' block, and it must come last`);
    if (blocks[0] && blocks[0].role !== 'user')
      errors.push(`${file}:${blocks[0].line}: the context must start with the user's task ('### user')`);
    const context = blocks
      .filter((b) => b.role !== 'turn' && ROLES.includes(b.role))
      .map((b) => ({ role: b.role as AgentTurnMessage['role'], content: content(b) }));
    return {
      id: s.id,
      agent,
      label,
      kind,
      split,
      context,
      text: turns.length ? content(turns[turns.length - 1]) : '',
      file,
      line: s.line,
    };
  });
}

export function defaultAgentTurnsRoot(): string {
  return join(projectRoot(), 'vectors', 'agent-turns');
}

/** Loads every `*.md` file under `root`, keeping where each item came from and every parse problem. */
export function loadAgentTurnSet(root: string = defaultAgentTurnsRoot()): AgentTurnSet {
  const parseErrors: string[] = [];
  const turns: LocatedAgentTurn[] = [];
  for (const name of readdirSync(root)
    .filter((n) => n.endsWith('.md'))
    .sort()) {
    const file = join(root, name);
    turns.push(...parseAgentTurns(readFileSync(file, 'utf8'), file, parseErrors));
  }
  return { turns, parseErrors };
}

/** The validation set; throws with every `file:line` problem when any item is malformed. */
export function loadAgentTurns(root: string = defaultAgentTurnsRoot()): AgentTurn[] {
  const { turns, parseErrors } = loadAgentTurnSet(root);
  if (parseErrors.length)
    throw new Error(
      `agent-turn set has ${parseErrors.length} problem(s) (run npm run lint:corpus):\n${parseErrors.join('\n')}`,
    );
  return turns.map(({ file: _file, line: _line, ...turn }) => turn);
}
