// Hand-drawn SVG charts in theme colours: grouped bars with spread, lines over a numeric axis,
// and a per-token heat strip. Colours come from CSS classes bound to --vscode-charts-*.
import { fmt, h, s } from './dom';

const SERIES_CLASSES = ['series-0', 'series-1', 'series-2', 'series-3', 'series-4', 'series-5'];

export function seriesClass(k: number): string {
  return SERIES_CLASSES[k % SERIES_CLASSES.length];
}

interface Frame {
  width: number;
  height: number;
  pad: { left: number; right: number; top: number; bottom: number };
  lo: number;
  hi: number;
}

function yScale(f: Frame): (v: number) => number {
  return (v) => f.height - f.pad.bottom - ((v - f.lo) / (f.hi - f.lo || 1)) * (f.height - f.pad.top - f.pad.bottom);
}

function axes(f: Frame, label: string): SVGElement[] {
  const y = yScale(f);
  const ticks = [f.lo, 0, f.hi].filter((v, i, all) => all.indexOf(v) === i && v >= f.lo && v <= f.hi);
  return [
    ...ticks.map((v) =>
      s('line', {
        x1: f.pad.left,
        x2: f.width - f.pad.right,
        y1: y(v),
        y2: y(v),
        class: v === 0 ? 'axis zero' : 'axis grid',
      }),
    ),
    ...ticks.map((v) => s('text', { x: f.pad.left - 4, y: y(v) + 3, class: 'tick', 'text-anchor': 'end' }, fmt(v, 1))),
    s('text', { x: 4, y: f.pad.top - 6, class: 'tick' }, label),
  ];
}

function range(values: number[]): { lo: number; hi: number } {
  const finite = values.filter(Number.isFinite);
  return { lo: Math.min(-0.5, ...finite), hi: Math.max(0.5, ...finite) };
}

export interface BarGroup {
  label: string;
  bars: { series: string; value: number; spread?: number }[];
}

/** Grouped bars (one group per category, one bar per series) with ± spread whiskers. */
export function barChart(
  groups: BarGroup[],
  series: string[],
  yLabel: string,
  fixed?: { lo: number; hi: number },
): HTMLElement {
  const values = groups.flatMap((g) => g.bars.flatMap((b) => [b.value + (b.spread ?? 0), b.value - (b.spread ?? 0)]));
  const f: Frame = {
    width: 640,
    height: 260,
    pad: { left: 44, right: 12, top: 24, bottom: 36 },
    ...(fixed ?? range(values)),
  };
  const y = yScale(f);
  const groupWidth = (f.width - f.pad.left - f.pad.right) / groups.length;
  const barWidth = Math.min(36, (groupWidth * 0.8) / series.length);
  const parts: SVGElement[] = axes(f, yLabel);
  groups.forEach((g, gi) => {
    const x0 = f.pad.left + gi * groupWidth + (groupWidth - barWidth * series.length) / 2;
    g.bars.forEach((b) => {
      const k = series.indexOf(b.series);
      const x = x0 + k * barWidth;
      const top = Math.min(y(b.value), y(0));
      parts.push(
        s(
          'rect',
          {
            x: x + 1,
            y: top,
            width: barWidth - 2,
            height: Math.abs(y(b.value) - y(0)),
            class: `bar ${seriesClass(k)}`,
          },
          s(
            'title',
            {},
            `${g.label} · ${b.series}: ${fmt(b.value)}${b.spread !== undefined ? ` ± ${fmt(b.spread)}` : ''}`,
          ),
        ),
      );
      if (b.spread !== undefined && Number.isFinite(b.spread))
        parts.push(
          s('line', {
            x1: x + barWidth / 2,
            x2: x + barWidth / 2,
            y1: y(b.value - b.spread),
            y2: y(b.value + b.spread),
            class: 'whisker',
          }),
        );
    });
    parts.push(
      s(
        'text',
        {
          x: f.pad.left + gi * groupWidth + groupWidth / 2,
          y: f.height - f.pad.bottom + 16,
          class: 'tick',
          'text-anchor': 'middle',
        },
        g.label,
      ),
    );
  });
  return h(
    'figure',
    { class: 'chart' },
    s('svg', { viewBox: `0 0 ${f.width} ${f.height}`, role: 'img', 'aria-label': yLabel }, ...parts),
    legend(series),
  );
}

