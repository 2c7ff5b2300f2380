// What the single status bar item says, derived from the sidebar state through the shared
// signal rule (src/core/signal.ts). Pure for unit tests. Desperation counts only when the reader
// is validated on agent text; behavioural pressure (no model needed) and flags count always.
import { describePressure } from '../../contracts/pressure';
import type { Reading, SidebarState } from '../../contracts/sidebar-protocol';
import { escapeMarkdown } from '../markdown-text';
import { sessionSignal } from '../../core/signal';

export interface StatusReading {
  text: string;
  /** Markdown. */
  tooltip: string;
  background: 'none' | 'warning' | 'error';
}

export interface StatusThresholds {
  desperationWarning: number;
  pressureWarning: number;
}

/**
 * `telemetry` says where the OTLP export sends data and how much went, or is null while export is
 * off: the item shows a cloud while it exports and the tooltip says where, so nothing leaves the
 * machine unseen.
 */
export function statusReading(
  state: SidebarState,
  t: StatusThresholds,
  telemetry: string | null = null,
): StatusReading {
  const session = state.session;
  const lastRun = session?.testRuns[session.testRuns.length - 1];
  const signal = sessionSignal({
    hasSession: session !== null,
    openFlags: state.flags.filter((f) => f.status === 'open' && !f.guard).map((f) => f.severity),
    openGuardDecisions: state.flags.filter((f) => f.status === 'open' && f.guard).map((f) => f.severity),
    pressure: session?.pressure.score ?? 0,
    lastRunFailed: lastRun !== undefined && lastRun.failed > 0,
    reading: state.reader.valid ? (session?.reading ?? null) : null,
    readerValid: state.reader.valid,
    pressureWarning: t.pressureWarning,
    desperationWarning: t.desperationWarning,
  });
  return {
    text: `$(${signal.icon}) ${signal.words}${telemetry ? ' $(cloud-upload)' : ''}`,
    tooltip: tooltipFor(state) + (telemetry ? `\n\n$(cloud-upload) ${escapeMarkdown(telemetry)}` : ''),
    background: BACKGROUND[signal.level],
  };
}

const BACKGROUND = { ok: 'none', warning: 'warning', error: 'error' } as const;

function tooltipFor(state: SidebarState): string {
  const session = state.session;
  if (!session) return '**Agent Vitals** — no agent session in this workspace yet. Click to open the panel.';
  const lines = [`**Agent Vitals** — ${session.summary.source} session, ${session.summary.turns} turns`, ''];
  const reading = session.reading;
  lines.push(`Behavioural ${describePressure(session.pressure)}`, '');
  lines.push(reading ? readingLine(reading) : `Not scored: ${scoringLine(state)}`);
  if (reading && !state.reader.valid) lines.push(`*Shown only, drives nothing: ${escapeMarkdown(state.reader.why)}.*`);
  lines.push('');
  const turns = session.turns.slice(-5);
  if (turns.length) {
    lines.push('| turn | desperation |', '|---|---|');
    for (const turn of turns) {
      const d = turn.emotions?.desperate?.mean;
      lines.push(`| ${escapeMarkdown(turn.firstLine)} | ${d === undefined ? '–' : `${d.toFixed(1)}σ`} |`);
    }
    lines.push('');
  }
  for (const run of session.testRuns.slice(-3)) {
    lines.push(
      `- ${run.failed > 0 ? '$(error)' : '$(pass)'} \`${escapeMarkdown(run.command)}\`: ${run.passed ?? '?'} passed, ${run.failed} failed, ${run.skipped} skipped`,
    );
  }
  return lines.join('\n');
}

function readingLine(r: Reading): string {
  const ref = r.shown === 'session' ? 'against this session' : 'against neutral dialogue';
  const other =
    r.shown === 'session'
      ? `; against neutral dialogue: desperation ${r.neutral.desperation.toFixed(2)}σ, calm ${r.neutral.calm.toFixed(2)}σ`
      : r.session
        ? `; against this session: desperation ${r.session.desperation.toFixed(2)}σ, calm ${r.session.calm.toFixed(2)}σ`
        : `; session baseline after ${r.sessionPending} more scored turn${r.sessionPending === 1 ? '' : 's'}`;
  return `Desperation ${r.desperation.toFixed(2)}σ (last turn ${r.rawDesperation.toFixed(2)}σ), calm ${r.calm.toFixed(2)}σ, ${r.trend}, ${ref}${other}`;
}

function scoringLine(state: SidebarState): string {
  const s = state.scoring;
  switch (s.kind) {
    case 'unavailable':
    case 'failed':
      return s.reason;
    case 'no-model':
      return 'no model yet';
    case 'downloading':
      return 'downloading the model';
    case 'uncalibrated':
      return 'the model needs calibrating';
    case 'calibrating':
      return 'calibrating';
    case 'starting':
      return 'starting the sidecar';
    case 'ready':
      return 'waiting for the next turn';
  }
}
