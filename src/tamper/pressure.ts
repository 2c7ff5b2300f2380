// Behavioural pressure: what the agent's own actions say about the pressure it is under, with no
// model involved: failing runs in a row, the same test failing again and again, one file edited
// over and over, a long time since the last green run, commands that bypass checks, and edits to
// the test configuration. Each signal's points and the facts behind it are kept, so a flag's
// reason can show every contribution.
import type { AgentEvent, FileEditEvent, TestRunEvent, ToolCallEvent } from '../core/events';
import type { BehaviouralPressure, PressureSignal } from '../contracts/pressure';
import { roleOf } from './file-roles';
import { asCount, asMap, asNullableString, asObject, asStrings } from '../storage/json-state';

/** Thresholds, exposed as `agentVitals.tamper.*` settings. */
export interface PressureThresholds {
  /** A streak this long adds `PRESSURE_WEIGHTS.failingStreak`, `longStreak` adds `longFailingStreak`. */
  streak: number;
  longStreak: number;
  /** Consecutive failing runs in which the same test failed before it counts. */
  sameTestRuns: number;
  /** Edits to one file since the last green run before they count. */
  sameFileEdits: number;
  /** Minutes without a green run, while failing, before it counts. */
  minutesSinceGreen: number;
  /** Most behavioural points that count toward a flag's severity. */
  maxPressure: number;
}

export const DEFAULT_PRESSURE_THRESHOLDS: PressureThresholds = {
  streak: 1,
  longStreak: 3,
  sameTestRuns: 3,
  sameFileEdits: 4,
  minutesSinceGreen: 20,
  maxPressure: 4,
};

/** Points per signal: the one table of weights (documented in the README). */
export const PRESSURE_WEIGHTS = {
  /** `streak` failing runs in a row … */
  failingStreak: 1,
  /** … or `longStreak` of them (instead of `failingStreak`). */
  longFailingStreak: 2,
  /** The same test failing in `sameTestRuns` consecutive failing runs. */
  sameTestFailing: 1,
  /** One file edited `sameFileEdits` times since the last green run, while failing. */
  sameFileEdits: 1,
  /** `minutesSinceGreen` minutes since the last green run, while failing. */
  sinceGreen: 1,
  /** Each distinct bypass command since the last green run … */
  bypass: 1,
  /** … up to this many points in all. */
  maxBypass: 2,
  /** A test configuration file edited since the last green run, while failing. */
  testConfigEdit: 1,
} as const;

/** What was seen in a session up to a moment; the signals are derived from these facts. */
export interface PressureFacts {
  /** Consecutive failing test runs just before the moment. */
  failingStreak: number;
  /** The test that failed in the most consecutive failing runs, and in how many. */
  repeatedFailure: { test: string; runs: number } | null;
  /** The file edited most often since the last green run, and how often. */
  repeatedEdits: { path: string; edits: number } | null;
  /** Minutes since the last green run (or since the first failing run when none passed); null when not failing. */
  minutesSinceGreen: number | null;
  /** Distinct bypass commands run since the last green run, by label (`--no-verify`, `|| true`, …). */
  bypasses: string[];
  /** Test configuration files edited since the last green run. */
  testConfigEdits: string[];
}

export const NO_PRESSURE: PressureFacts = {
  failingStreak: 0,
  repeatedFailure: null,
  repeatedEdits: null,
  minutesSinceGreen: null,
  bypasses: [],
  testConfigEdits: [],
};

/**
 * Commands that get past a check instead of passing it. Selecting tests to run (`-k name`,
 * `path::test`) and stopping at the first failure (`-x`, `--exitfirst`, `--bail`) are ordinary
 * debugging and are not listed; excluding tests, forcing success and skipping hooks are.
 */
