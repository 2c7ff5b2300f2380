// Result views per experiment: charts first, then the numbers, then what the result does not say.
import type { ReplayExportFormat } from '../../src/contracts/experiment-panel-protocol';
import type { ExperimentResult, ReplayEntry } from '../../src/contracts/experiments';
import { barChart, heatStrip, lineChart } from './charts';
import { fmt, h, icon } from './dom';

export interface ViewActions {
  exportReplay(format: ReplayExportFormat): void;
}

const FOCUS = ['desperate', 'calm', 'afraid', 'frustrated'];

function focusEmotions(all: string[]): string[] {
  const shown = FOCUS.filter((e) => all.includes(e));
  return shown.length ? shown : all.slice(0, 3);
}

function table(head: string[], rows: (string | HTMLElement)[][]): HTMLElement {
  return h(
    'table',
    {},
    h('thead', {}, h('tr', {}, ...head.map((c) => h('th', {}, c)))),
    h('tbody', {}, ...rows.map((r) => h('tr', {}, ...r.map((c) => h('td', {}, c))))),
  );
}

function emotionPicker(emotions: string[], current: string, onPick: (e: string) => void): HTMLElement {
  const select = h(
    'vscode-single-select',
    { 'aria-label': 'emotion' },
    ...emotions.map((e) => h('vscode-option', { value: e, selected: e === current }, e)),
  ) as HTMLSelectElement;
  select.addEventListener('change', () => onPick(select.value));
  return h('label', { class: 'field inline' }, h('span', { class: 'label' }, 'Emotion'), select);
}

function scoreView(r: Extract<ExperimentResult, { experiment: 'score' }>): HTMLElement {
  let emotion = r.emotions.includes('desperate') ? 'desperate' : r.emotions[0];
  const strip = h('div', {});
  const draw = () => strip.replaceChildren(heatStrip(r.tokens.map((t) => ({ text: t.text, z: t.z[emotion] }))));
  draw();
  const rows = [...r.emotions]
    .sort((a, b) => r.summary[b].mean - r.summary[a].mean)
    .map((e) => [e, fmt(r.summary[e].mean), fmt(r.summary[e].p90), fmt(r.summary[e].max)]);
  return h(
    'section',
    {},
    h('p', { class: 'muted' }, `${r.tokens.length} tokens of ${r.source}, read by ${r.model} at layer ${r.layer}.`),
    emotionPicker(r.emotions, emotion, (e) => {
      emotion = e;
      draw();
    }),
    strip,
    h('h3', {}, 'Summary (z against neutral text)'),
    table(['emotion', 'mean', 'p90', 'max'], rows),
  );
}

function toneView(r: Extract<ExperimentResult, { experiment: 'tone' }>): HTMLElement {
  const shown = focusEmotions(r.emotions);
  const groups = r.tones.map((t) => ({
    label: t.tone,
    bars: shown.map((e) => ({ series: e, value: t.mean[e], spread: t.std[e] })),
  }));
  return h(
    'section',
    {},
    barChart(groups, shown, 'z at the reply start (mean ± sd over tasks)'),
    table(
      ['tone', ...shown.map((e) => `${e} mean ± sd`)],
      r.tones.map((t) => [t.tone, ...shown.map((e) => `${fmt(t.mean[e])} ± ${fmt(t.std[e])}`)]),
    ),
    h('p', { class: 'muted' }, `${r.tasks.length} task variants per tone.`),
  );
}

function streakView(r: Extract<ExperimentResult, { experiment: 'streak' }>): HTMLElement {
  const names = Object.keys(r.readings);
  const series = names.map((e) => ({
    name: `${e} (ρ = ${fmt(r.spearman[e])})`,
    points: r.failures.map((n, i) => ({ x: n, y: r.readings[e][i] })),
  }));
  const verdicts = names.map((e) => {
    const expected = r.expected[e];
    if (!expected) return h('li', {}, `${e}: ρ = ${fmt(r.spearman[e])}`);
    const agrees = Math.sign(r.spearman[e]) === expected;
    return h(
      'li',
      {},
      icon(agrees ? 'check' : 'warning'),
      ` ${e}: ρ = ${fmt(r.spearman[e])} — the research reports it ${expected > 0 ? 'rising' : 'falling'} with failures; here it ${agrees ? 'does too' : 'does not'}.`,
    );
  });
  return h(
    'section',
    {},
    lineChart(series, 'failed test runs in a row', 'z at the next reply'),
    h('ul', { class: 'plain' }, ...verdicts),
  );
}

