// Execution providers: what onnxruntime-node 1.30 ships per platform decides which can be tried;
// the others are refused with a reason before onnxruntime is asked, and the CPU path is unchanged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listSupportedBackends } from 'onnxruntime-node';
import {
  providerProblem,
  ExecutionProviderUnavailableError,
  type ProviderPlatform,
} from '../../../src/engine/execution-provider';
import { ResidualProbe } from '../../../src/engine';
import { EXECUTION_PROVIDERS } from '../../../src/contracts/execution-provider';
import { toSidecarError } from '../../../src/sidecar/error-mapping';
import { runAgentVitalsInProcess } from '../../support/cli';

// The lists onnxruntime-node's binding reports: linux-x64 as read on this machine, the others as
// its binaries for those platforms are built (DirectML into Windows', CoreML into macOS').
const linuxX64 = (libraries: string[]): ProviderPlatform => ({
  target: 'linux-x64',
  backends: [
    { name: 'cpu', bundled: true },
    { name: 'webgpu', bundled: true },
    { name: 'cuda', bundled: false },
    { name: 'tensorrt', bundled: false },
  ],
  hasLibrary: (file) => libraries.includes(file),
});
const win32: ProviderPlatform = {
  target: 'win32-x64',
  backends: [
    { name: 'cpu', bundled: true },
    { name: 'dml', bundled: true },
    { name: 'webgpu', bundled: true },
  ],
  hasLibrary: () => false,
};
const darwin: ProviderPlatform = {
  target: 'darwin-arm64',
  backends: [
    { name: 'cpu', bundled: true },
    { name: 'coreml', bundled: true },
    { name: 'webgpu', bundled: true },
  ],
  hasLibrary: () => false,
};

test('each platform offers the providers onnxruntime-node ships there, and the CPU everywhere', () => {
  for (const platform of [linuxX64([]), win32, darwin]) assert.equal(providerProblem('cpu', platform), undefined);
  assert.equal(providerProblem('dml', win32), undefined);
  assert.equal(providerProblem('coreml', darwin), undefined);
  assert.equal(
    providerProblem('cuda', linuxX64(['libonnxruntime_providers_shared.so', 'libonnxruntime_providers_cuda.so'])),
    undefined,
  );
});

test('a provider not built for the platform is refused, naming where it ships', () => {
  assert.match(
    providerProblem('dml', linuxX64([]))!,
    /DirectML execution provider is not part of onnxruntime-node on linux-x64.*DirectML on Windows.*--ep cpu/,
  );
  assert.match(
    providerProblem('coreml', win32)!,
    /CoreML execution provider is not part of onnxruntime-node on win32-x64/,
  );
  assert.match(
    providerProblem('cuda', darwin)!,
    /CUDA execution provider is not part of onnxruntime-node on darwin-arm64.*CUDA on Linux x64/,
  );
});

test('CUDA on Linux x64 without its provider libraries says which are missing and how to install them', () => {
  const problem = providerProblem('cuda', linuxX64(['libonnxruntime_providers_shared.so']))!;
  assert.match(
    problem,
    /CUDA execution provider's libraries are not installed \(libonnxruntime_providers_cuda\.so missing/,
  );
  assert.match(problem, /--onnxruntime-node-install=cuda12.*--ep cpu/);
});

test(
  "this machine's onnxruntime-node reports the backends the platform table assumes",
  { skip: `${process.platform}-${process.arch}` !== 'linux-x64' },
  () => {
    assert.deepEqual(
      listSupportedBackends().map((b) => [b.name, b.bundled]),
      linuxX64([]).backends.map((b) => [b.name, b.bundled]),
    );
  },
);

const graphs = mkdtempSync(join(tmpdir(), 'av-ep-'));
const onnx = join(__dirname, '../../fixtures/models/tiny-qwen2/onnx/model.onnx');

test(
  'opening a model on an unavailable provider fails with the reason, before onnxruntime loads anything',
  { skip: process.platform !== 'linux' },
  async () => {
    await assert.rejects(
      ResidualProbe.load(onnx, { layers: [1], cacheDir: graphs, executionProvider: 'dml' }),
      (e: unknown) =>
        e instanceof ExecutionProviderUnavailableError &&
        /DirectML execution provider is not part of onnxruntime-node/.test(e.message),
    );
    // Through the sidecar the user's setting is what to change: a parameter error, message kept.
    const mapped = toSidecarError(
      new ExecutionProviderUnavailableError(
        'The DirectML execution provider is not part of onnxruntime-node on linux-x64.',
      ),
    );
    assert.equal(mapped.kind, 'invalid-params');
    assert.match(mapped.message, /DirectML/);
  },
);

test('the CLI runs on the CPU by default and with --ep cpu alike, and refuses unknown or unavailable providers', async () => {
  const probe = (extra: string[]) =>
    runAgentVitalsInProcess([
      'probe',
      '--model',
      'fixture:tiny-qwen2',
      '--cache-dir',
      graphs,
      '--text',
      'calm down',
      '--layers',
      '1',
      '--json',
      ...extra,
    ]);
  const byDefault = await probe([]);
  const cpu = await probe(['--ep', 'cpu']);
  assert.equal(byDefault.code, 0, byDefault.err);
  assert.equal(cpu.code, 0, cpu.err);
  assert.deepEqual(JSON.parse(cpu.out), JSON.parse(byDefault.out));
  const unknown = await probe(['--ep', 'tpu']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.err, /unknown --ep 'tpu' \(cpu, cuda, dml, coreml\)/);
  if (process.platform === 'linux') {
    const coreml = await probe(['--ep', 'coreml']);
    assert.equal(coreml.code, 1);
    assert.match(coreml.err, /CoreML execution provider is not part of onnxruntime-node on linux/);
  }
});

test('the setting offers exactly the providers the CLI and the sidecar accept, CPU by default', () => {
  const manifest = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as {
    contributes: { configuration: { properties: Record<string, { enum?: string[]; default?: string }> }[] };
  };
  const setting = manifest.contributes.configuration
    .map((c) => c.properties['agentVitals.model.executionProvider'])
    .find(Boolean)!;
  assert.deepEqual(setting.enum, [...EXECUTION_PROVIDERS]);
  assert.equal(setting.default, 'cpu');
});
