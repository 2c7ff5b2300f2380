// Every transcript reader, fed its own fixture with records damaged at random (subtrees swapped
// for arbitrary JSON, lines cut short, junk bytes inserted, whole lines of noise): it must never
// throw, must number events in order, must make every edited path absolute, and must count each
// line that is not a JSON object as skipped. Damage includes what an attacker writes: prototype
// keys anywhere (the built-in prototypes must stay untouched) and file:// URIs that do not decode
// in any field (the edit is skipped, never thrown).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import fc from 'fast-check';
import type { AgentEvent } from '../../src/core/events';
import { createReader } from '../../src/watchers/sources';
import type { TranscriptSource } from '../../src/core/events';
import {
  assertPrototypesIntact,
  check,
  damageArb,
  damageJson,
  hostileDamageArb,
  hostileValueArb,
  isJsonObject,
  replaceAt,
} from './fuzz-config';

const T = join(__dirname, '../fixtures/transcripts');

interface Fixture {
  source: TranscriptSource;
  rel: string;
}

const LINE_FIXTURES: Fixture[] = [
  { source: 'claude-code', rel: 'claude-code/-home-dev-shop/7d1c9a4e-2b6f-4c1e-9f0a-5e3b8d2c1a90.jsonl' },
  {
    source: 'claude-code',
    rel: 'claude-code/-home-dev-shop/7d1c9a4e-2b6f-4c1e-9f0a-5e3b8d2c1a90/subagents/agent-a1b2c3.jsonl',
  },
  { source: 'codex', rel: 'codex/2026/11/21/rollout-2026-11-21T10-00-00-0199a3c2-7e41-7b10-9c55-3f2e1d0b9a77.jsonl' },
  { source: 'codex', rel: 'codex/legacy/rollout-2025-05-14-5a7c0e2d.jsonl' },
  { source: 'gemini', rel: 'gemini/tmp/c0ffee/chats/session-2026-11-23T07-00-g5150.jsonl' },
  { source: 'copilot', rel: 'copilot/workspaceStorage/5f2a9c/GitHub.copilot-chat/transcripts/cs-41d2.jsonl' },
  { source: 'local-model', rel: 'local-model/2026-12-03T16-11-55-087Z.jsonl' },
];

const DOCUMENT_FIXTURES: Fixture[] = [
  { source: 'cline', rel: 'cline/saoudrizwan.claude-dev/tasks/1763888400000/ui_messages.json' },
  { source: 'roo', rel: 'roo/rooveterinaryinc.roo-cline/tasks/roo-task-01/ui_messages.json' },
  { source: 'gemini', rel: 'gemini/tmp/c0ffee/session-legacy-1.json' },
  { source: 'copilot', rel: 'copilot/workspaceStorage/5f2a9c/chatSessions/legacy-77aa.json' },
  // An append log, but re-read whole: each line is one JSON patch of the session.
  { source: 'copilot', rel: 'copilot/workspaceStorage/5f2a9c/chatSessions/log-99bb.jsonl' },
];

function newReader(fixture: Fixture, events: AgentEvent[]) {
  const file = join(T, fixture.rel);
  const head = readFileSync(file, 'utf8').slice(0, 64 * 1024);
  return createReader({
    source: fixture.source,
    file,
    head,
    workspaceRoot: '/home/dev/shop',
    sink: (e) => void events.push(e),
  });
}

function assertWellFormed(events: AgentEvent[]): void {
  events.forEach((e, i) => {
    assert.equal(e.seq, i, 'events are numbered in order from 0');
    if (e.type === 'turn') assert.ok(typeof e.text === 'string' && e.text.trim() !== '');
    if (e.type === 'file-edit') assert.ok(isAbsolute(e.path), `edit path ${e.path} is absolute`);
    if (e.type === 'tool-call') assert.ok(TOOL_KINDS.has(e.kind), `tool kind ${String(e.kind)}`);
  });
  assertPrototypesIntact();
}

const TOOL_KINDS = new Set(['shell', 'edit', 'write', 'delete', 'read', 'other']);

// A line of noise: random text, or random JSON that is not necessarily an object.
const noiseLine = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v) ?? 'null'),
);

for (const fixture of LINE_FIXTURES) {
  test(`fuzz: ${fixture.source} reader survives damaged ${fixture.rel.split('/').pop()}`, () => {
    const lines = readFileSync(join(T, fixture.rel), 'utf8')
      .split('\n')
      .filter((l) => l !== '');
    const edit = fc.record({ line: fc.nat(), damage: fc.oneof(damageArb, hostileDamageArb) });
    const insertion = fc.record({ at: fc.nat(), noise: noiseLine });
    // A window of the session (the readers keep state across lines, so windows start anywhere).
    const window = fc.record({ start: fc.nat(), length: fc.integer({ min: 1, max: 8 }) });
    check(
      fc.property(
        window,
        fc.array(edit, { maxLength: 4 }),
        fc.array(insertion, { maxLength: 3 }),
        ({ start, length }, edits, insertions) => {
          const from = start % lines.length;
          const fed = lines.slice(from, from + length);
          for (const { line, damage } of edits) fed[line % fed.length] = damageJson(fed[line % fed.length]!, damage);
          for (const { at, noise } of insertions) fed.splice(at % (fed.length + 1), 0, noise);
          const events: AgentEvent[] = [];
          const reader = newReader(fixture, events);
          assert.equal(reader.mode, 'lines');
          let offset = 0;
          let notObjects = 0;
          for (const raw of fed) {
            const text = raw.replace(/\n/g, ' '); // the tailer never hands out a newline
            if (text.trim() !== '' && !isJsonObject(text)) notObjects++;
            if (reader.mode === 'lines') reader.line(text, offset);
            offset += Buffer.byteLength(text) + 1;
          }
          reader.end();
          assertWellFormed(events);
          assert.ok(
            reader.emitter.skippedRecords >= notObjects,
            `${notObjects} unparsable lines, ${reader.emitter.skippedRecords} counted as skipped`,
          );
        },
      ),
    );
  });
}