function steerView(r: Extract<ExperimentResult, { experiment: 'steer' }>): HTMLElement {
  const e = r.emotion;
  const columns = r.alphas.map((a) =>
    h(
      'div',
      { class: `column ${a.alpha === 0 ? 'baseline' : ''}` },
      h('h3', {}, `α = ${a.alpha}${a.alpha === 0 ? ' (unsteered)' : ''}`),
      h(
        'p',
        { class: 'readings' },
        `${e}: vector added at start ${fmt(a.meanReplyStart[e])} (input) · reply with it ${fmt(a.meanSteered[e])} · re-read ${fmt(a.meanReread[e])} (measured)`,
      ),
      h(
        'p',
        { class: a.tamperCount > 0 ? 'tamper' : 'muted' },
        `Proposes test tampering: ${a.tamperCount} of ${a.replies.length}`,
      ),
      ...a.replies.map((rep) =>
        h(
          'div',
          { class: 'reply' },
          h(
            'div',
            { class: 'muted' },
            `seed ${rep.seed}${rep.tamperKinds.length ? ` · ${rep.tamperKinds.join(', ')}` : ''}`,
          ),
          h('pre', {}, rep.text || '(empty reply)'),
        ),
      ),
    ),
  );
  const rate = barChart(
    r.alphas.map((a) => ({
      label: `α ${a.alpha}`,
      bars: [{ series: 'tampering replies (%)', value: 100 * a.tamperRate }],
    })),
    ['tampering replies (%)'],
    'share of replies proposing test tampering (%)',
    { lo: 0, hi: 100 },
  );
  const readings = lineChart(
    [
      {
        name: `${e} at reply start: the added vector (input, not a measurement)`,
        points: r.alphas.map((a) => ({ x: a.alpha, y: a.meanReplyStart[e] })),
      },
      {
        name: `${e} over the reply, vector included`,
        points: r.alphas.map((a) => ({ x: a.alpha, y: a.meanSteered[e] })),
      },
      {
        name: `${e} over the reply, re-read unsteered (the measurement)`,
        points: r.alphas.map((a) => ({ x: a.alpha, y: a.meanReread[e] })),
      },
    ],
    'α',
    'z',
  );
  return h(
    'section',
    {},
    h(
      'p',
      { class: 'muted' },
      `Vector: ${e} at layer ${r.layer}; ‖r̄‖ = ${fmt(r.residualNorm)}; ${r.params.samples} repl${r.params.samples === 1 ? 'y' : 'ies'} per α, seeds from ${r.params.seed}.`,
    ),
    h('div', { class: 'columns' }, ...columns),
    h('div', { class: 'row charts' }, readings, rate),
  );
}

type TurnEntry = Extract<ReplayEntry, { kind: 'turn' }>;

export function replayTimeline(entries: ReplayEntry[], emotions: string[]): HTMLElement {
  const shown = focusEmotions(emotions);
  const scored = entries.filter((e): e is TurnEntry => e.kind === 'turn' && e.summary !== null);
  const series = shown.map((em) => ({ name: em, points: scored.map((t) => ({ x: t.seq, y: t.summary![em].mean })) }));
  const marks = entries.flatMap((e) =>
    e.kind === 'test-run'
      ? [
          {
            x: e.seq,
            cls: e.failed > 0 ? 'fail' : 'pass',
            title: `${e.command}: ${e.passed ?? '?'} passed, ${e.failed} failed`,
          },
        ]
      : e.kind === 'flag'
        ? [{ x: e.seq, cls: 'flag', title: `${e.severity}: ${e.kinds.join(', ')} ${e.path}` }]
        : [],
  );
  return lineChart(series, 'event', 'turn mean z', marks);
}

