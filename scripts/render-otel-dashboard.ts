// Renders the example Grafana dashboard's panels (examples/otel/grafana-dashboard.json) from data
// Agent Vitals really exported: `agent-vitals analyze --otlp` on every agent's fixture session,
// read with the tiny fixture reader model, sent over OTLP/HTTP to a receiver here, and the
// received records drawn as the same panels (desperation and pressure per session over turns,
// test-run outcomes, flags, guard decisions) in SVG, photographed with Debian's Chromium. The
// guard decisions are the real guard hook's, on the guard tests' payloads in a scratch workspace,
// exported by a second `analyze --otlp` for that workspace. Grafana and the Collector are not
// installable on the build machines; this stands in for them.
// Run: npx tsx scripts/render-otel-dashboard.ts  →  media/screenshots/otel-dashboard.png
import { spawn } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runHook } from '../src/guard/hook';
import type { GuardAgent } from '../src/guard/agents';
import { launchBrowser } from '../test/e2e/harness/browser';
import { claudeTranscript, makeWorkspace, payload } from '../test/unit/guard/workspace';
import { startOtlpReceiver, type ReceivedLog } from '../test/unit/telemetry/otlp-receiver';

const ROOT = join(__dirname, '..');
const OUT = join(ROOT, 'media/screenshots/otel-dashboard.png');
const COLORS = ['#5794f2', '#f2495c', '#73bf69', '#ff9830', '#b877d9', '#fade2a', '#8ab8ff', '#ff7383', '#96d98d'];

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** One line per session: y of each of its assistant turns, in turn order. */
function linePanel(title: string, series: Map<string, number[]>): string {
  const W = 560;
  const H = 220;
  const all = [...series.values()].flat();
  const lo = Math.min(0, ...all);
  const hi = Math.max(1e-9, ...all);
  const maxN = Math.max(2, ...[...series.values()].map((s) => s.length));
  const x = (i: number) => 40 + (i / (maxN - 1)) * (W - 60);
  const y = (v: number) => H - 30 - ((v - lo) / (hi - lo)) * (H - 50);
  let body = `<line x1="40" y1="${y(0)}" x2="${W - 20}" y2="${y(0)}" stroke="#444"/>`;
  body += `<text x="4" y="${y(hi) + 4}" class="tick">${hi.toFixed(2)}</text><text x="4" y="${y(lo) + 4}" class="tick">${lo.toFixed(2)}</text>`;
  body += `<text x="${W / 2}" y="${H - 8}" class="tick">assistant turn</text>`;
  [...series.values()].forEach((values, k) => {
    const c = COLORS[k % COLORS.length];
    body += `<polyline fill="none" stroke="${c}" stroke-width="2" points="${values.map((v, i) => `${x(i)},${y(v)}`).join(' ')}"/>`;
    body += values.map((v, i) => `<circle cx="${x(i)}" cy="${y(v)}" r="3" fill="${c}"/>`).join('');
  });
  const legend = [...series.keys()]
    .map((n, k) => `<span><i style="background:${COLORS[k % COLORS.length]}"></i>${esc(n)}</span>`)
    .join('');
  return `<section><h2>${esc(title)}</h2><svg width="${W}" height="${H}">${body}</svg><div class="legend">${legend}</div></section>`;
}

function outcomePanel(runs: ReceivedLog[]): string {
  const byAgent = new Map<string, { passed: number; failed: number }>();
  for (const r of runs) {
    const agent = String(r.attributes['gen_ai.agent.name']);
    const t = byAgent.get(agent) ?? { passed: 0, failed: 0 };
    t[r.attributes['agent_vitals.test_run.outcome'] as 'passed' | 'failed']++;
    byAgent.set(agent, t);
  }
  const max = Math.max(1, ...[...byAgent.values()].map((t) => t.passed + t.failed));
  const bars = [...byAgent]
    .map(([agent, t], i) => {
      const y = 10 + i * 24;
      const wp = (t.passed / max) * 300;
      const wf = (t.failed / max) * 300;
      return `<text x="0" y="${y + 13}" class="tick">${esc(agent)}</text><rect x="110" y="${y}" width="${wf}" height="16" fill="#f2495c"/><rect x="${110 + wf}" y="${y}" width="${wp}" height="16" fill="#73bf69"/><text x="${116 + wf + wp}" y="${y + 13}" class="tick">${t.failed} failed, ${t.passed} passed</text>`;
    })
    .join('');
  return `<section><h2>Test runs by outcome</h2><svg width="560" height="${20 + byAgent.size * 24}">${bars}</svg></section>`;
}

