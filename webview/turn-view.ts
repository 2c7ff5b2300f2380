// The selected turn: its text with a heat map for one emotion, word by word (each word's
// tokens and their values on hover), and the other emotions' mean/max. Unscored turns show
// their text plainly and say why.
import type { SelectedTurn } from '../src/contracts/sidebar-protocol';
import { h } from './dom';
import { heatWords, wordHeat } from './heat-words';
import { steeringWords } from './served-model';

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
    for (const word of heatWords(turn.tokens)) {
      const z = wordHeat(word, heatEmotion);
      const strength = Math.max(0, Math.min(1, z / HEAT_FULL));
      const detail = word.tokens
        .map((t) => `${JSON.stringify(t.text)} ${(t.z[heatEmotion] ?? 0).toFixed(2)}σ`)
        .join('\n');
      const title =
        word.tokens.length === 1
          ? `${heatEmotion} ${z.toFixed(2)}σ`
          : `${heatEmotion} ${z.toFixed(2)}σ, its strongest token's; tokens:\n${detail}`;
      const span = h('span', { class: 'tok', title, 'data-tokens': word.tokens.length }, word.text);
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
          .map((e) =>
            h(
              'tr',
              {},
              h('td', {}, e),
              h('td', {}, `${turn.emotions![e]!.mean.toFixed(2)}σ`),
              h('td', {}, `${turn.emotions![e]!.max.toFixed(2)}σ`),
            ),
          ),
      )
    : h('p', { class: 'muted' }, 'This turn has not been scored.');
  return h(
    'section',
    { class: 'turn-block', 'data-testid': 'turn-view' },
    h(
      'div',
      { class: 'row' },
      h('h3', {}, 'Turn'),
      turn.steering
        ? h(
            'vscode-badge',
            {
              'data-testid': 'turn-steering',
              title: `Written with the ${turn.steering.emotion} vector added at layer ${turn.steering.layer}, α ${turn.steering.alpha} of the mean residual norm`,
            },
            `steered ${steeringWords(turn.steering)}`,
          )
        : null,
      turn.tokens ? h('label', { class: 'heat-label muted' }, 'heat map', select) : null,
    ),
    body,
    summaries,
  );
}
