// Experiment panel entry (browser bundle): says ready, receives its experiment and parameters,
// and renders the form, progress and result from state.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { h, icon } from './dom';
import { buildForm, type Form } from './forms';
import type {
  ExperimentPanelHostMessage,
  ExperimentPanelViewMessage,
  PanelInit,
} from '../../src/contracts/experiment-panel-protocol';
import type { ExperimentResult, ReplayEntry } from '../../src/contracts/experiments';
import { renderResult, replayTimeline } from './views';

interface VsCodeApi {
  postMessage(message: ExperimentPanelViewMessage): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const app = document.getElementById('app')!;
const send = (m: ExperimentPanelViewMessage) => vscode.postMessage(m);

interface PanelState {
  init?: PanelInit;
  form?: Form;
  running: boolean;
  progress?: { done: number; total: number; message: string };
  /** Timeline entries streamed by a replay while it runs. */
  partial: ReplayEntry[];
  result?: ExperimentResult;
  error?: string;
  cancelled: boolean;
}

const state: PanelState = { running: false, partial: [], cancelled: false };

const ABOUT =
  'A small local model reads the text; the numbers are the emotion concepts that model represents there — not what the agent, or any model, feels.';

function statusLine(): HTMLElement | null {
  if (state.running) {
    const p = state.progress;
    const bar = h(
      'vscode-progress-bar',
      p && p.total > 0 ? { value: String(p.done), max: String(p.total) } : { indeterminate: true },
    );
    return h(
      'div',
      { class: 'status' },
      bar,
      h('span', { class: 'muted' }, p ? `${p.message} (${p.done}/${p.total})` : 'Starting…'),
    );
  }
  if (state.error) return h('div', { class: 'status error' }, icon('error'), ` ${state.error}`);
  if (state.cancelled) return h('div', { class: 'status muted' }, icon('circle-slash'), ' Cancelled.');
  return null;
}

function render(): void {
  const init = state.init;
  if (!init) return;
  const run = h(
    'vscode-button',
    { onclick: () => send({ type: 'run', request: state.form!.read() }), disabled: state.running },
    icon('play'),
    ' Run',
  );
  const cancel = h(
    'vscode-button',
    { secondary: true, onclick: () => send({ type: 'cancel' }), disabled: !state.running },
    icon('stop'),
    ' Cancel',
  );
  const live =
    state.running && init.request.name === 'replay' && state.partial.length
      ? replayTimeline(state.partial, emotionsOfPartial())
      : null;
  app.replaceChildren(
    h('header', {}, h('h2', {}, init.title), h('p', { class: 'about' }, icon('info'), ` ${ABOUT}`)),
    state.form!.element,
    h('div', { class: 'actions' }, run, cancel),
    statusLine() ?? '',
    live ?? '',
    state.result ? renderResult(state.result, { exportReplay: (format) => send({ type: 'export', format }) }) : '',
  );
  document.body.dataset.state = state.running ? 'running' : state.result ? 'result' : state.error ? 'error' : 'idle';
}

function emotionsOfPartial(): string[] {
  const turn = state.partial.find((e) => e.kind === 'turn' && e.summary);
  return turn && turn.kind === 'turn' && turn.summary ? Object.keys(turn.summary) : [];
}

window.addEventListener('message', (event: MessageEvent<ExperimentPanelHostMessage>) => {
  const m = event.data;
  switch (m.type) {
    case 'init':
      state.init = m.init;
      state.form = buildForm(m.init.request);
      break;
    case 'started':
      Object.assign(state, {
        running: true,
        progress: undefined,
        partial: [],
        result: undefined,
        error: undefined,
        cancelled: false,
      });
      break;
    case 'progress':
      state.progress = { done: m.done, total: m.total, message: m.message };
      if (m.partial) state.partial.push(m.partial as ReplayEntry);
      break;
    case 'result':
      Object.assign(state, { running: false, result: m.result });
      break;
    case 'error':
      Object.assign(state, { running: false, error: m.message });
      break;
    case 'cancelled':
      Object.assign(state, { running: false, cancelled: true });
      break;
  }
  render();
});

send({ type: 'ready' });
