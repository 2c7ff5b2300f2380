// Replay exports: JSON (the result as is), CSV (one row per timeline entry) and a self-contained
// HTML page (inline SVG chart, no scripts, no external resources).
import type { ReplayEntry, ReplayResult } from '../contracts/experiments';

/** Emotions the CSV and the HTML chart show, when the vectors have them. */
const SHOWN = ['desperate', 'calm', 'afraid', 'frustrated'];

function shownEmotions(result: ReplayResult): string[] {
  const shown = SHOWN.filter((e) => result.emotions.includes(e));
  return shown.length ? shown : result.emotions.slice(0, 4);
}

function csvCell(value: string | number | null): string {
  if (value === null) return '';
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value;
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function entryDetail(e: ReplayEntry): string {
  if (e.kind === 'turn') return e.text;
  if (e.kind === 'test-run') return `${e.command} — ${e.passed ?? '?'} passed, ${e.failed} failed`;
  return `${e.kinds.join(', ')} ${e.path}: ${e.reason}`;
}

export function replayToCsv(result: ReplayResult): string {
  const emotions = shownEmotions(result);
  const header = ['seq', 'ts', 'kind', 'role', ...emotions.map((e) => `${e}_mean`), 'severity', 'detail'];
  const rows = result.timeline.map((e) => [
    e.seq,
    e.ts,
    e.kind,
    e.kind === 'turn' ? e.role : '',
    ...emotions.map((em) => (e.kind === 'turn' && e.summary ? e.summary[em].mean : null)),
    e.kind === 'flag' ? e.severity : '',
    entryDetail(e),
  ]);
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const LINE_COLOURS = ['#d9534f', '#3c8dbc', '#f0ad4e', '#5cb85c'];

/** Polyline chart of the turn means over the assistant turns, with test runs and flags marked. */
function chartSvg(result: ReplayResult, emotions: string[]): string {
  const width = 760;
  const height = 240;
  const pad = 32;
  const scored = result.timeline.filter(
    (e): e is Extract<ReplayEntry, { kind: 'turn' }> => e.kind === 'turn' && e.summary !== null,
  );
  if (scored.length === 0) return '<p>No scored assistant turns.</p>';
  const values = scored.flatMap((t) => emotions.map((e) => t.summary![e].mean)).filter(Number.isFinite);
  const lo = Math.min(-1, ...values);
  const hi = Math.max(1, ...values);
  const seqs = result.timeline.map((e) => e.seq);
  const first = Math.min(...seqs);
  const last = Math.max(first + 1, ...seqs);
  const x = (seq: number) => pad + ((seq - first) / (last - first)) * (width - 2 * pad);
  const y = (z: number) => height - pad - ((z - lo) / (hi - lo)) * (height - 2 * pad);
  const parts = [
    `<line x1="${pad}" x2="${width - pad}" y1="${y(0)}" y2="${y(0)}" stroke="#888" stroke-dasharray="3 3"/>`,
  ];
  for (const e of result.timeline) {
    if (e.kind === 'test-run')
      parts.push(
        `<line x1="${x(e.seq)}" x2="${x(e.seq)}" y1="${pad}" y2="${height - pad}" stroke="${e.failed > 0 ? '#d9534f' : '#5cb85c'}" stroke-opacity="0.35"><title>${escapeHtml(entryDetail(e))}</title></line>`,
      );
    if (e.kind === 'flag')
      parts.push(
        `<text x="${x(e.seq)}" y="${pad - 8}" text-anchor="middle" fill="#d9534f">⚑<title>${escapeHtml(entryDetail(e))}</title></text>`,
      );
  }
  emotions.forEach((em, k) => {
    const points = scored.map((t) => `${x(t.seq).toFixed(1)},${y(t.summary![em].mean).toFixed(1)}`).join(' ');
    parts.push(
      `<polyline fill="none" stroke="${LINE_COLOURS[k % LINE_COLOURS.length]}" stroke-width="2" points="${points}"/>`,
    );
  });
  parts.push(
    `<text x="4" y="${y(hi) + 4}" font-size="10">${hi.toFixed(1)}</text><text x="4" y="${y(lo)}" font-size="10">${lo.toFixed(1)}</text>`,
  );
  const legend = emotions
    .map((em, k) => `<span style="color:${LINE_COLOURS[k % LINE_COLOURS.length]}">━ ${escapeHtml(em)}</span>`)
    .join(' &nbsp; ');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img" aria-label="turn readings">${parts.join('')}</svg><p>${legend} &nbsp; <span style="color:#d9534f">│ failed run</span> <span style="color:#5cb85c">│ passed run</span> ⚑ flag</p>`;
}

export function replayToHtml(result: ReplayResult): string {
  const emotions = shownEmotions(result);
  const rows = result.timeline
    .map((e) => {
      const z =
        e.kind === 'turn' && e.summary
          ? emotions.map((em) => `<td>${e.summary![em].mean.toFixed(2)}</td>`).join('')
          : emotions.map(() => '<td></td>').join('');
      const what = e.kind === 'turn' ? e.role : e.kind === 'flag' ? `flag (${e.severity})` : 'test run';
      return `<tr class="${e.kind}"><td>${e.seq}</td><td>${escapeHtml(e.ts)}</td><td>${what}</td>${z}<td>${escapeHtml(entryDetail(e))}</td></tr>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Agent Vitals replay — ${escapeHtml(result.sessionId)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:1100px}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:4px 6px;vertical-align:top;text-align:left}tr.flag{background:#fdecea}tr.test-run{color:#555}td:last-child{white-space:pre-wrap;max-width:520px;overflow-wrap:anywhere}.caveat{color:#555;font-size:12px}</style>
</head><body>
<h1>Replay: ${escapeHtml(result.source)} session ${escapeHtml(result.sessionId)}</h1>
<p>${escapeHtml(result.file)} — read by ${escapeHtml(result.model)} at layer ${result.layer}; z-scores against neutral text.</p>
${chartSvg(result, emotions)}
<table><thead><tr><th>seq</th><th>time</th><th>entry</th>${emotions.map((e) => `<th>${escapeHtml(e)}</th>`).join('')}<th>detail</th></tr></thead><tbody>
${rows}
</tbody></table>
${result.caveats.map((c) => `<p class="caveat">${escapeHtml(c)}</p>`).join('\n')}
</body></html>
`;
}

export type ReplayExportFormat = 'json' | 'csv' | 'html';

export function exportReplay(result: ReplayResult, format: ReplayExportFormat): string {
  if (format === 'csv') return replayToCsv(result);
  if (format === 'html') return replayToHtml(result);
  return JSON.stringify(result, null, 2) + '\n';
}