function replayView(r: Extract<ExperimentResult, { experiment: 'replay' }>, actions: ViewActions): HTMLElement {
  const rows = r.timeline.map((e) => {
    if (e.kind === 'turn')
      return [
        `#${e.seq}`,
        e.role,
        e.summary
          ? `desperate ${fmt(e.summary.desperate?.mean ?? NaN)} · calm ${fmt(e.summary.calm?.mean ?? NaN)}`
          : e.role === 'assistant'
            ? 'not scored'
            : '',
        e.text.slice(0, 160),
      ];
    if (e.kind === 'test-run')
      return [`#${e.seq}`, 'test run', `${e.passed ?? '?'} passed, ${e.failed} failed`, e.command];
    return [
      `#${e.seq}`,
      h('span', { class: 'tamper' }, icon('warning'), ` flag (${e.severity})`),
      e.kinds.join(', '),
      `${e.path}: ${e.reason}`,
    ];
  });
  return h(
    'section',
    {},
    h(
      'p',
      { class: 'muted' },
      `${r.source} session ${r.sessionId}: ${r.timeline.length} entries, ${r.unscoredTurns} unscored turn(s), ${r.skippedRecords} skipped record(s).`,
    ),
    h(
      'div',
      { class: 'actions' },
      ...(['html', 'json', 'csv'] as const).map((f) =>
        h('vscode-button', { secondary: true, onclick: () => actions.exportReplay(f) }, `Export ${f.toUpperCase()}`),
      ),
    ),
    replayTimeline(r.timeline, r.emotions),
    table(['seq', 'entry', 'reading', 'detail'], rows),
  );
}

const VERDICT_ICON = { pass: 'pass', warn: 'warning', fail: 'error' } as const;

function verdictMark(v: keyof typeof VERDICT_ICON, text = ''): HTMLElement {
  return h('span', { class: v }, icon(VERDICT_ICON[v]), text);
}

function reportCardView(r: Extract<ExperimentResult, { experiment: 'report-card' }>): HTMLElement {
  const num = (x: number | null | undefined) => (x === null || x === undefined ? '—' : fmt(x, 3));
  const checks = table(
    [
      '',
      'check',
      'value',
      '95% interval',
      'lexical baseline',
      'shuffled labels (p95)',
      'random directions (p95)',
      'threshold',
    ],
    r.checks.map((c) => [
      verdictMark(c.verdict),
      h('span', { title: c.id }, c.name + (c.detail ? ` (${c.detail})` : '')),
      fmt(c.value, 3),
      c.ci ? `${fmt(c.ci[0], 3)} – ${fmt(c.ci[1], 3)}` : '—',
      num(c.baseline),
      num(c.controls?.shuffledLabels),
      num(c.controls?.randomDirections),
      c.threshold,
    ]),
  );
  const curves = r.doseCurves.map((c) => {
    const shown = focusEmotions(Object.keys(c.readings));
    return h(
      'div',
      {},
      h('h3', {}, c.template),
      lineChart(
        shown.map((e) => ({ name: e, points: c.doses.map((_, i) => ({ x: i, y: c.readings[e][i] })) })),
        `dose (${c.doses.join(', ')})`,
        'z at the reply start',
      ),
    );
  });
  const m = r.material;
  return h(
    'section',
    {},
    h(
      'p',
      { class: r.verdict },
      icon(VERDICT_ICON[r.verdict]),
      ` ${r.verdict.toUpperCase()} — layer ${r.layer}, depth ${fmt(r.layerDepth)} (${r.layerReason})`,
    ),
    h(
      'p',
      { class: `live ${r.validForLive ? 'pass' : 'fail'}` },
      icon(r.validForLive ? 'pass' : 'circle-slash'),
      ` ${r.validForLive ? 'Valid for live use' : 'Not valid for live use'}: ${r.validForLiveReason}`,
    ),
    checks,
    h(
      'p',
      { class: 'muted' },
      `Lexical baseline: naive Bayes on the same training stories, on the same material. Controls: 95th percentile over ${m.shuffledSeeds} shuffled-label vector sets and ${m.randomDirections} random direction sets. Intervals: ${m.resamples} stratified bootstrap resamples. ${m.agentTurns} agent turns, ${m.heldOutReport} held-out stories (the half the layer was not chosen on).`,
    ),
    ...(r.references
      ? [
          h(
            'p',
            { class: 'muted' },
            `Agent-turn reference: ${r.references.better === 'session' ? 'within-session' : 'neutral dialogue'} reads better — ${r.references.why}.`,
          ),
        ]
      : []),
    ...curves,
  );
}

export function renderResult(result: ExperimentResult, actions: ViewActions): HTMLElement {
  const body =
    result.experiment === 'score'
      ? scoreView(result)
      : result.experiment === 'tone'
        ? toneView(result)
        : result.experiment === 'streak'
          ? streakView(result)
          : result.experiment === 'steer'
            ? steerView(result)
            : result.experiment === 'replay'
              ? replayView(result, actions)
              : reportCardView(result);
  return h(
    'div',
    { class: 'result' },
    body,
    h('h3', {}, 'What this does not show'),
    h('ul', { class: 'caveats' }, ...result.caveats.map((c) => h('li', {}, c))),
  );
}
