// A scratch project for guard tests: a Python test file that fails, a JS test, a test notebook,
// and session transcripts (Claude Code and Codex) with a number of failing pytest runs.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const TEST_CALC = `import pytest

from calc import add


def test_add():
    assert add(1, 1) == 2


def test_add_negative():
    assert add(-1, -1) == -3
`;

const PYTEST_FAIL = `============================= test session starts ==============================
platform linux -- Python 3.11.7, pytest-9.1.1, pluggy-1.6.0
collected 2 items

tests/test_calc.py .F                                                    [100%]

=================================== FAILURES ===================================
______________________________ test_add_negative _______________________________

    def test_add_negative():
>       assert add(-1, -1) == -3
E       assert -2 == -3

tests/test_calc.py:11: AssertionError
=========================== short test summary info ============================
FAILED tests/test_calc.py::test_add_negative - assert -2 == -3
========================= 1 failed, 1 passed in 0.02s ==========================
`;

/** The cache folder hook calls in tests use, so no test writes transcript checkpoints into the user's own. */
export const TEST_CACHE = mkdtempSync(join(tmpdir(), 'av-guard-cache-'));

export function makeWorkspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'av-guard-'));
  mkdirSync(join(dir, 'tests'));
  writeFileSync(join(dir, 'tests', 'test_calc.py'), TEST_CALC);
  writeFileSync(
    join(dir, 'tests', 'sum.test.js'),
    "const { sum } = require('../sum');\n\nit('adds', () => {\n  expect(sum(1, 2)).toBe(3);\n});\n\nit('adds negatives', () => {\n  expect(sum(-1, -2)).toBe(-3);\n});\n",
  );
  const cell = (id: string, source: string) => ({
    id,
    cell_type: 'code',
    metadata: {},
    execution_count: null,
    outputs: [],
    source: source.split(/(?<=\n)/),
  });
  writeFileSync(
    join(dir, 'tests', 'test_notebook.ipynb'),
    JSON.stringify(
      {
        cells: [
          cell('c1', 'import pytest\nfrom stats import mean\n'),
          cell('c2', 'def test_mean():\n    assert mean([1, 2]) == 1.5\n'),
        ],
        metadata: {},
        nbformat: 4,
        nbformat_minor: 5,
      },
      null,
      1,
    ),
  );
  return dir;
}

export function gitCommitAll(dir: string): void {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'ignore' });
  git('init', '-q');
  git('add', '.');
  git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', 'start');
}

/** A Claude Code transcript with `failing` failing pytest runs, one minute apart from 09:00. */
export function claudeTranscript(dir: string, failing: number): string {
  const lines: string[] = [];
  const base = {
    isSidechain: false,
    userType: 'external',
    cwd: dir,
    sessionId: '9f1c2e7a-4b5d-4e8f-a1b2-c3d4e5f60718',
    version: '2.0.31',
  };
  lines.push(
    JSON.stringify({
      ...base,
      type: 'user',
      uuid: 'u0',
      parentUuid: null,
      timestamp: '2026-11-20T09:00:00.000Z',
      message: { role: 'user', content: 'Make the tests pass.' },
    }),
  );
  for (let i = 0; i < failing; i++) {
    const ts = (s: number) => `2026-11-20T09:${String(i + 1).padStart(2, '0')}:0${s}.000Z`;
    lines.push(
      JSON.stringify({
        ...base,
        type: 'assistant',
        uuid: `a${i}`,
        parentUuid: `u${i}`,
        timestamp: ts(0),
        message: {
          id: `msg_${i}`,
          type: 'message',
          role: 'assistant',
          model: 'claude-sonnet-4-5',
          content: [{ type: 'tool_use', id: `toolu_${i}`, name: 'Bash', input: { command: 'python -m pytest tests' } }],
        },
      }),
    );
    lines.push(
      JSON.stringify({
        ...base,
        type: 'user',
        uuid: `u${i + 1}`,
        parentUuid: `a${i}`,
        timestamp: ts(5),
        message: {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: `toolu_${i}`, content: `Exit code 1\n${PYTEST_FAIL}`, is_error: true },
          ],
        },
      }),
    );
  }
  const file = join(dir, 'claude-session.jsonl');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

/** A Codex rollout with `failing` failing pytest runs. */
export function codexTranscript(dir: string, failing: number): string {
  const lines = [
    JSON.stringify({
      timestamp: '2026-11-21T10:00:00.000Z',
      type: 'session_meta',
      payload: {
        id: '019a1b2c-3d4e-7f60-8a9b-0c1d2e3f4a5b',
        timestamp: '2026-11-21T10:00:00.000Z',
        cwd: dir,
        originator: 'codex_cli_rs',
        cli_version: '0.124.0',
        source: 'cli',
      },
    }),
  ];
  for (let i = 0; i < failing; i++) {
    const ts = `2026-11-21T10:0${i + 1}:00.000Z`;
    lines.push(
      JSON.stringify({
        timestamp: ts,
        type: 'response_item',
        payload: {
          type: 'function_call',
          name: 'shell_command',
          call_id: `call_${i}`,
          arguments: JSON.stringify({ command: 'python -m pytest tests', workdir: dir }),
        },
      }),
    );
    lines.push(
      JSON.stringify({
        timestamp: ts,
        type: 'response_item',
        payload: {
          type: 'function_call_output',
          call_id: `call_${i}`,
          output: `Exit code: 1\nWall time: 0.8 seconds\nOutput:\n${PYTEST_FAIL}`,
        },
      }),
    );
  }
  const file = join(dir, 'rollout-2026-11-21T10-00-00-019a1b2c-3d4e-7f60-8a9b-0c1d2e3f4a5b.jsonl');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

const PAYLOADS = join(__dirname, '..', '..', 'fixtures', 'guard', 'payloads');

/** A recorded payload with its workspace and transcript filled in (null transcript: none). */
export function payload(name: string, workspace: string, transcript: string | null): string {
  const raw = JSON.parse(readFileSync(join(PAYLOADS, name), 'utf8')) as Record<string, unknown>;
  const text = JSON.stringify({ ...raw, transcript_path: transcript }).replaceAll('__WORKSPACE__', workspace);
  return text;
}

/** Appends one Claude Code Edit (tool call and its result) to a transcript from claudeTranscript. */
export function appendClaudeEdit(
  transcript: string,
  dir: string,
  n: number,
  input: { file_path: string; old_string: string; new_string: string },
): void {
  const base = {
    isSidechain: false,
    userType: 'external',
    cwd: dir,
    sessionId: '9f1c2e7a-4b5d-4e8f-a1b2-c3d4e5f60718',
    version: '2.0.31',
  };
  const ts = (s: number) => `2026-11-20T09:${String(10 + n).padStart(2, '0')}:0${s}.000Z`;
  const call = {
    ...base,
    type: 'assistant',
    uuid: `e${n}`,
    parentUuid: null,
    timestamp: ts(0),
    message: {
      id: `msg_e${n}`,
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5',
      content: [{ type: 'tool_use', id: `toolu_e${n}`, name: 'Edit', input }],
    },
  };
  const result = {
    ...base,
    type: 'user',
    uuid: `r${n}`,
    parentUuid: `e${n}`,
    timestamp: ts(1),
    message: {
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: `toolu_e${n}`, content: `The file ${input.file_path} has been updated.` },
      ],
    },
  };
  writeFileSync(transcript, `${readFileSync(transcript, 'utf8')}${JSON.stringify(call)}\n${JSON.stringify(result)}\n`);
}

/** Appends one Codex apply_patch call and its output to a rollout from codexTranscript. */
export function appendCodexPatch(transcript: string, n: number, patch: string): void {
  const ts = `2026-11-21T10:1${n}:00.000Z`;
  const call = {
    timestamp: ts,
    type: 'response_item',
    payload: {
      type: 'custom_tool_call',
      name: 'apply_patch',
      call_id: `patch_${n}`,
      input: patch,
      status: 'completed',
    },
  };
  const output = {
    timestamp: ts,
    type: 'response_item',
    payload: {
      type: 'custom_tool_call_output',
      call_id: `patch_${n}`,
      output: JSON.stringify({
        output: 'Success. Updated the following files:\nM tests/test_calc.py\n',
        metadata: { exit_code: 0 },
      }),
    },
  };
  writeFileSync(transcript, `${readFileSync(transcript, 'utf8')}${JSON.stringify(call)}\n${JSON.stringify(output)}\n`);
}

/** A Gemini CLI chat (JSONL) with `failing` failing pytest runs and then a replace that skips the failing test. */
export function geminiTranscript(dir: string, failing: number): string {
  const lines = [
    JSON.stringify({
      sessionId: '4c7d2a10-8e3b-4f5a-9d61-2b8e0f3c7a95',
      projectHash: 'a1b2c3',
      startTime: '2026-11-23T07:00:00.000Z',
      lastUpdated: '2026-11-23T07:00:00.000Z',
      kind: 'main',
    }),
  ];
  lines.push(
    JSON.stringify({
      id: 'm0',
      timestamp: '2026-11-23T07:00:00.000Z',
      type: 'user',
      content: [{ text: 'Make the tests pass.' }],
    }),
  );
  for (let i = 0; i < failing; i++) {
    const ts = `2026-11-23T07:0${i + 1}:00.000Z`;
    const call = {
      id: `run_${i}`,
      name: 'run_shell_command',
      args: { command: 'python -m pytest tests' },
      status: 'error',
      timestamp: ts,
      result: [
        {
          functionResponse: {
            id: `run_${i}`,
            name: 'run_shell_command',
            response: { output: `Exit Code: 1\n${PYTEST_FAIL}` },
          },
        },
      ],
    };
    lines.push(
      JSON.stringify({ id: `g${i}`, timestamp: ts, type: 'gemini', content: 'Running the tests.', toolCalls: [call] }),
    );
  }
  const before = TEST_CALC;
  const after = before.replace('def test_add_negative():', '@pytest.mark.skip\ndef test_add_negative():');
  const edit = {
    id: 'edit_0',
    name: 'replace',
    args: {
      file_path: join(dir, 'tests', 'test_calc.py'),
      old_string: 'def test_add_negative():',
      new_string: '@pytest.mark.skip\ndef test_add_negative():',
    },
    status: 'success',
    timestamp: '2026-11-23T07:05:30.000Z',
    result: [
      { functionResponse: { id: 'edit_0', name: 'replace', response: { output: 'Successfully modified file.' } } },
    ],
    resultDisplay: { fileName: 'test_calc.py', originalContent: before, newContent: after, fileDiff: '' },
  };
  lines.push(
    JSON.stringify({
      id: 'g9',
      timestamp: '2026-11-23T07:05:30.000Z',
      type: 'gemini',
      content: 'Skipping the flaky test.',
      toolCalls: [edit],
    }),
  );
  const file = join(dir, 'session-2026-11-23T07-00-4c7d2a10.jsonl');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

/** A Cline task history (ui_messages.json) with `failing` failing pytest runs, in VS Code's `User` folder `vscodeUser`. */
export function clineTask(vscodeUser: string, taskId: string, dir: string, failing: number): string {
  const start = Date.parse('2026-11-24T08:00:00.000Z');
  const messages: object[] = [
    { ts: start, type: 'say', say: 'task', text: 'Make the tests pass.' },
    {
      ts: start + 1000,
      type: 'say',
      say: 'api_req_started',
      text: JSON.stringify({
        request: `<task>\nMake the tests pass.\n</task>\n# Current Working Directory (${dir}) Files\ntests/`,
      }),
    },
  ];
  for (let i = 0; i < failing; i++) {
    const ts = start + (i + 1) * 60_000;
    messages.push({ ts, type: 'say', say: 'command', text: 'python -m pytest tests' });
    messages.push({ ts: ts + 5000, type: 'say', say: 'command_output', text: `${PYTEST_FAIL}\nExit code: 1` });
  }
  const folder = join(vscodeUser, 'globalStorage', 'saoudrizwan.claude-dev', 'tasks', taskId);
  mkdirSync(folder, { recursive: true });
  const file = join(folder, 'ui_messages.json');
  writeFileSync(file, JSON.stringify(messages));
  return file;
}

