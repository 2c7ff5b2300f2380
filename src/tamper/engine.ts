// The flag engine: consumes the event stream (FileEdit, TestRun), keeps each session's pressure
// context, classifies edits, and raises or updates flags. Replaying a stream gives the same flags.
import type { AgentEvent, FileEditEvent, TestRunEvent } from '../core/events';
import { BENIGN_FLAG_KINDS, type Flag } from '../core/flags';
import { changedLines, hunkFingerprint } from './changed-lines';
import { classifyEdit, type Finding } from './classify';
import { NO_READER, type LiveValidity } from '../contracts/reading';
import { PressureTracker, runFailed, type PressureTrackerState } from './pressure';
import {
  assessSeverity,
  DEFAULT_SEVERITY_SETTINGS,
  type Desperation,
  type FlagPressure,
  type PressureContext,
  type SeveritySettings,
} from './severity';
import { distinctiveLiterals, testCommandKinds } from './text-rules';
import {
  asArray,
  asBoolean,
  asCount,
  asMap,
  asNullableString,
  asObject,
  asString,
  asStrings,
  StateError,
} from '../storage/json-state';

export interface RunSummary {
  seq: number;
  ts: string;
  command: string;
  passed: number | null;
  failed: number;
  failingIds: string[];
}

/**
 * A flag with everything the UI needs: the edit's texts, evidence, and the runs around it.
 * `subject` 'command' flags a test run whose command excludes tests or forces success; then
 * `before`/`after` are the previous and the new command, `path` the workspace root, and `editSeq`
 * the run's sequence number.
 */
export interface TamperFlag extends Flag {
  subject: 'edit' | 'command';
  findings: Finding[];
  pressure: PressureContext;
  /** What the pressure added and why, as `analyze --json` prints it. */
  pressureSummary: FlagPressure;
  /** Texts of the edit; absent sides mean the file was created or deleted. */
  before: string | null;
  after: string | null;
  /** False when only a diff (or one side) was recorded: the texts are fragments, not whole files. */
  wholeFile: boolean;
  op: FileEditEvent['op'];
  /** 1-based lines of the after-text the edit changed, for editor decorations. */
  changedLines: number[];
  hunk: string;
  /** Up to three runs before the edit and the first run after it. */
  runsBefore: RunSummary[];
  runAfter: RunSummary | null;
}

export interface TamperEngineState {
  sessions: [string, Omit<SessionState, 'behaviour' | 'awaitingRun'> & { behaviour: PressureTrackerState }][];
  testLiterals: [string, string[]][];
}

/** Runs each session keeps: a flag shows up to three before its edit. */
const RECENT_RUNS = 3;

function runSummary(value: unknown, what: string): RunSummary {
  const r = asObject(value, what);
  return {
    seq: asCount(r.seq, `${what}.seq`),
    ts: asString(r.ts, `${what}.ts`),
    command: asString(r.command, `${what}.command`),
    passed: r.passed === null ? null : asCount(r.passed, `${what}.passed`),
    failed: asCount(r.failed, `${what}.failed`),
    failingIds: asStrings(r.failingIds, `${what}.failingIds`),
  };
}

export interface TamperEngineOptions {
  settings?: SeveritySettings;
  /** Desperation at the moment of an edit; omit (or return null) when no model is loaded. */
  desperationAt?: (edit: FileEditEvent) => Desperation | null;
  /** Whether the loaded reader's desperation may count; default: no reader loaded. */
  readerValidity?: () => LiveValidity;
}

interface SessionState {
  runs: RunSummary[];
  lastCommand: string | null;
  lastFailing: { failingIds: string[]; output: string | null } | null;
  productionChangedSinceLastPass: boolean;
  /** Failing streak, repeated failures and edits, bypasses: the behavioural pressure's facts. */
  behaviour: PressureTracker;
  /** Flags still waiting for the next run to learn whether it passed. */
  awaitingRun: TamperFlag[];
}

export class TamperEngine {
  private readonly sessions = new Map<string, SessionState>();
  private readonly testLiterals = new Map<string, Set<string>>();
  private readonly all: TamperFlag[] = [];
  private readonly settings: SeveritySettings;
  private readonly desperationAt: (edit: FileEditEvent) => Desperation | null;
  private readonly readerValidity: () => LiveValidity;

