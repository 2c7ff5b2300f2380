// Whose activations a session's readings are, and — for the served local model, whose readings
// are its own — the steering control: off, calm or desperate at +α, applied from its next reply.
import type { SessionView } from '../src/contracts/sidebar-protocol';
import type { TurnSteering } from '../src/core/events';
import { ALPHA_LIMIT, STEERING_EMOTIONS, steeringSetting, type SteeringSetting } from '../src/contracts/steering';
import { h, icon } from './dom';

export function renderReadingsSource(readings: SessionView['readings']): HTMLElement {
  return h(
    'div',
    {
      class: 'readings-source caption',
      'data-testid': 'readings-source',
      'data-kind': readings.kind,
      title:
        readings.kind === 'own'
          ? 'Read from the residual stream of the model that wrote these turns, token by token as it chose them'
          : 'Read afterwards by the reader model, from the transcript text',
    },
    readings.kind === 'own' ? `own activations · ${readings.model}` : `read by ${readings.model}`,
  );
}

/** How a steered turn says what it ran with. */
export function steeringWords(s: Pick<TurnSteering, 'emotion' | 'alpha'>): string {
  return `${s.emotion} ${s.alpha >= 0 ? '+' : ''}${s.alpha}`;
}

export function renderSteeringControl(
  setting: SteeringSetting,
  onChange: (setting: SteeringSetting) => void,
): HTMLElement {
  const select = h('vscode-single-select', {
    'aria-label': 'Steering',
    class: 'steering-select',
    'data-testid': 'steering-emotion',
  }) as HTMLElement & { value: string };
  for (const e of STEERING_EMOTIONS)
    select.append(h('vscode-option', { value: e, selected: e === setting.emotion }, e === 'off' ? 'off' : `${e} +α`));
  const alpha = h('input', {
    type: 'number',
    min: 0.01,
    max: ALPHA_LIMIT,
    step: 0.01,
    value: setting.alpha,
    class: 'steering-alpha',
    'aria-label': 'α',
    'data-testid': 'steering-alpha',
    title: `α: a fraction of the mean residual norm at the layer; the research steered at 0.05–0.1, at most ${ALPHA_LIMIT}`,
  }) as HTMLInputElement;
  const changed = (): void => {
    const next = steeringSetting(select.value, Number(alpha.value));
    alpha.setAttribute('aria-invalid', String(next === null));
    if (next) onChange(next);
  };
  select.addEventListener('change', changed);
  alpha.addEventListener('change', changed);
  return h(
    'section',
    { class: 'steering-block', 'data-testid': 'steering' },
    h(
      'div',
      { class: 'row' },
      h('span', { class: 'steering-title' }, icon('settings-gear'), ' Steering'),
      select,
      h('label', { class: 'steering-alpha-label muted' }, 'α ', alpha),
    ),
    h(
      'div',
      { class: 'caption' },
      setting.emotion === 'off'
        ? 'The served model writes unsteered.'
        : `Its next replies are steered ${steeringWords(setting)} (0.05–0.1 is the research's range).`,
    ),
  );
}