const TIER_COLORS: Record<string, string> = { block: '#f2495c', ask: '#ff9830', warn: '#fade2a', log: '#5794f2' };
const TIERS = Object.keys(TIER_COLORS);

/** Guard decisions per half hour, stacked by tier, and their kinds by tier. */
function guardPanel(records: ReceivedLog[]): string {
  const decisions = records.filter((r) => r.attributes['agent_vitals.guard.event'] === 'decision');
  const BUCKET = 30 * 60_000;
  const buckets = new Map<number, Map<string, number>>();
  const kinds = new Map<string, Map<string, number>>();
  for (const d of decisions) {
    const tier = String(d.attributes['agent_vitals.guard.tier']);
    const b = Math.floor(d.timeMs / BUCKET) * BUCKET;
    const inBucket = buckets.get(b) ?? new Map<string, number>();
    inBucket.set(tier, (inBucket.get(tier) ?? 0) + 1);
    buckets.set(b, inBucket);
    for (const kind of d.attributes['agent_vitals.guard.kinds'] as string[]) {
      const byTier = kinds.get(kind) ?? new Map<string, number>();
      byTier.set(tier, (byTier.get(tier) ?? 0) + 1);
      kinds.set(kind, byTier);
    }
  }
  const times = [...buckets.keys()].sort((a, b) => a - b);
  const max = Math.max(1, ...[...buckets.values()].map((m) => [...m.values()].reduce((a, b) => a + b, 0)));
  const H = 160;
  let bars = '';
  times.forEach((t, i) => {
    let y = H - 20;
    const x = 40 + i * 70;
    for (const tier of TIERS) {
      const h = ((buckets.get(t)!.get(tier) ?? 0) / max) * (H - 40);
      y -= h;
      if (h > 0) bars += `<rect x="${x}" y="${y}" width="44" height="${h}" fill="${TIER_COLORS[tier]}"/>`;
    }
    bars += `<text x="${x}" y="${H - 6}" class="tick">${new Date(t).toISOString().slice(11, 16)}</text>`;
  });
  bars += `<text x="4" y="24" class="tick">${max}</text>`;
  const legend = TIERS.map((t) => `<span><i style="background:${TIER_COLORS[t]}"></i>${t}</span>`).join('');
  const rows = [...kinds]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([kind, byTier]) =>
        `<tr><td>${esc(kind)}</td>${TIERS.map((t) => `<td>${byTier.get(t) ?? ''}</td>`).join('')}</tr>`,
    )
    .join('');
  const audits = records.length - decisions.length;
  return `<section class="wide"><h2>Guard decisions by tier and kind over time (${decisions.length} decisions, ${audits} end-of-turn audits)</h2><div class="pair"><div><svg width="${60 + times.length * 70}" height="${H}">${bars}</svg><div class="legend">${legend}</div></div><table><tr><th>kind</th>${TIERS.map((t) => `<th>${t}</th>`).join('')}</tr>${rows}</table></div></section>`;
}

/** The guard hook on every payload of the guard tests, three times an hour apart, and a stop audit each time. */
async function guardWorkspace(): Promise<{ workspace: string; transcript: string }> {
  const workspace = makeWorkspace();
  const transcript = claudeTranscript(workspace, 4);
  const dir = join(ROOT, 'test/fixtures/guard/payloads');
  for (let hour = 0; hour < 3; hour++) {
    for (const [i, name] of readdirSync(dir).sort().entries()) {
      const agent = (name.startsWith('claude') ? 'claude-code' : name.split('-')[0]) as GuardAgent;
      // Later hours: fewer payloads, so the bars differ.
      if (i % 3 < hour) continue;
      const now = new Date(Date.UTC(2026, 10, 20, 9 + hour, i * 2));
      await runHook(agent, payload(name, workspace, agent === 'claude-code' ? transcript : null), {
        now,
        cacheDir: join(workspace, 'cache'),
      });
    }
  }
  return { workspace, transcript };
}

/** `agent-vitals analyze --otlp` as a user runs it, sending to `endpoint`. */
async function analyzeAndExport(args: string[], endpoint: string): Promise<void> {
  const cli = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'analyze', ...args, '--otlp'], {
    cwd: ROOT,
    env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const status = await new Promise<number | null>((resolve) => cli.on('exit', resolve));
  if (status !== 0) throw new Error(`analyze --otlp exited ${status}`);
}

