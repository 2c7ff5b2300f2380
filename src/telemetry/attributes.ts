// The names exported records and metrics carry: OpenTelemetry GenAI semantic conventions where
// they fit, and the `agent_vitals.*` namespace for the rest (documented in README "Team use").

/** The values an exported record or span attribute takes. */
export type RecordValue = string | number | boolean | string[];

export const GEN_AI_AGENT_NAME = 'gen_ai.agent.name';
export const GEN_AI_CONVERSATION_ID = 'gen_ai.conversation.id';
export const GEN_AI_RESPONSE_MODEL = 'gen_ai.response.model';
export const GEN_AI_OPERATION_NAME = 'gen_ai.operation.name';
/** The GenAI operation a session span stands for: an agent invoked for a conversation. */
export const INVOKE_AGENT = 'invoke_agent';

/** Log record event names, one per kind of record. */
export const EVENT_TURN = 'agent_vitals.turn';
export const EVENT_TEST_RUN = 'agent_vitals.test_run';
export const EVENT_FLAG = 'agent_vitals.flag';
/** A guard hook decision or end-of-turn audit (`agent_vitals.guard.event` says which). */
export const EVENT_GUARD = 'agent_vitals.guard_decision';

export const ATTR = {
  seq: 'agent_vitals.seq',
  sessionTurns: 'agent_vitals.session.turns',
  sessionTestRuns: 'agent_vitals.session.test_runs',
  turnId: 'agent_vitals.turn.id',
  role: 'agent_vitals.turn.role',
  /** Prefix of `agent_vitals.reading.<emotion>.{mean,p90,max}`. */
  reading: 'agent_vitals.reading',
  readerValid: 'agent_vitals.reader.valid',
  pressureScore: 'agent_vitals.pressure.score',
  pressureCounted: 'agent_vitals.pressure.counted',
  pressureSignals: 'agent_vitals.pressure.signals',
  testFramework: 'agent_vitals.test_run.framework',
  testOrigin: 'agent_vitals.test_run.origin',
  testOutcome: 'agent_vitals.test_run.outcome',
  testExitCode: 'agent_vitals.test_run.exit_code',
  testPassed: 'agent_vitals.test_run.passed',
  testFailed: 'agent_vitals.test_run.failed',
  testSkipped: 'agent_vitals.test_run.skipped',
  testDurationMs: 'agent_vitals.test_run.duration_ms',
  testCommand: 'agent_vitals.test_run.command',
  flagKinds: 'agent_vitals.flag.kinds',
  flagSeverity: 'agent_vitals.flag.severity',
  flagPath: 'agent_vitals.flag.path',
  flagStatus: 'agent_vitals.flag.status',
  flagDesperation: 'agent_vitals.flag.desperation',
  flagReason: 'agent_vitals.flag.reason',
  guardEvent: 'agent_vitals.guard.event',
  guardTier: 'agent_vitals.guard.tier',
  guardTool: 'agent_vitals.guard.tool',
  guardPath: 'agent_vitals.guard.path',
  guardKinds: 'agent_vitals.guard.kinds',
  guardPressured: 'agent_vitals.guard.pressured',
  guardFlags: 'agent_vitals.guard.flags',
  guardFailingTests: 'agent_vitals.guard.failing_tests',
  machine: 'agent_vitals.machine',
  workspace: 'agent_vitals.workspace',
} as const;

/** Metric instrument names. */
export const METRIC = {
  turns: 'agent_vitals.turns',
  reading: 'agent_vitals.reading',
  pressure: 'agent_vitals.pressure',
  testRuns: 'agent_vitals.test_runs',
  flags: 'agent_vitals.flags',
  guard: 'agent_vitals.guard_decisions',
  emotion: 'agent_vitals.emotion',
} as const;