  constructor(options: TamperEngineOptions = {}) {
    this.settings = options.settings ?? DEFAULT_SEVERITY_SETTINGS;
    this.desperationAt = options.desperationAt ?? (() => null);
    this.readerValidity = options.readerValidity ?? (() => NO_READER);
  }

  /** Lets production edits be checked against test files the stream has not shown (e.g. read from disk). */
  addTestSource(path: string, text: string): void {
    this.testLiterals.set(path, distinctiveLiterals(text));
  }

  /**
   * What classifying the next events depends on, as JSON: each session's recent runs, last
   * command and failing run, and pressure, and the test files' literals. The flags raised so far
   * are not part of it, nor are flags still waiting for their next run: an engine restored from
   * this raises the same flags for later events, with the same kinds.
   */
  save(): TamperEngineState {
    return {
      sessions: [...this.sessions].map(([key, s]) => [
        key,
        {
          runs: s.runs,
          lastCommand: s.lastCommand,
          lastFailing: s.lastFailing,
          productionChangedSinceLastPass: s.productionChangedSinceLastPass,
          behaviour: s.behaviour.save(),
        },
      ]),
      testLiterals: [...this.testLiterals].map(([path, literals]) => [path, [...literals]]),
    };
  }

  /** Takes up the state `save` returned (into an engine that has seen nothing); throws a StateError on anything else. */
  restore(value: unknown): void {
    const state = asObject(value, 'engine');
    const sessions = asMap(state.sessions, 'engine.sessions', (v, what) => {
      const s = asObject(v, what);
      const lastFailing = s.lastFailing === null ? null : asObject(s.lastFailing, `${what}.lastFailing`);
      return {
        runs: asArray(s.runs, `${what}.runs`, runSummary).slice(-RECENT_RUNS),
        lastCommand: asNullableString(s.lastCommand, `${what}.lastCommand`),
        lastFailing: lastFailing && {
          failingIds: asStrings(lastFailing.failingIds, `${what}.lastFailing.failingIds`),
          output: asNullableString(lastFailing.output, `${what}.lastFailing.output`),
        },
        productionChangedSinceLastPass: asBoolean(s.productionChangedSinceLastPass, `${what}.productionChanged`),
        behaviour: PressureTracker.restore(s.behaviour),
        awaitingRun: [],
      };
    });
    const literals = asMap(state.testLiterals, 'engine.testLiterals', (v, what) => new Set(asStrings(v, what)));
    if (this.sessions.size > 0 || this.testLiterals.size > 0) throw new StateError('engine has seen events already');
    for (const [key, s] of sessions) this.sessions.set(key, s);
    for (const [path, set] of literals) this.testLiterals.set(path, set);
  }

  /** Flags raised so far, in stream order. */
  flags(): readonly TamperFlag[] {
    return this.all;
  }

  /** Feeds one event; returns the flags it created or changed. */
  observe(event: AgentEvent): TamperFlag[] {
    if (event.type === 'test-run') return this.onRun(event);
    if (event.type === 'file-edit') return this.onEdit(event);
    if (event.type === 'tool-call') this.session(event).behaviour.observe(event);
    return [];
  }

  private session(event: AgentEvent): SessionState {
    const key = `${event.source}\u0000${event.sessionId}`;
    let s = this.sessions.get(key);
    if (!s) {
      s = {
        runs: [],
        lastCommand: null,
        lastFailing: null,
        productionChangedSinceLastPass: false,
        behaviour: new PressureTracker(),
        awaitingRun: [],
      };
      this.sessions.set(key, s);
    }
    return s;
  }

  private onRun(run: TestRunEvent): TamperFlag[] {
    const s = this.session(run);
    const failed = runFailed(run);
    const summary: RunSummary = {
      seq: run.seq,
      ts: run.ts,
      command: run.command,
      passed: run.passed,
      failed: run.failed,
      failingIds: run.failingIds,
    };
    s.runs.push(summary);
    if (s.runs.length > RECENT_RUNS) s.runs.shift();
    const updated: TamperFlag[] = [];
    for (const flag of s.awaitingRun) {
      flag.runAfter = summary;
      flag.pressure = { ...flag.pressure, nextRunPassed: !failed };
      Object.assign(flag, this.judge(flag.findings, flag.pressure));
      updated.push(flag);
    }
    s.awaitingRun = [];
    const commandFlag = s.behaviour.failingStreak > 0 && s.lastCommand !== null ? this.commandFlag(run, s) : null;
    if (commandFlag) updated.push(commandFlag);
    s.lastCommand = run.command;
    s.behaviour.observe(run);
    if (failed) {
      s.lastFailing = { failingIds: run.failingIds, output: run.output ?? null };
    } else {
      s.lastFailing = null;
      s.productionChangedSinceLastPass = false;
    }
    return updated;
  }

