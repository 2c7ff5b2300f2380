// Whether watching starts as soon as the extension activates, or waits for the panel or a
// command. Activation itself is cheap either way: watchers only read files, and the model
// sidecar starts later, when an agent turn needs scoring.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { IN_WORKSPACE_TRANSCRIPTS } from './agents/registry';
import type { WatcherSettings } from './settings';

/** Why watching starts at activation, or null when it waits. */
export function watchReasonAtActivation(
  settings: Pick<WatcherSettings, 'watchOnStartup' | 'transcriptSources'>,
  workspaceFolders: readonly string[],
  exists: (path: string) => boolean = existsSync,
): string | null {
  if (settings.watchOnStartup) return 'on startup';
  for (const source of settings.transcriptSources) {
    const file = IN_WORKSPACE_TRANSCRIPTS[source];
    if (file && workspaceFolders.some((folder) => exists(join(folder, file)))) return `${file} is in the workspace`;
  }
  return null;
}