export interface LineSeries {
  name: string;
  points: { x: number; y: number }[];
}

/** Lines over a numeric x axis, with markers; `marks` draws vertical rules (e.g. test runs). */
export function lineChart(
  series: LineSeries[],
  xLabel: string,
  yLabel: string,
  marks: { x: number; cls: string; title: string }[] = [],
): HTMLElement {
  const xs = [...series.flatMap((l) => l.points.map((p) => p.x)), ...marks.map((m) => m.x)];
  const f: Frame = {
    width: 640,
    height: 260,
    pad: { left: 44, right: 12, top: 24, bottom: 36 },
    ...range(series.flatMap((l) => l.points.map((p) => p.y))),
  };
  const y = yScale(f);
  const xlo = Math.min(...xs);
  const xmax = Math.max(...xs);
  const xhi = xmax > xlo ? xmax : xlo + 1;
  const x = (v: number) => f.pad.left + ((v - xlo) / (xhi - xlo)) * (f.width - f.pad.left - f.pad.right);
  const parts: SVGElement[] = axes(f, yLabel);
  for (const m of marks)
    parts.push(
      s(
        'line',
        { x1: x(m.x), x2: x(m.x), y1: f.pad.top, y2: f.height - f.pad.bottom, class: `mark ${m.cls}` },
        s('title', {}, m.title),
      ),
    );
  series.forEach((l, k) => {
    const pts = l.points.filter((p) => Number.isFinite(p.y));
    parts.push(
      s('polyline', {
        points: pts.map((p) => `${x(p.x).toFixed(1)},${y(p.y).toFixed(1)}`).join(' '),
        class: `line ${seriesClass(k)}`,
      }),
    );
    for (const p of pts)
      parts.push(
        s(
          'circle',
          { cx: x(p.x), cy: y(p.y), r: 3, class: `dot ${seriesClass(k)}` },
          s('title', {}, `${l.name} at ${p.x}: ${fmt(p.y)}`),
        ),
      );
  });
  // Label the points' x values, thinned to about ten.
  const ticks = [...new Set(series.flatMap((l) => l.points.map((p) => p.x)))].sort((a, b) => a - b);
  const every = Math.ceil(ticks.length / 10);
  ticks.forEach(
    (v, i) =>
      i % every === 0 &&
      parts.push(
        s('text', { x: x(v), y: f.height - f.pad.bottom + 14, class: 'tick', 'text-anchor': 'middle' }, String(v)),
      ),
  );
  parts.push(s('text', { x: f.width / 2, y: f.height - 4, class: 'tick', 'text-anchor': 'middle' }, xLabel));
  return h(
    'figure',
    { class: 'chart' },
    s('svg', { viewBox: `0 0 ${f.width} ${f.height}`, role: 'img', 'aria-label': `${yLabel} by ${xLabel}` }, ...parts),
    legend(series.map((l) => l.name)),
  );
}

function legend(names: string[]): HTMLElement {
  return h(
    'figcaption',
    { class: 'legend' },
    ...names.map((n, k) => h('span', { class: `key ${seriesClass(k)}` }, h('span', { class: 'swatch' }), n)),
  );
}

/** Tokens tinted by z: warm above zero, cool below, saturating at |z| = 3. */
export function heatStrip(tokens: { text: string; z: number }[]): HTMLElement {
  return h(
    'div',
    { class: 'heat' },
    ...tokens.map((t) => {
      const strength = Math.min(1, Math.abs(t.z) / 3);
      const cls = t.z >= 0 ? 'hot' : 'cold';
      const el = h('span', { class: `tok ${cls}`, title: `z = ${fmt(t.z)}` }, t.text);
      // Through the CSSOM: the content-security policy refuses inline style attributes.
      el.style.setProperty('--strength', strength.toFixed(2));
      return el;
    }),
  );
}