function flagsPanel(flags: ReceivedLog[]): string {
  const rows = flags
    .map((f) => {
      const a = f.attributes;
      return `<tr><td>${new Date(f.timeMs).toISOString().slice(0, 19).replace('T', ' ')}</td><td class="sev-${a['agent_vitals.flag.severity']}">${a['agent_vitals.flag.severity']}</td><td>${esc((a['agent_vitals.flag.kinds'] as string[]).join(', '))}</td><td>${esc(String(a['agent_vitals.flag.path']))}</td><td>${a['agent_vitals.flag.status']}</td><td>${esc(String(a['gen_ai.agent.name']))}</td></tr>`;
    })
    .join('');
  return `<section class="wide"><h2>Flags (kinds, severity, workspace-relative path, status)</h2><table><tr><th>time</th><th>severity</th><th>kinds</th><th>path</th><th>status</th><th>agent</th></tr>${rows}</table></section>`;
}

async function main(): Promise<void> {
  const receiver = await startOtlpReceiver();
  const guard = await guardWorkspace();
  try {
    // Asynchronously: the receiver answers in this process while the CLI runs.
    await analyzeAndExport(
      ['test/fixtures/transcripts', '--model', 'fixture:emotion-tiny', '--otlp-workspace', '/home/dev/shop'],
      receiver.url,
    );
    await analyzeAndExport([guard.transcript, '--otlp-workspace', guard.workspace], receiver.url);
  } finally {
    await receiver.close();
    rmSync(guard.workspace, { recursive: true, force: true });
  }
  const logs = receiver.received.logs;
  const assistantTurns = logs.filter(
    (l) => l.eventName === 'agent_vitals.turn' && l.attributes['agent_vitals.turn.role'] === 'assistant',
  );
  const perSession = (key: string) => {
    const series = new Map<string, number[]>();
    for (const t of assistantTurns.sort((a, b) => a.timeMs - b.timeMs)) {
      const v = t.attributes[key];
      if (typeof v !== 'number') continue;
      const name = `${t.attributes['gen_ai.agent.name']} ${String(t.attributes['gen_ai.conversation.id']).slice(0, 8)}`;
      series.set(name, [...(series.get(name) ?? []), v]);
    }
    return series;
  };
  const html = `<!doctype html><html><head><style>
    body{margin:0;padding:16px;background:#111217;color:#ccccdc;font:13px Inter,Arial,sans-serif;width:1180px}
    h1{font-size:16px;margin:0 0 12px}
    main{display:grid;grid-template-columns:1fr 1fr;gap:12px}
    section{background:#181b1f;border:1px solid #2c3235;border-radius:4px;padding:8px 10px}
    section.wide{grid-column:1/3}
    h2{font-size:13px;font-weight:500;margin:0 0 6px}
    .tick{fill:#8e8e9e;font-size:11px}
    .legend span{margin-right:12px;font-size:11px}.legend i{display:inline-block;width:10px;height:3px;margin-right:4px;vertical-align:middle}
    table{border-collapse:collapse;width:100%;font-size:12px}td,th{border-bottom:1px solid #2c3235;padding:3px 6px;text-align:left}
    .pair{display:flex;gap:24px;align-items:flex-start}.pair table{width:auto}
    .sev-critical{color:#f2495c}.sev-warning{color:#ff9830}.sev-info{color:#5794f2}
  </style></head><body><h1>Agent Vitals — team (panels of examples/otel/grafana-dashboard.json, drawn from ${logs.length} exported OTLP log records)</h1><main>
    ${linePanel('Desperation per session (mean z of each assistant turn)', perSession('agent_vitals.reading.desperate.mean'))}
    ${linePanel('Behavioural pressure per session', perSession('agent_vitals.pressure.score'))}
    ${outcomePanel(logs.filter((l) => l.eventName === 'agent_vitals.test_run'))}
    ${flagsPanel(logs.filter((l) => l.eventName === 'agent_vitals.flag'))}
    ${guardPanel(logs.filter((l) => l.eventName === 'agent_vitals.guard_decision'))}
  </main></body></html>`;
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1212, height: 400 } });
    await page.setContent(html);
    await page.screenshot({ path: OUT, fullPage: true });
  } finally {
    await browser.close();
  }
  console.log(`wrote ${OUT} from ${logs.length} records (${assistantTurns.length} assistant turns)`);
}

void main();