for (const fixture of DOCUMENT_FIXTURES) {
  test(`fuzz: ${fixture.source} reader survives a damaged rewrite of ${fixture.rel.split('/').pop()}`, () => {
    const original = readFileSync(join(T, fixture.rel), 'utf8');
    const jsonLines = fixture.rel.endsWith('.jsonl');
    const parsed: unknown = jsonLines
      ? original
          .split('\n')
          .filter((l) => l !== '')
          .map((l) => JSON.parse(l) as unknown)
      : JSON.parse(original);
    const serialise = (v: unknown): string =>
      jsonLines && Array.isArray(v) ? v.map((x) => JSON.stringify(x)).join('\n') + '\n' : JSON.stringify(v, null, 1);
    const replace = fc.record({
      path: fc.array(fc.nat(), { maxLength: 6 }),
      value: fc.oneof(fc.jsonValue({ maxDepth: 3 }), hostileValueArb),
    });
    check(
      fc.property(
        fc.array(replace, { maxLength: 5 }),
        fc.option(damageArb),
        fc.boolean(),
        (replacements, textDamage, readOriginalFirst) => {
          let value = parsed;
          for (const r of replacements) value = replaceAt(value, r.path, r.value);
          let text = serialise(value);
          if (textDamage) text = damageJson(text, textDamage);
          const events: AgentEvent[] = [];
          const reader = newReader(fixture, events);
          assert.equal(reader.mode, 'document');
          if (reader.mode !== 'document') return;
          if (readOriginalFirst) reader.document(original);
          reader.document(text);
          reader.document(text); // a rewrite with nothing new emits nothing twice
          reader.end();
          assertWellFormed(events);
        },
      ),
    );
  });
}

test('fuzz: aider reader survives arbitrary markdown', () => {
  const lines = readFileSync(join(T, 'aider/shop/.aider.chat.history.md'), 'utf8').split('\n');
  const piece = fc.oneof(
    fc.constantFrom(
      '# aider chat started at 2026-11-23 07:00:00',
      '#### ',
      '> ',
      '```',
      '<<<<<<< SEARCH',
      '=======',
      '>>>>>>> REPLACE',
      'src/a.py',
      '/test pytest',
      '/run npm test',
      'FAILED tests/a.py::t',
      '1 failed, 2 passed',
    ),
    fc.string({ maxLength: 12 }),
  );
  const line = fc.array(piece, { maxLength: 4 }).map((p) => p.join('').replace(/\n/g, ' '));
  check(
    fc.property(fc.array(fc.record({ at: fc.nat(), line }), { maxLength: 12 }), (insertions) => {
      const fed = [...lines];
      for (const { at, line: l } of insertions) fed.splice(at % (fed.length + 1), 0, l);
      const events: AgentEvent[] = [];
      const reader = newReader({ source: 'aider', rel: 'aider/shop/.aider.chat.history.md' }, events);
      let offset = 0;
      for (const l of fed) {
        if (reader.mode === 'lines') reader.line(l, offset);
        offset += Buffer.byteLength(l) + 1;
      }
      reader.end();
      assertWellFormed(events);
    }),
  );
});

test('fuzz: copilot patch logs whose paths go through prototype keys leave the built-in prototypes alone', () => {
  const fixture = DOCUMENT_FIXTURES.find((f) => f.rel.endsWith('.jsonl'))!;
  const snapshot = readFileSync(join(T, fixture.rel), 'utf8').split('\n')[0]!;
  const key = fc.oneof(
    fc.constantFrom('__proto__', 'constructor', 'prototype', 'requests', 'toString', 'sessionId', 'response'),
    fc.nat({ max: 3 }),
  );
  const op = fc.record({
    kind: fc.constantFrom(1, 2, 3),
    k: fc.array(key, { minLength: 1, maxLength: 4 }),
    v: fc.jsonValue({ maxDepth: 1 }),
    i: fc.option(fc.nat({ max: 3 }), { nil: undefined }),
  });
  check(
    fc.property(fc.array(op, { maxLength: 8 }), (ops) => {
      const events: AgentEvent[] = [];
      const reader = newReader(fixture, events);
      if (reader.mode !== 'document') return;
      reader.document([snapshot, ...ops.map((o) => JSON.stringify(o))].join('\n'));
      reader.end();
      assertWellFormed(events);
    }),
  );
});