/**
 * A Copilot agent-mode transcript (VS Code's `GitHub.copilot-chat/transcripts/<session>.jsonl`)
 * with `failing` failing pytest runs through run_in_terminal, one minute apart from 11:00.
 */
export function copilotTranscript(dir: string, failing: number): string {
  const sessionId = 'b3f1a7c2-5d84-4e0b-9a61-7c2e8d4f1a30';
  const entries: { type: string; data: object; timestamp: string }[] = [
    {
      type: 'session.start',
      timestamp: '2026-11-25T11:00:00.000Z',
      data: {
        sessionId,
        version: 1,
        producer: 'copilot-agent',
        copilotVersion: '0.42.0',
        vscodeVersion: '1.113.0',
        startTime: '2026-11-25T11:00:00.000Z',
        context: { cwd: dir },
      },
    },
    {
      type: 'user.message',
      timestamp: '2026-11-25T11:00:00.000Z',
      data: { content: 'Make the tests pass.', attachments: [] },
    },
  ];
  for (let i = 0; i < failing; i++) {
    const ts = (s: number) => `2026-11-25T11:0${i + 1}:0${s}.000Z`;
    const toolCallId = `call_run_${i}`;
    const args = { command: 'python -m pytest tests', explanation: 'Run the tests', isBackground: false };
    entries.push(
      { type: 'assistant.turn_start', timestamp: ts(0), data: { turnId: `${i}` } },
      {
        type: 'assistant.message',
        timestamp: ts(0),
        data: {
          messageId: `m${i}`,
          content: 'Running the tests.',
          toolRequests: [{ toolCallId, name: 'run_in_terminal', arguments: JSON.stringify(args), type: 'function' }],
        },
      },
      {
        type: 'tool.execution_start',
        timestamp: ts(1),
        data: { toolCallId, toolName: 'run_in_terminal', arguments: args },
      },
      {
        type: 'tool.execution_complete',
        timestamp: ts(5),
        data: { toolCallId, success: true, result: { content: `${PYTEST_FAIL}\nCommand exited with code 1` } },
      },
      { type: 'assistant.turn_end', timestamp: ts(5), data: { turnId: `${i}` } },
    );
  }
  let parentId: string | null = null;
  const lines = entries.map((e, n) => {
    const line = JSON.stringify({ ...e, id: `e${n}`, parentId });
    parentId = `e${n}`;
    return line;
  });
  mkdirSync(join(dir, 'transcripts'), { recursive: true });
  const file = join(dir, 'transcripts', `${sessionId}.jsonl`);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}
