// Panels that explain where things stand: what is watched when no agent is found, and where
// scoring is (no model, downloading, calibrating, failed, ready).
import type { ScoringStatus, SidebarCommand, WatchInfo } from '../src/contracts/sidebar-protocol';
import { button, h, icon, plain } from './dom';

type Run = (command: SidebarCommand) => void;

export function renderNoAgent(watching: WatchInfo[], run: Run): HTMLElement {
  const list = h('ul', { class: 'watching' });
  for (const w of watching) {
    const where = w.enabled ? plain(w.location) : 'off in settings';
    list.append(
      h(
        'li',
        { class: w.enabled ? '' : 'muted' },
        icon(w.enabled ? 'eye' : 'eye-closed'),
        h('span', {}, h('strong', {}, w.label), ` — ${where}`),
      ),
    );
  }
  return h(
    'section',
    { class: 'empty', 'data-testid': 'no-agent' },
    h('h3', {}, icon('search'), ' No agent session detected'),
    h(
      'p',
      {},
      'Start a coding agent in this workspace and its turns appear here. What is watched (enable more under Settings → Agent Vitals: Watchers):',
    ),
    list,
    h(
      'div',
      { class: 'actions' },
      button('Replay Transcript…', 'debug-rerun', () => run('agentVitals.replayTranscript')),
      button('Settings', 'settings-gear', () => run('workbench.action.openSettings'), true),
    ),
  );
}

export function renderScoring(status: ScoringStatus, run: Run, cancelCalibration: () => void): HTMLElement {
  const block = (kind: string, ...children: (Node | string | null)[]) =>
    h('section', { class: `scoring ${kind}`, 'data-testid': 'scoring', 'data-state': status.kind }, ...children);
  switch (status.kind) {
    case 'unavailable':
      return block('notice', icon('info'), ` ${status.reason}`);
    case 'no-model':
      return block(
        'notice',
        h(
          'p',
          {},
          icon('cloud-download'),
          ` No model yet: ${status.modelId}${status.sizeLabel ? ` (${status.sizeLabel})` : ''} is needed to score turns.`,
        ),
        h(
          'div',
          { class: 'actions' },
          button('Download Model', 'cloud-download', () => run('agentVitals.downloadModel')),
          button('Select Model…', 'settings', () => run('agentVitals.selectModel'), true),
        ),
      );
    case 'downloading': {
      const pct = status.total ? Math.round((100 * status.received) / status.total) : null;
      return block(
        'progress',
        h(
          'p',
          {},
          `Downloading ${status.modelId}: ${mb(status.received)}${status.total ? ` of ${mb(status.total)}` : ''}`,
        ),
        h('vscode-progress-bar', pct === null ? { indeterminate: true } : { value: pct, max: 100 }),
      );
    }
    case 'uncalibrated':
      return block(
        'notice',
        h(
          'p',
          {},
          icon('beaker'),
          ` ${status.modelId} is here, but its emotion vectors are not calibrated yet. Calibration reads the story corpus through the model once, on this machine (minutes).`,
        ),
        h(
          'div',
          { class: 'actions' },
          button('Calibrate', 'beaker', () => run('agentVitals.calibrate')),
          button('Select Model…', 'settings', () => run('agentVitals.selectModel'), true),
        ),
      );
    case 'calibrating':
      return block(
        'progress',
        h(
          'p',
          {},
          `Calibrating emotion vectors for ${status.modelId}: ${status.phase === 'neutral' ? 'neutral dialogues' : status.phase === 'vectors' ? 'layers' : 'stories'} ${status.done} of ${status.total}`,
        ),
        h('vscode-progress-bar', { value: status.done, max: status.total }),
        h('div', { class: 'actions' }, button('Cancel', 'close', cancelCalibration, true)),
      );
    case 'starting':
      return block(
        'progress',
        h('p', {}, `Starting the model sidecar for ${status.modelId}…`),
        h('vscode-progress-bar', { indeterminate: true }),
      );
    case 'failed':
      return block(
        'error',
        h('p', {}, icon('error'), ` Sidecar failed: ${status.reason}`),
        h(
          'div',
          { class: 'actions' },
          button('Retry', 'debug-restart', () => run('agentVitals.restartSidecar')),
          button('Open Log', 'output', () => run('agentVitals.openLog'), true),
        ),
      );
    case 'ready':
      return block(
        'ready',
        h('span', { class: 'muted' }, `${status.modelId} · layer ${status.layer}`),
        status.demo ? h('vscode-badge', {}, 'demo model') : null,
      );
  }
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MB`;
}
