import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { AgentEvent } from '../../../src/core/events';
import { TRANSCRIPT_SOURCES } from '../../../src/watchers/agents/registry';
import { createReader } from '../../../src/watchers/sources';

// Records shaped like each format's, with fields of random types, so readers reach deep branches.
const shaped = fc.oneof(
  fc.record({
    type: fc.constantFrom('user', 'assistant', 'system'),
    uuid: fc.string(),
    sessionId: fc.string(),
    message: fc.anything(),
  }),
  fc.record({
    type: fc.constantFrom('user', 'assistant'),
    message: fc.record({
      content: fc.array(
        fc.record({
          type: fc.constantFrom('text', 'tool_use', 'tool_result'),
          id: fc.anything(),
          tool_use_id: fc.anything(),
          name: fc.constantFrom('Bash', 'Edit', 'MultiEdit', 'Write', 'BashOutput'),
          input: fc.anything(),
          content: fc.anything(),
          is_error: fc.anything(),
        }),
      ),
    }),
    toolUseResult: fc.anything(),
  }),
  fc.record({
    timestamp: fc.anything(),
    type: fc.constantFrom('response_item', 'session_meta', 'event_msg'),
    payload: fc.record({
      type: fc.constantFrom('message', 'function_call', 'function_call_output', 'custom_tool_call', 'local_shell_call'),
      call_id: fc.constant('c'),
      name: fc.constantFrom('shell', 'apply_patch', 'exec_command'),
      arguments: fc.oneof(fc.string(), fc.json()),
      output: fc.anything(),
      input: fc.anything(),
      action: fc.anything(),
      role: fc.anything(),
      content: fc.anything(),
    }),
  }),
  fc.record({
    type: fc.constantFrom('tool.execution_start', 'tool.execution_complete', 'user.message'),
    id: fc.string(),
    data: fc.record({
      toolCallId: fc.constant('t'),
      toolName: fc.constantFrom('run_in_terminal', 'apply_patch', 'create_file'),
      arguments: fc.anything(),
      result: fc.anything(),
      success: fc.anything(),
      content: fc.anything(),
    }),
  }),
  fc.record({
    id: fc.string(),
    type: fc.constantFrom('user', 'gemini'),
    content: fc.anything(),
    toolCalls: fc.anything(),
  }),
  fc.anything(),
);
const line = fc.oneof(
  shaped.map((r) => JSON.stringify(r) ?? 'null'),
  fc.string(),
);

test('no reader throws on arbitrary lines or documents; what it cannot use is skipped', () => {
  fc.assert(
    fc.property(fc.constantFrom(...TRANSCRIPT_SOURCES), fc.array(line, { maxLength: 12 }), (source, lines) => {
      const events: AgentEvent[] = [];
      const head = lines.join('\n');
      for (const file of ['/tmp/x/session.jsonl', '/tmp/x/ui_messages.json', '/tmp/x/session.json']) {
        const reader = createReader({ source, file, head, sink: (e) => events.push(e) });
        if (reader.mode === 'lines') lines.forEach((l, i) => reader.line(l, i));
        else {
          reader.document(head);
          reader.document(`[${lines.filter((l) => l.startsWith('{')).join(',')}]`);
        }
        reader.end();
        assert.ok(reader.emitter.skippedRecords >= 0);
      }
      for (const e of events) assert.equal(typeof e.seq, 'number');
    }),
    { numRuns: 400 },
  );
});