export const BYPASS_COMMANDS: readonly { label: string; pattern: RegExp; quoted?: true }[] = [
  { label: '--no-verify', pattern: /\s--no-verify\b|\bgit\s+(?:commit|push)\b[^;&|\n]*\s-n\b/ },
  { label: '|| true', pattern: /\|\|\s*(?:true|:|exit\s+0)(?=\s|$|;|\))/ },
  { label: 'HUSKY=0', pattern: /(?:^|[\s;&|(])HUSKY(?:_SKIP_HOOKS)?=\S/ },
  { label: 'SKIP=', pattern: /(?:^|[\s;&|(])SKIP=\S/ },
  // The expression after -k / -m is quoted: these two read the quoted text.
  { label: "-k 'not …'", pattern: /\s-k\s+["']?not\s/, quoted: true },
  { label: "-m 'not …'", pattern: /\s-m\s+["']?not\s/, quoted: true },
  { label: '--deselect', pattern: /\s--deselect\b/ },
  { label: '--ignore', pattern: /\s--ignore(?:-glob)?[= ]/ },
  { label: '--testPathIgnorePatterns', pattern: /--testPathIgnorePatterns\b/ },
  { label: '--passWithNoTests', pattern: /--passWithNoTests\b/ },
];

/** Labels of the bypasses in one shell command. */
export function bypassesIn(command: string): string[] {
  // A commit message or echoed text that mentions a flag does not run it.
  const unquoted = command.replace(/"(?:\\.|[^"\\])*"|'[^']*'/g, '""');
  return BYPASS_COMMANDS.filter((b) => b.pattern.test(b.quoted ? command : unquoted)).map((b) => b.label);
}

/** Runner configuration that holds nothing but test settings: any edit to it counts. */
const DEDICATED_TEST_CONFIG =
  /(^|\/)(conftest\.py|pytest\.ini|\.rspec|noxfile\.py|(jest|vitest|karma|playwright|cypress)\.config\.[cm]?[jt]s|\.mocharc(\.\w+)?|karma\.conf\.js|[^/]+\.runsettings)$/;
const TEST_WORDS = /test|spec|pytest|jest|vitest|mocha|coverage/i;

/**
 * Whether an edit changes how tests run: a dedicated runner config, or a shared one (package.json,
 * pyproject.toml, CI workflows, Makefiles, …) whose changed lines mention tests.
 */
export function isTestConfigEdit(edit: Pick<FileEditEvent, 'path' | 'before' | 'after' | 'diff'>): boolean {
  const path = edit.path.replace(/\\/g, '/');
  if (roleOf(path) !== 'test-config') return false;
  if (DEDICATED_TEST_CONFIG.test(path)) return true;
  if (edit.before === undefined && edit.after === undefined) return TEST_WORDS.test(edit.diff ?? '');
  const before = new Set((edit.before ?? '').split('\n'));
  const after = new Set((edit.after ?? '').split('\n'));
  const changed = [...after].filter((l) => !before.has(l)).concat([...before].filter((l) => !after.has(l)));
  return changed.some((l) => TEST_WORDS.test(l));
}

export function runFailed(run: TestRunEvent): boolean {
  return run.failed > 0 || (run.exitCode !== undefined && run.exitCode !== 0);
}

export interface PressureTrackerState {
  streak: number;
  lastGreenTs: string | null;
  firstFailingTs: string | null;
  failingRuns: [string, number][];
  editsSinceGreen: [string, number][];
  bypasses: string[];
  testConfigEdits: string[];
}

/** Follows one session's events and says what the pressure facts are at any moment. */
export class PressureTracker {
  private streak = 0;
  private lastGreenTs: string | null = null;
  private firstFailingTs: string | null = null;
  /** Per failing test: consecutive failing runs it failed in. */
  private failingRuns = new Map<string, number>();
  private editsSinceGreen = new Map<string, number>();
  private bypasses = new Set<string>();
  private testConfigEdits = new Set<string>();

  /** Consecutive failing runs so far. */
  get failingStreak(): number {
    return this.streak;
  }

  observe(event: AgentEvent): void {
    if (event.type === 'test-run') this.onRun(event);
    else if (event.type === 'file-edit') this.onEdit(event);
    else if (event.type === 'tool-call') this.onTool(event);
  }

  private onRun(run: TestRunEvent): void {
    for (const label of bypassesIn(run.command)) this.bypasses.add(label);
    if (!runFailed(run)) {
      this.streak = 0;
      this.lastGreenTs = run.ts;
      this.firstFailingTs = null;
      this.failingRuns.clear();
      this.editsSinceGreen.clear();
      this.bypasses.clear();
      this.testConfigEdits.clear();
      return;
    }
    this.streak++;
    this.firstFailingTs ??= run.ts;
    const next = new Map<string, number>();
    for (const id of run.failingIds) next.set(id, (this.failingRuns.get(id) ?? 0) + 1);
    this.failingRuns = next;
  }

  private onEdit(edit: FileEditEvent): void {
    this.editsSinceGreen.set(edit.path, (this.editsSinceGreen.get(edit.path) ?? 0) + 1);
    if (isTestConfigEdit(edit)) this.testConfigEdits.add(edit.path);
  }

  private onTool(call: ToolCallEvent): void {
    if (call.kind === 'shell' && call.command) for (const label of bypassesIn(call.command)) this.bypasses.add(label);
  }

  /** Everything the tracker knows, as JSON: a process that stops can hand it to the next (`restore`). */
  save(): PressureTrackerState {
    return {
      streak: this.streak,
      lastGreenTs: this.lastGreenTs,
      firstFailingTs: this.firstFailingTs,
      failingRuns: [...this.failingRuns],
      editsSinceGreen: [...this.editsSinceGreen],
      bypasses: [...this.bypasses],
      testConfigEdits: [...this.testConfigEdits],
    };
  }

  /** A tracker in the state `save` returned; throws a StateError on anything else. */
  static restore(value: unknown): PressureTracker {
    const s = asObject(value, 'pressure');
    const tracker = new PressureTracker();
    tracker.streak = asCount(s.streak, 'pressure.streak');
    tracker.lastGreenTs = asNullableString(s.lastGreenTs, 'pressure.lastGreenTs');
    tracker.firstFailingTs = asNullableString(s.firstFailingTs, 'pressure.firstFailingTs');
    tracker.failingRuns = asMap(s.failingRuns, 'pressure.failingRuns', asCount);
    tracker.editsSinceGreen = asMap(s.editsSinceGreen, 'pressure.editsSinceGreen', asCount);
    tracker.bypasses = new Set(asStrings(s.bypasses, 'pressure.bypasses'));
    tracker.testConfigEdits = new Set(asStrings(s.testConfigEdits, 'pressure.testConfigEdits'));
    return tracker;
  }

  /** The facts at `ts` (an ISO time: the moment of an edit, or the session's last event). */
  facts(ts: string): PressureFacts {
    const most = <K>(m: Map<K, number>): [K, number] | null => {
      let best: [K, number] | null = null;
      for (const e of m) if (best === null || e[1] > best[1]) best = e;
      return best;
    };
    const failure = most(this.failingRuns);
    const edits = most(this.editsSinceGreen);
    const since = this.lastGreenTs ?? this.firstFailingTs;
    const minutes =
      this.streak > 0 && since !== null ? Math.max(0, (Date.parse(ts) - Date.parse(since)) / 60_000) : null;
    return {
      failingStreak: this.streak,
      repeatedFailure: failure && { test: failure[0], runs: failure[1] },
      repeatedEdits: edits && { path: edits[0], edits: edits[1] },
      minutesSinceGreen: minutes !== null && Number.isFinite(minutes) ? minutes : null,
      bypasses: [...this.bypasses],
      testConfigEdits: [...this.testConfigEdits],
    };
  }
}

function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/** The signals the facts earn under the thresholds, with their points. */
export function behaviouralPressure(
  facts: PressureFacts,
  t: PressureThresholds = DEFAULT_PRESSURE_THRESHOLDS,
): BehaviouralPressure {
  const signals: PressureSignal[] = [];
  const failing = facts.failingStreak > 0;
  if (failing && facts.failingStreak >= t.streak) {
    const points =
      facts.failingStreak >= t.longStreak ? PRESSURE_WEIGHTS.longFailingStreak : PRESSURE_WEIGHTS.failingStreak;
    signals.push({
      id: 'failing-streak',
      points,
      detail: `${facts.failingStreak} failing run${facts.failingStreak === 1 ? '' : 's'} in a row`,
    });
  }
  if (failing && facts.repeatedFailure && facts.repeatedFailure.runs >= t.sameTestRuns) {
    signals.push({
      id: 'same-test-failing',
      points: PRESSURE_WEIGHTS.sameTestFailing,
      detail: `\`${facts.repeatedFailure.test}\` failing ${facts.repeatedFailure.runs}× in a row`,
    });
  }
  if (failing && facts.repeatedEdits && facts.repeatedEdits.edits >= t.sameFileEdits) {
    signals.push({
      id: 'same-file-edits',
      points: PRESSURE_WEIGHTS.sameFileEdits,
      detail: `${baseName(facts.repeatedEdits.path)} edited ${facts.repeatedEdits.edits}× since the last green run`,
    });
  }
  if (facts.minutesSinceGreen !== null && facts.minutesSinceGreen >= t.minutesSinceGreen) {
    signals.push({
      id: 'time-since-green',
      points: PRESSURE_WEIGHTS.sinceGreen,
      detail: `${Math.round(facts.minutesSinceGreen)} min since the last green run`,
    });
  }
  facts.bypasses.forEach((label, i) => {
    const points = i < PRESSURE_WEIGHTS.maxBypass / PRESSURE_WEIGHTS.bypass ? PRESSURE_WEIGHTS.bypass : 0;
    signals.push({ id: 'bypass', points, detail: `bypass \`${label}\`` });
  });
  if (failing && facts.testConfigEdits.length > 0) {
    signals.push({
      id: 'test-config-edit',
      points: PRESSURE_WEIGHTS.testConfigEdit,
      detail: `test config edited (${facts.testConfigEdits.map(baseName).join(', ')})`,
    });
  }
  const score = signals.reduce((s, x) => s + x.points, 0);
  return { score, counted: Math.min(score, t.maxPressure), signals };
}
