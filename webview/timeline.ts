// The session timeline: desperation and calm per turn (greyed when the reader is not valid for
// live use), behavioural pressure after each test run, test runs as pass/fail markers with
// counts, flags as markers. Hover a turn for its first line; click to open it in the turn view.
// Sized for the default sidebar width (about 300 px), so its labels are drawn near 1:1.
import type { FlagItem, SessionView } from '../src/contracts/sidebar-protocol';
import { h, s } from './dom';
import { SIGMA_MEANS } from '../src/core/signal';

const W = 300;
const H = 156;
const TOP = 16;
const PLOT_H = 96;
const LEFT = 30;
/** Room for the pressure scale on the right. */
const RIGHT = 22;
const MARKS_Y = TOP + PLOT_H + 16;

export function renderTimeline(
  session: SessionView,
  flags: FlagItem[],
  selectedTurnId: string | null,
  readerValid: boolean,
  onSelect: (turnId: string) => void,
): HTMLElement {
  const n = Math.max(session.turns.length, 1);
  const step = (W - LEFT - RIGHT) / n;
  const x = (i: number) => LEFT + step * (i + 0.5);
  const values = session.turns.flatMap((t) =>
    t.emotions ? [t.emotions.desperate?.mean ?? 0, t.emotions.calm?.mean ?? 0] : [],
  );
  const bound = Math.max(3, ...values.map((v) => Math.abs(v)));
  const y = (z: number) => TOP + PLOT_H / 2 - (z / bound) * (PLOT_H / 2);

  const svg = s('svg', {
    viewBox: `0 0 ${W} ${H}`,
    class: readerValid ? 'timeline' : 'timeline unvalidated',
    role: 'img',
    'aria-label': `Timeline of ${session.turns.length} turns`,
  });
  svg.append(s('line', { x1: LEFT, x2: W - RIGHT, y1: y(0), y2: y(0), class: 'axis' }));
  for (const z of [bound, 0, -bound]) {
    svg.append(
      s(
        'text',
        { x: LEFT - 3, y: y(z) + 4, class: 'axis-label', 'text-anchor': 'end' },
        `${z > 0 ? '+' : ''}${Math.round(z)}σ`,
        s('title', {}, SIGMA_MEANS),
      ),
    );
  }
  for (const [emotion, cls] of [
    ['desperate', 'line-desperate'],
    ['calm', 'line-calm'],
  ] as const) {
    const pts = session.turns.flatMap((t, i) =>
      t.emotions?.[emotion] ? [`${x(i).toFixed(1)},${y(t.emotions[emotion]!.mean).toFixed(1)}`] : [],
    );
    if (pts.length > 1) svg.append(s('polyline', { points: pts.join(' '), class: cls }));
    for (const p of pts) {
      const [px, py] = p.split(',');
      svg.append(s('circle', { cx: px, cy: py, r: 2, class: `dot ${cls}` }));
    }
  }
  session.turns.forEach((t, i) => {
    if (!t.emotions) svg.append(s('circle', { cx: x(i).toFixed(1), cy: y(0), r: 2, class: 'dot unscored' }));
    svg.append(
      s(
        'rect',
        {
          x: (LEFT + step * i).toFixed(1),
          y: 0,
          width: step.toFixed(1),
          height: TOP + PLOT_H,
          class: `turn-hit${t.turnId === selectedTurnId ? ' selected' : ''}`,
          'data-turn': t.turnId,
          tabindex: 0,
          onclick: () => onSelect(t.turnId),
          onkeydown: (e: Event) => (e as KeyboardEvent).key === 'Enter' && onSelect(t.turnId),
        },
        s('title', {}, `Turn ${i + 1}: ${t.firstLine || '(no text)'}`),
      ),
    );
  });
  // Pressure on its own 0..max scale (right edge): it climbs with each failing run.
  const runX = (afterTurn: number) => x(Math.max(afterTurn, 0)) + (afterTurn >= 0 ? step / 4 : -step / 4);
  const pressures = session.testRuns.map((r) => r.pressure ?? 0);
  const top = Math.max(4, ...pressures);
  const py = (p: number) => TOP + PLOT_H - (p / top) * PLOT_H;
  if (session.testRuns.length > 0) {
    svg.append(
      s(
        'text',
        { x: W - RIGHT + 3, y: py(top) + 4, class: 'axis-label pressure-label' },
        `${top}`,
        s('title', {}, 'behavioural pressure points'),
      ),
      s(
        'text',
        { x: W - RIGHT + 3, y: py(0), class: 'axis-label pressure-label' },
        '0',
        s('title', {}, 'behavioural pressure points'),
      ),
    );
    const pts = session.testRuns.map((r, i) => `${runX(r.afterTurn).toFixed(1)},${py(pressures[i]!).toFixed(1)}`);
    if (pts.length > 1)
      svg.append(s('polyline', { points: pts.join(' '), class: 'line-pressure', 'data-testid': 'pressure-line' }));
    session.testRuns.forEach((r, i) => {
      svg.append(
        s(
          'circle',
          { cx: runX(r.afterTurn).toFixed(1), cy: py(pressures[i]!).toFixed(1), r: 2.5, class: 'dot line-pressure' },
          s('title', {}, `pressure ${pressures[i]} after ${r.command}`),
        ),
      );
    });
  }
  for (const run of session.testRuns) {
    const cx = runX(run.afterTurn);
    const ok = run.failed === 0;
    svg.append(
      s(
        'g',
        { class: `test-run ${ok ? 'pass' : 'fail'}`, 'data-testid': 'test-run-marker' },
        s('circle', { cx: cx.toFixed(1), cy: MARKS_Y, r: 5 }),
        s(
          'text',
          { x: cx.toFixed(1), y: MARKS_Y + 17, 'text-anchor': 'middle' },
          ok ? `${run.passed ?? ''}✓` : `${run.failed}✗`,
        ),
        s('title', {}, `${run.command}: ${run.passed ?? '?'} passed, ${run.failed} failed, ${run.skipped} skipped`),
      ),
    );
  }
  for (const flag of flags) {
    const fx = x(Math.max(flag.afterTurn, 0));
    if (flag.guard) {
      // The guard acted before the edit landed: its own mark, a square, beside the flags' triangles.
      svg.append(
        s(
          'g',
          { class: `guard-mark ${flag.severity} ${flag.status}`, 'data-testid': 'guard-marker' },
          s('rect', { x: (fx - 4).toFixed(1), y: TOP - 12, width: 8, height: 8 }),
          s('title', {}, `guard ${flag.guard.tier}: ${flag.kinds.join(', ')} — ${flag.reason}`),
        ),
      );
      continue;
    }
    svg.append(
      s(
        'g',
        { class: `flag-mark ${flag.severity}`, 'data-testid': 'flag-marker' },
        s('path', { d: `M ${fx - 5} ${TOP - 12} L ${fx + 5} ${TOP - 12} L ${fx} ${TOP - 3} Z` }),
        s('title', {}, `${flag.severity}: ${flag.kinds.join(', ')} — ${flag.reason}`),
      ),
    );
  }
  const legend = h(
    'div',
    { class: 'legend' },
    h('span', { class: 'key desperate' }, 'desperation'),
    h('span', { class: 'key calm' }, 'calm'),
    h('span', { class: 'key pressure-key' }, 'pressure'),
    h('span', { class: 'key pass' }, 'tests pass'),
    h('span', { class: 'key fail' }, 'tests fail'),
    h('span', { class: 'key selected-key' }, 'selected turn'),
  );
  return h('section', { class: 'timeline-block', 'data-testid': 'timeline' }, h('h3', {}, 'Timeline'), svg, legend);
}
