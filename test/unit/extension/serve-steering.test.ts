// The steering setting as the extension reads it: only the user's own (global) value counts, so
// no workspace can steer the served model, and a value outside the safe range is refused as off.
import '../../support/vscode-stub';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stubWorkspace } from '../../support/vscode-stub';
import { readSteering } from '../../../src/extension/serve-steering';

type Layers = { globalValue?: unknown; workspaceValue?: unknown };

function withSettings(settings: Record<string, Layers>, run: () => void): void {
  const before = stubWorkspace.getConfiguration;
  stubWorkspace.getConfiguration = (section: string) => ({
    inspect: (key: string) => settings[`${section}.${key}`],
  });
  try {
    run();
  } finally {
    stubWorkspace.getConfiguration = before;
  }
}

test("the user's steering is read; a workspace's is ignored", () => {
  withSettings(
    {
      'agentVitals.serve.steering': { globalValue: 'calm' },
      'agentVitals.serve.steeringAlpha': { globalValue: 0.05 },
    },
    () => assert.deepEqual(readSteering(), { setting: { emotion: 'calm', alpha: 0.05 } }),
  );
  withSettings(
    {
      'agentVitals.serve.steering': { workspaceValue: 'desperate' },
      'agentVitals.serve.steeringAlpha': { workspaceValue: 0.2 },
    },
    () => assert.deepEqual(readSteering(), { setting: { emotion: 'off', alpha: 0.1 } }),
  );
});

test('an α outside (0, 0.2] or an unknown emotion is refused, reported, and read as off', () => {
  for (const [emotion, alpha] of [
    ['calm', 0.5],
    ['calm', -0.1],
    ['joy', 0.1],
  ] as const)
    withSettings(
      {
        'agentVitals.serve.steering': { globalValue: emotion },
        'agentVitals.serve.steeringAlpha': { globalValue: alpha },
      },
      () => {
        const { setting, problem } = readSteering();
        assert.equal(setting.emotion, 'off');
        assert.match(problem ?? '', /refused/);
      },
    );
});
