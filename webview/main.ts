// Sidebar webview entry (browser bundle). Restores the last state at once (the view may have
// been hidden and rebuilt), tells the host it is ready, then renders every state it receives.
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import { showParts } from './dom';
import { timeOf } from './time';
import { renderFlags } from './flags-list';
import { renderGauge } from './gauge';
import { renderPressure } from './pressure';
import type { AgentSource } from '../src/core/events';
import type { SidebarHostMessage, SidebarState, SidebarViewMessage } from '../src/contracts/sidebar-protocol';
import { renderReadingsSource, renderSteeringControl } from './served-model';
import { renderSessionPicker } from './session-picker';
import { renderNoAgent, renderScoring } from './states';
import { renderTimeline } from './timeline';
import { renderTurnView } from './turn-view';

interface VsCodeApi {
  postMessage(message: SidebarViewMessage): void;
  getState(): SidebarState | undefined;
  setState(state: SidebarState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const app = document.getElementById('app')!;
const send = (m: SidebarViewMessage) => vscode.postMessage(m);

function render(state: SidebarState): void {
  const run = (command: Extract<SidebarViewMessage, { type: 'command' }>['command']) =>
    send({ type: 'command', command });
  // The host names every agent it watches: the panel shows those names, never its own.
  const labelOf = (source: AgentSource): string => state.watching.find((w) => w.source === source)?.label ?? source;
  const parts: (HTMLElement | null)[] = [];
  if (state.sessions.length > 0) {
    parts.push(
      renderSessionPicker(state.sessions, labelOf, state.followLatest, state.session?.summary.key ?? null, (key) =>
        send({ type: 'follow', sessionKey: key }),
      ),
    );
  }
  parts.push(renderScoring(state.scoring, run, () => send({ type: 'cancel-calibration' })));
  const session = state.session;
  if (!session) {
    parts.push(renderNoAgent(state.watching, run));
  } else {
    const sum = session.summary;
    const caption = `${labelOf(sum.source)} · ${sum.turns} turns · ${sum.live ? 'live' : `ended ${timeOf(sum.lastEventAt)}`}`;
    const lastRun = session.testRuns[session.testRuns.length - 1];
    const desperationByTurn = session.turns.flatMap((t) => (t.emotions?.desperate ? [t.emotions.desperate.mean] : []));
    parts.push(
      renderGauge(session.reading, caption, {
        reader: state.reader,
        desperationByTurn,
        modelReady: state.scoring.kind === 'ready',
        runReportCard: () => run('agentVitals.runReportCard'),
      }),
    );
    parts.push(renderReadingsSource(session.readings));
    if (session.readings.kind === 'own')
      parts.push(renderSteeringControl(state.steering, (steering) => send({ type: 'steering', steering })));
    parts.push(renderPressure(session.pressure, lastRun !== undefined && lastRun.failed > 0));
    // Flags before the timeline: their actions are in view without scrolling.
    parts.push(
      renderFlags(state.flags, state.reader.valid, Date.now(), (flagId, action) =>
        send({ type: 'flag-action', flagId, action }),
      ),
    );
    parts.push(
      renderTimeline(session, state.flags, state.selectedTurn?.turnId ?? null, state.reader.valid, (turnId) =>
        send({ type: 'select-turn', turnId }),
      ),
    );
    if (state.selectedTurn) {
      parts.push(
        renderTurnView(state.selectedTurn, state.emotionsShown, state.heatEmotion, (emotion) =>
          send({ type: 'heat-emotion', emotion }),
        ),
      );
    }
  }
  showParts(
    app,
    parts.filter((p): p is HTMLElement => p !== null),
  );
  document.body.dataset.ready = 'true';
}

window.addEventListener('message', (event: MessageEvent<SidebarHostMessage>) => {
  const message = event.data;
  if (message?.type !== 'state') return;
  vscode.setState(message.state);
  render(message.state);
});

const saved = vscode.getState();
if (saved) render(saved);
send({ type: 'ready' });
