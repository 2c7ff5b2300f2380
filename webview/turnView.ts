// The selected turn: its text with a per-token heat map for one emotion, and the other
// emotions' mean/max. Unscored turns show their text plainly and say why.
import type { SelectedTurn } from '../src/contracts/sidebar-protocol';
import { h } from './dom';

/** Tokens at or above this z-score are fully saturated. */
const HEAT_FULL = 3;

export function renderTurnView(
  turn: SelectedTurn,
  emotionsShown: string[],
  heatEmotion: string,
  onEmotion: (emotion: string) => void,
): HTMLElement {
  const select = h('vscode-single-select', { 'aria-label': 'Heat map emotion', class: 'heat-select' });
  for (const e of emotionsShown) select.append(h('vscode-option', { value: e, selected: e === heatEmotion }, e));
  select.addEventListener('change', () => onEmotion((select as HTMLElement & { value: string }).value));

  const body = h('div', { class: 'turn-text', 'data-testid': 'turn-text' });
  if (turn.tokens) {
    for (const tok of turn.tokens) {
      const z = tok.z[heatEmotion] ?? 0;
      const strength = Math.max(0, Math.min(1, z / HEAT_FULL));
      const span = h('span', { class: 'tok', title: `${heatEmotion} ${z.toFixed(2)}σ` }, tok.text);
      span.style.setProperty('--heat', strength.toFixed(2));
      body.append(span);
    }
  } else {
    body.append(turn.text);
  }
  const summaries = turn.emotions
    ? h(
        'table',
        { class: 'emotions' },
        h('tr', {}, h('th', {}, 'emotion'), h('th', {}, 'mean'), h('th', {}, 'max')),
        ...emotionsShown
          .filter((e) => turn.emotions![e])
          .map((e) => h('tr', {}, h('td', {}, e), h('td', {}, `${turn.emotions![e]!.mean.toFixed(2)}σ`), h('td', {}, `${turn.emotions![e]!.max.toFixed(2)}σ`))),
      )
    : h('p', { class: 'muted' }, 'This turn has not been scored.');
  return h(
    'section',
    { class: 'turn-block', 'data-testid': 'turn-view' },
    h('div', { class: 'row' }, h('h3', {}, 'Turn'), turn.tokens ? h('label', { class: 'heat-label muted' }, 'heat map', select) : null),
    body,
    summaries,
  );
}
