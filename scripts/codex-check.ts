// Checks `/v1/responses` against a real Codex CLI binary (not a dependency: install it anywhere,
// e.g. `npm install --prefix /tmp/codex @openai/codex`). The endpoint serves a model with the
// demo model's tokenizer whose replies are scripted per request: first a call to the command tool
// Codex offers, then, once the command's output comes back as a function_call_output, a final
// message. Codex must run the command, send its output back and print the final message.
//
//   node --import tsx scripts/codex-check.ts <path to the codex binary>
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChatMessage } from '../src/contracts/rpc-methods';
import { resolveModel } from '../src/model-store/model-store';
import { LoadedModel } from '../src/model/loaded-model';
import { DEFAULT_LIMITS } from '../src/serve/chat-request';
import { createEndpoint } from '../src/serve/http-server';
import { LocalReplyModel, type Generation, type ReplyModel } from '../src/serve/reply-model';
import { SelfTranscript, type TurnRecord } from '../src/serve/self-transcript';

const codex = process.argv[2];
const MARK = 'hello-from-agent-vitals';
const FINAL = `The command printed ${MARK}.`;

/** Arguments of one `echo` for the command tools Codex has offered in its versions. */
const COMMAND_TOOLS: Record<string, object> = {
  exec_command: { cmd: `echo ${MARK}` },
  shell_command: { command: `echo ${MARK}` },
  shell: { command: ['echo', MARK] },
};

async function main(): Promise<number> {
  if (!codex) throw new Error('usage: scripts/codex-check.ts <path to the codex binary>');
  const root = mkdtempSync(join(tmpdir(), 'av-codex-check-'));
  const cacheDir = join(root, 'cache');
  const resolved = await resolveModel('fixture:emotion-tiny', { dtype: 'fp32', cacheDir, offline: true });
  const loaded = await LoadedModel.open('fixture:emotion-tiny', resolved, { cacheDir });
  const base = new LocalReplyModel(loaded);
  let script = '';
  const model: ReplyModel = {
    id: 'scripted',
    contextLimit: 1 << 20,
    promptIds(messages: ChatMessage[], tools: readonly object[]) {
      const names = tools.map((t) => (t as { function: { name: string } }).function.name);
      const tool = names.find((name) => name in COMMAND_TOOLS);
      if (!tool) throw new Error(`Codex offered no known command tool (${names.join(', ')})`);
      const answered = messages.some((m) => m.content.includes('<tool_response>') && m.content.includes(MARK));
      script = answered
        ? FINAL
        : `<tool_call>\n${JSON.stringify({ name: tool, arguments: COMMAND_TOOLS[tool] })}\n</tool_call>`;
      return base.promptIds(messages, tools);
    },
    decode: (ids) => base.decode(ids),
    pieces: (ids) => base.pieces(ids),
    async generate(_prompt, _options, onToken): Promise<Generation> {
      const ids: number[] = [];
      for (const id of loaded.tokenizer.encode(script)) {
        ids.push(id);
        if (!onToken(id)) break;
      }
      return { ids, finish: 'stop', cachedTokens: 0, steering: null, selfReading: null, promptReading: null };
    },
  };
  const transcriptPath = join(root, 'self.jsonl');
  const server = createEndpoint(model, {
    key: 'codex-check-key',
    limits: DEFAULT_LIMITS,
    transcript: new SelfTranscript(transcriptPath, model.id),
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const home = join(root, 'codex-home');
  const work = join(root, 'work');
  mkdirSync(home);
  mkdirSync(work);
  writeFileSync(
    join(home, 'config.toml'),
    [
      'model = "scripted"',
      'model_provider = "agent-vitals"',
      '',
      '[model_providers.agent-vitals]',
      'name = "Agent Vitals"',
      `base_url = "http://127.0.0.1:${(server.address() as AddressInfo).port}/v1"`,
      'env_key = "AGENT_VITALS_API_KEY"',
      'wire_api = "responses"',
      '',
    ].join('\n'),
  );
  try {
    // Codex runs beside the endpoint, which answers it from this process's event loop.
    const run = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(
        codex,
        ['exec', '--skip-git-repo-check', '--sandbox', 'workspace-write', `Print ${MARK} with echo.`],
        {
          cwd: work,
          env: { ...process.env, CODEX_HOME: home, AGENT_VITALS_API_KEY: 'codex-check-key' },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });
    const turns = readFileSync(transcriptPath, 'utf8')
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((line) => JSON.parse(line) as TurnRecord);
    const checks: [string, boolean][] = [
      ['codex exited 0', run.status === 0],
      ['two turns: the call, then the final message', turns.length === 2],
      ['the first turn called the command tool', turns[0]?.toolCalls.length === 1],
      ["the command's output came back to the model", turns[1]?.input?.content.includes(MARK) === true],
      ['codex printed the final message', run.stdout.includes(FINAL)],
    ];
    for (const [name, ok] of checks) process.stdout.write(`${ok ? 'ok  ' : 'FAIL'} ${name}\n`);
    if (checks.some(([, ok]) => !ok)) {
      process.stdout.write(`\n--- codex stdout\n${run.stdout}\n--- codex stderr\n${run.stderr}\n`);
      return 1;
    }
    return 0;
  } finally {
    server.close();
    base.release();
    await loaded.release();
    rmSync(root, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`codex check failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