  /** After failing runs, a run whose command now excludes tests or cannot fail is a flag itself. */
  private commandFlag(run: TestRunEvent, s: SessionState): TamperFlag | null {
    const previous = s.lastCommand ?? '';
    const kinds = testCommandKinds(previous, run.command);
    if (kinds.length === 0) return null;
    const findings: Finding[] = kinds.map((kind) => ({
      kind,
      detail: `test command changed from \`${previous}\` to \`${run.command}\``,
      line: null,
      test: null,
      wasFailing: false,
      matchesLastActual: false,
    }));
    const pressure: PressureContext = {
      ...s.behaviour.facts(run.ts),
      desperation: null,
      reader: this.readerValidity(),
      nextRunPassed: !runFailed(run),
      productionChangedSinceLastPass: s.productionChangedSinceLastPass,
    };
    const path = run.workspaceRoot ?? '';
    const flag: TamperFlag = {
      id: `${run.source}:${run.sessionId}:${run.seq}`,
      subject: 'command',
      source: run.source,
      sessionId: run.sessionId,
      ts: run.ts,
      path,
      kinds,
      desperation: null,
      editSeq: run.seq,
      findings,
      pressure,
      ...this.judge(findings, pressure),
      before: previous,
      after: run.command,
      wholeFile: false,
      op: 'update',
      changedLines: [],
      hunk: hunkFingerprint(path, previous, run.command),
      runsBefore: [...s.runs.slice(0, -1)],
      runAfter: s.runs[s.runs.length - 1],
    };
    this.all.push(flag);
    return flag;
  }

  private onEdit(edit: FileEditEvent): TamperFlag[] {
    const s = this.session(edit);
    const literals = new Set<string>();
    for (const set of this.testLiterals.values()) for (const v of set) literals.add(v);
    const classification = classifyEdit(edit, {
      failingIds: s.lastFailing?.failingIds ?? [],
      lastFailingOutput: s.lastFailing?.output ?? null,
      testLiterals: literals,
    });
    const { role, before, after } = classification;
    if (role === 'test') this.testLiterals.set(edit.path, distinctiveLiterals(`${before}\n${after}`));
    const pressure: PressureContext = {
      ...s.behaviour.facts(edit.ts),
      desperation: this.desperationAt(edit),
      reader: this.readerValidity(),
      nextRunPassed: null,
      productionChangedSinceLastPass: s.productionChangedSinceLastPass,
    };
    s.behaviour.observe(edit);
    if (role === 'production') s.productionChangedSinceLastPass = true;
    const suspicious = classification.findings.some((f) => !BENIGN_FLAG_KINDS.has(f.kind));
    if (!suspicious) return [];
    const flag: TamperFlag = {
      id: `${edit.source}:${edit.sessionId}:${edit.seq}`,
      subject: 'edit',
      source: edit.source,
      sessionId: edit.sessionId,
      ts: edit.ts,
      path: edit.path,
      kinds: classification.kinds,
      desperation: pressure.desperation?.z ?? null,
      editSeq: edit.seq,
      findings: classification.findings,
      pressure,
      ...this.judge(classification.findings, pressure),
      before: edit.op === 'create' ? null : before,
      after: edit.op === 'delete' ? null : after,
      wholeFile:
        (edit.op === 'create' || edit.before !== undefined) && (edit.op === 'delete' || edit.after !== undefined),
      op: edit.op,
      changedLines: edit.op === 'delete' ? [] : changedLines(before, after),
      hunk: hunkFingerprint(edit.path, before, after),
      runsBefore: [...s.runs],
      runAfter: null,
    };
    s.awaitingRun.push(flag);
    this.all.push(flag);
    return [flag];
  }

  /** Severity and reason under the reader's validity now (vectors may have been validated since). */
  private judge(
    findings: Finding[],
    pressure: PressureContext,
  ): Pick<TamperFlag, 'severity' | 'reason' | 'pressureSummary'> {
    const a = assessSeverity(findings, { ...pressure, reader: this.readerValidity() }, this.settings);
    return { severity: a.severity ?? 'info', reason: a.reason, pressureSummary: a.pressure };
  }
}
