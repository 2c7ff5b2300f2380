// The severity thresholds as user settings (`agentVitals.tamper.*`), read through any getter so
// the extension passes its configuration and the CLI passes nothing.
import { DEFAULT_SEVERITY_SETTINGS, type SeveritySettings } from './severity';

export const SEVERITY_SETTING_KEYS: Record<keyof SeveritySettings, string> = {
  warningScore: 'agentVitals.tamper.warningScore',
  criticalScore: 'agentVitals.tamper.criticalScore',
  streak: 'agentVitals.tamper.failingStreak',
  longStreak: 'agentVitals.tamper.longFailingStreak',
  sameTestRuns: 'agentVitals.tamper.sameTestFailingRuns',
  sameFileEdits: 'agentVitals.tamper.sameFileEdits',
  minutesSinceGreen: 'agentVitals.tamper.minutesSinceGreen',
  maxPressure: 'agentVitals.tamper.maxBehaviouralPressure',
  desperationZ: 'agentVitals.tamper.desperationZ',
  highDesperationZ: 'agentVitals.tamper.highDesperationZ',
  risingSlope: 'agentVitals.tamper.risingSlope',
};

/** Unset or invalid values fall back to the defaults; each invalid one is named in `problems`. */
export function readSeveritySettings(get: (key: string) => unknown): {
  settings: SeveritySettings;
  problems: string[];
} {
  const settings: SeveritySettings = { ...DEFAULT_SEVERITY_SETTINGS };
  const problems: string[] = [];
  for (const [field, key] of Object.entries(SEVERITY_SETTING_KEYS) as [keyof SeveritySettings, string][]) {
    const value = get(key);
    if (value === undefined || value === null) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      problems.push(
        `${key} must be a number ≥ 0 (got ${JSON.stringify(value)}); using ${DEFAULT_SEVERITY_SETTINGS[field]}.`,
      );
      continue;
    }
    settings[field] = value;
  }
  const pairs: [keyof SeveritySettings, keyof SeveritySettings][] = [
    ['warningScore', 'criticalScore'],
    ['streak', 'longStreak'],
    ['desperationZ', 'highDesperationZ'],
  ];
  for (const [low, high] of pairs) {
    if (settings[high] < settings[low]) {
      problems.push(
        `${SEVERITY_SETTING_KEYS[high]} (${settings[high]}) is below ${SEVERITY_SETTING_KEYS[low]} (${settings[low]}); using the defaults for both.`,
      );
      settings[low] = DEFAULT_SEVERITY_SETTINGS[low];
      settings[high] = DEFAULT_SEVERITY_SETTINGS[high];
    }
  }
  return { settings, problems };
}
