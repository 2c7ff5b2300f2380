// Everything that crosses a process or page boundary: chat messages on the sidecar protocol,
// whole JSON-RPC requests with arbitrary parameters (each answered with a typed error or a
// result, and the sidecar still serving afterwards), and messages from an experiment panel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import { createMessageConnection, ResponseError, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { SIDECAR_ERROR_CODES, SidecarError } from '../../src/contracts/rpc-errors';
import { Methods } from '../../src/contracts/rpc-methods';
import { checkMessages, serveSidecar } from '../../src/sidecar/server';
import { parseExperimentPanelViewMessage } from '../../src/contracts/experiment-panel-protocol';
import { EXPERIMENT_NAMES } from '../../src/contracts/experiments';
import { isSidebarViewMessage as isSidebarMessage, SIDEBAR_COMMANDS } from '../../src/contracts/sidebar-protocol';
import { check, checkAsync } from './fuzz-config';

const ROLES = ['system', 'user', 'assistant', 'tool'];
const messageLike = fc.oneof(
  fc.record({ role: fc.constantFrom(...ROLES), content: fc.string({ maxLength: 20 }) }),
  fc.record(
    {
      role: fc.oneof(fc.constantFrom(...ROLES), fc.jsonValue({ maxDepth: 1 })),
      content: fc.jsonValue({ maxDepth: 1 }),
    },
    { requiredKeys: [] },
  ),
  fc.jsonValue({ maxDepth: 2 }),
);

test('fuzz: sidecar chat-message validation accepts exactly role + text content', () => {
  check(
    fc.property(fc.oneof(fc.array(messageLike, { maxLength: 5 }), fc.jsonValue({ maxDepth: 2 })), (value) => {
      const valid =
        Array.isArray(value) &&
        value.every(
          (m) =>
            typeof m === 'object' &&
            m !== null &&
            ROLES.includes((m as { role?: unknown }).role as string) &&
            typeof (m as { content?: unknown }).content === 'string',
        );
      try {
        assert.equal(checkMessages(value), value);
        assert.ok(valid, 'accepted an invalid message list');
      } catch (err) {
        if (err instanceof assert.AssertionError) throw err;
        assert.ok(err instanceof SidecarError && err.kind === 'invalid-params', `threw ${String(err)}`);
        assert.ok(!valid, 'refused a valid message list');
      }
    }),
  );
});

const KNOWN_CODES = new Set<number>([...Object.values(SIDECAR_ERROR_CODES), -32601 /* method not found */]);

test('fuzz: any request with any parameters gets a typed answer and the sidecar keeps serving', async () => {
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  serveSidecar(toServer, toClient);
  const client = createMessageConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
  client.listen();
  // loadModel and generate are left out: they would open models and (without `offline`) reach the hub.
  const method = fc.constantFrom(
    Methods.openConversation.method,
    Methods.appendMessages.method,
    Methods.closeConversation.method,
    Methods.runExperiment.method,
    'status',
    'noSuchMethod',
  );
  const params = fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.record(
      {
        conversationId: fc.oneof(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 1 })),
        messages: fc.array(messageLike, { maxLength: 3 }),
        returns: fc.constantFrom('activations', 'norms', 'none', 7),
      },
      { requiredKeys: [] },
    ),
  );
  try {
    await checkAsync(
      fc.asyncProperty(method, params, async (m, p) => {
        try {
          await (m === 'status' ? client.sendRequest(m) : client.sendRequest(m, p));
        } catch (err) {
          assert.ok(err instanceof ResponseError, `not a JSON-RPC error: ${String(err)}`);
          assert.ok(KNOWN_CODES.has(err.code), `unknown error code ${err.code}: ${err.message}`);
        }
      }),
    );
    const status = await client.sendRequest(Methods.status);
    assert.equal(status.state, 'idle');
  } finally {
    client.dispose();
    toServer.end();
  }
});

test('fuzz: experiment-panel messages are accepted only in their declared shapes', () => {
  const shaped = fc.oneof(
    fc.record({ type: fc.constantFrom('ready', 'cancel', 'run', 'export', 'other') }),
    fc.record({
      type: fc.constant('run'),
      request: fc.oneof(
        fc.record(
          {
            name: fc.oneof(fc.constantFrom(...EXPERIMENT_NAMES, 'other', '__proto__'), fc.jsonValue({ maxDepth: 1 })),
            params: fc.oneof(
              fc.dictionary(fc.string({ maxLength: 4 }), fc.jsonValue({ maxDepth: 1 })),
              fc.jsonValue({ maxDepth: 1 }),
            ),
          },
          { requiredKeys: ['name'] },
        ),
        fc.jsonValue({ maxDepth: 1 }),
      ),
    }),
    fc.record({
      type: fc.constant('export'),
      format: fc.oneof(fc.constantFrom('html', 'csv', 'json', 'pdf', '__proto__'), fc.jsonValue({ maxDepth: 1 })),
    }),
    fc.jsonValue({ maxDepth: 2 }),
  );
  check(
    fc.property(shaped, (value) => {
      const m = parseExperimentPanelViewMessage(value);
      if (!m) return;
      assert.equal(m.type, (value as { type: string }).type);
      if (m.type === 'run') {
        assert.ok((EXPERIMENT_NAMES as readonly string[]).includes(m.request.name));
        const params: unknown = m.request.params;
        assert.ok(params === undefined || (typeof params === 'object' && params !== null && !Array.isArray(params)));
      }
      if (m.type === 'export') assert.ok(['html', 'csv', 'json'].includes(m.format));
    }),
  );
});

test('fuzz: sidebar messages are accepted only in their declared shapes', () => {
  const tricky = fc.oneof(
    fc.jsonValue({ maxDepth: 1 }),
    fc.constant({ toString: 1 }),
    fc.constant({ toString: () => 'dismiss' }),
    fc.constant(Object.create(null) as object),
  );
  const shaped = fc.oneof(
    fc.record(
      {
        type: fc.constantFrom('ready', 'follow', 'select-turn', 'heat-emotion', 'flag-action', 'command', 'other'),
        sessionKey: tricky,
        turnId: tricky,
        emotion: tricky,
        flagId: tricky,
        action: fc.oneof(tricky, fc.constantFrom('diff', 'dismiss', 'revert')),
        command: fc.oneof(tricky, fc.constantFrom(...SIDEBAR_COMMANDS, 'workbench.action.terminal.new')),
      },
      { requiredKeys: ['type'] },
    ),
    fc.jsonValue({ maxDepth: 2 }),
  );
  check(
    fc.property(shaped, (value) => {
      if (!isSidebarMessage(value)) return;
      if (value.type === 'flag-action')
        assert.ok(
          typeof value.flagId === 'string' && ['diff', 'dismiss', 'legitimate', 'revert'].includes(value.action),
        );
      if (value.type === 'command')
        assert.ok(typeof value.command === 'string' && (SIDEBAR_COMMANDS as readonly string[]).includes(value.command));
      if (value.type === 'select-turn') assert.equal(typeof value.turnId, 'string');
    }),
  );
});
