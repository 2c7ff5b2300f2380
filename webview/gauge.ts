// The gauge: a half-dial from calm (left) to desperate (right). The needle sits at the balance
// of the two smoothed z-scores, clamped to ±RANGE σ, with the trend in words beside the numbers;
// the raw numbers, against both references, are in the tooltip. A reading not validated on agent
// text gets no needle and no numbers: the gauge says in their place why there is no valid reading.
import type { Reading, LiveValidity } from '../src/contracts/sidebar-protocol';
import { button, h, icon, s } from './dom';
import { SIGMA_MEANS, trendWords } from '../src/core/signal';

const RANGE = 3;
const ARROWS = { rising: '↑', falling: '↓', steady: '→' } as const;

/** One decimal, without the "-0.0" that rounding a small negative value gives. */
function sigma(z: number): string {
  const text = z.toFixed(1);
  return text === '-0.0' ? '0.0' : text;
}

/** Maps the reading to [-1, 1]: -1 fully calm, +1 fully desperate. */
export function gaugePosition(r: Reading): number {
  const balance = (r.desperation - r.calm) / 2;
  return Math.max(-1, Math.min(1, balance / RANGE));
}

export interface GaugeValidity {
  reader: LiveValidity;
  /** The followed session's desperation per scored turn, for the trend's words. */
  desperationByTurn: readonly number[];
  /** A model is loaded and scoring: only then is the report card the next step. */
  modelReady: boolean;
  runReportCard: () => void;
}

export function renderGauge(reading: Reading | null, caption: string, validity: GaugeValidity): HTMLElement {
  const cx = 100;
  const cy = 95;
  const radius = 80;
  const arc = (from: number, to: number): string => {
    const p = (t: number) => {
      const a = Math.PI * (1 - (t + 1) / 2);
      return `${(cx + radius * Math.cos(a)).toFixed(1)} ${(cy - radius * Math.sin(a)).toFixed(1)}`;
    };
    return `M ${p(from)} A ${radius} ${radius} 0 0 1 ${p(to)}`;
  };
  const unvalidated = !validity.reader.valid;
  const shown = unvalidated ? null : reading;
  const svg = s(
    'svg',
    {
      viewBox: '0 0 200 110',
      class: shown ? 'gauge' : 'gauge unscored',
      role: 'img',
      'aria-label': shown ? describe(shown) : unvalidated ? 'No valid reading' : 'Not scored yet',
    },
    s('path', { d: arc(-1, -0.34), class: 'gauge-band calm' }),
    s('path', { d: arc(-0.32, 0.32), class: 'gauge-band neutral' }),
    s('path', { d: arc(0.34, 1), class: 'gauge-band desperate' }),
    s('text', { x: 14, y: 108, class: 'gauge-end' }, 'calm'),
    s('text', { x: 186, y: 108, class: 'gauge-end', 'text-anchor': 'end' }, 'desperate'),
  );
  if (shown) {
    const t = gaugePosition(shown);
    const a = Math.PI * (1 - (t + 1) / 2);
    svg.append(
      s('line', {
        x1: cx,
        y1: cy,
        x2: (cx + 68 * Math.cos(a)).toFixed(1),
        y2: (cy - 68 * Math.sin(a)).toFixed(1),
        class: 'gauge-needle',
      }),
      s('circle', { cx, cy, r: 5, class: 'gauge-hub' }),
      s('title', {}, describe(shown)),
    );
  }
  const numbers = unvalidated
    ? h(
        'div',
        {
          class: 'gauge-numbers invalid',
          'data-testid': 'reading-invalid',
          title: reading ? `Not used, shown for reference only: ${describe(reading)}` : validity.reader.why,
        },
        icon('circle-slash'),
        ` No valid reading — ${validity.reader.why}`,
      )
    : reading
      ? h(
          'div',
          { class: 'gauge-numbers', title: `${SIGMA_MEANS}\n\n${describe(reading)}` },
          // The arrow is desperation's trend: kept beside it and apart from calm, so it does not read as "leads to calm".
          h(
            'span',
            {},
            h('span', { class: 'desperate-text' }, `desperation ${sigma(reading.desperation)}σ`),
            ' ',
            h('span', { class: `trend trend-${reading.trend}`, 'aria-hidden': 'true' }, ARROWS[reading.trend]),
            ' ',
            h(
              'span',
              { class: 'trend-words', 'data-testid': 'trend-words' },
              trendWords(reading.trend, validity.desperationByTurn),
            ),
          ),
          h('span', { class: 'muted', 'aria-hidden': 'true' }, '·'),
          h('span', { class: 'calm-text' }, `calm ${sigma(reading.calm)}σ`),
        )
      : h('div', { class: 'gauge-numbers muted' }, 'No scored turn yet');
  return h(
    'section',
    {
      class: unvalidated ? 'gauge-block unvalidated' : 'gauge-block',
      'data-testid': 'gauge',
      'data-valid': String(!unvalidated),
    },
    svg,
    numbers,
    h(
      'div',
      { class: 'caption' },
      caption,
      reading && !unvalidated ? ` · vs ${reading.shown === 'session' ? 'this session' : 'neutral dialogue'}` : '',
    ),
    unvalidated && validity.modelReady
      ? h(
          'div',
          { class: 'validity', 'data-testid': 'reader-validity', title: validity.reader.why },
          h('span', {}, 'The report card checks whether this model reads agent text validly.'),
          button('Run Report Card', 'checklist', validity.runReportCard, true),
        )
      : null,
  );
}

function pair(d: number, c: number): string {
  return `desperation ${d.toFixed(2)}σ, calm ${c.toFixed(2)}σ`;
}

/** Both references, whichever the gauge shows. */
export function describe(r: Reading): string {
  const session = r.session
    ? `Against this session (baseline: ${r.session.baselineTurns} earlier turns): ${pair(r.session.desperation, r.session.calm)}.`
    : `Against this session: after ${r.sessionPending} more scored turn${r.sessionPending === 1 ? '' : 's'}.`;
  return (
    `Shown against ${r.shown === 'session' ? 'this session' : 'neutral dialogue'} (${r.trend}). ` +
    `Against neutral dialogue: ${pair(r.neutral.desperation, r.neutral.calm)}. ${session} ` +
    `Last turn raw: ${pair(r.rawDesperation, r.rawCalm)}.`
  );
}
