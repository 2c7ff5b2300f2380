// The served model's steering control: the user's setting (`agentVitals.serve.steering` and
// `…steeringAlpha`, application scope so no workspace can steer the model), written to the control
// file `agent-vitals serve --http` reads at the start of every reply. The sidebar's control changes
// the setting; the setting is the one truth. At start the file is written only when the user has
// set steering, so an endpoint started with `--steer` keeps it until the setting is changed.
import * as vscode from 'vscode';
import { DEFAULT_STEERING, steeringSetting, type SteeringSetting } from '../contracts/steering';
import { writeSteeringControl } from '../serve/steering-control';
import { defaultLocations } from '../watchers/locations';
import { CONFIG_SECTION } from './config';

const EMOTION_KEY = 'serve.steering';
const ALPHA_KEY = 'serve.steeringAlpha';

/** The setting as the user (global) value gives it; a value out of range is refused, reported and read as off. */
export function readSteering(): { setting: SteeringSetting; problem?: string } {
  const config = vscode.workspace.getConfiguration(CONFIG_SECTION);
  const emotion = config.inspect(EMOTION_KEY)?.globalValue ?? DEFAULT_STEERING.emotion;
  const alpha = config.inspect(ALPHA_KEY)?.globalValue ?? DEFAULT_STEERING.alpha;
  const setting = steeringSetting(emotion, alpha);
  if (setting) return { setting };
  return {
    setting: DEFAULT_STEERING,
    problem: `agentVitals.serve.steering ${JSON.stringify(emotion)} at α ${JSON.stringify(alpha)} is refused (off, calm or desperate, α in (0, 0.2]): steering is off`,
  };
}

function userHasSet(): boolean {
  const config = vscode.workspace.getConfiguration(CONFIG_SECTION);
  return config.inspect(EMOTION_KEY)?.globalValue !== undefined || config.inspect(ALPHA_KEY)?.globalValue !== undefined;
}

/** Sets the steering the served model writes its next replies with (the sidebar's control). */
export async function setSteering(setting: SteeringSetting): Promise<void> {
  const config = vscode.workspace.getConfiguration(CONFIG_SECTION);
  await config.update(ALPHA_KEY, setting.alpha, vscode.ConfigurationTarget.Global);
  await config.update(EMOTION_KEY, setting.emotion, vscode.ConfigurationTarget.Global);
}

/** Keeps the control file equal to the setting and tells `show` what the sidebar's control shows. */
export function startSteeringControl(
  log: Pick<vscode.LogOutputChannel, 'info' | 'warn'>,
  show: (setting: SteeringSetting) => void,
  folder = defaultLocations().serveFolder!,
): vscode.Disposable {
  const apply = (write: boolean): void => {
    const { setting, problem } = readSteering();
    if (problem) log.warn(problem);
    show(setting);
    if (!write) return;
    try {
      writeSteeringControl(folder, setting.emotion === 'off' ? null : setting);
      log.info(`served model steering: ${setting.emotion === 'off' ? 'off' : `${setting.emotion} +${setting.alpha}`}`);
    } catch (err) {
      log.warn(
        `could not write the steering control in ${folder}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  };
  apply(userHasSet());
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration(`${CONFIG_SECTION}.serve`)) apply(true);
  });
}
