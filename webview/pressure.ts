// Behavioural pressure beside the emotion reading: what the agent's own actions say (failing
// streak, the same test failing, the same file edited, time since green, bypasses, test-config
// edits), with each signal's points. Needs no model, so it is always shown.
import { describePressure, type BehaviouralPressure } from '../src/contracts/pressure';
import { h, icon, plain } from './dom';
import { pressureWords } from '../src/core/signal';

export function renderPressure(p: BehaviouralPressure, lastRunFailed: boolean): HTMLElement {
  const summary = describePressure(p);
  return h(
    'section',
    {
      class: p.score > 0 ? 'pressure pressured' : 'pressure',
      'data-testid': 'pressure',
      title: plain(`Behavioural ${summary}`),
    },
    h(
      'div',
      { class: 'pressure-head' },
      icon('pulse'),
      h('strong', {}, ` Behavioural ${pressureWords(p.score, lastRunFailed)}`),
      p.counted < p.score ? h('span', { class: 'muted' }, ` (counts as ${p.counted})`) : null,
    ),
    p.signals.length > 0
      ? h(
          'ul',
          { class: 'pressure-signals' },
          ...p.signals.map((s) => h('li', {}, `${plain(s.detail)} `, h('span', { class: 'muted' }, `+${s.points}`))),
        )
      : h('div', { class: 'muted' }, 'no failing runs, repeats or bypasses'),
  );
}
