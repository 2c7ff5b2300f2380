// The one typed protocol between the extension host and the sidebar webview. Both ends import
// it. The host posts nothing until the webview has said `ready` (so no message is lost), then
// always sends the whole view state: the view can be hidden, disposed and rebuilt at any time.

import type { AgentSource, TurnSteering } from '../core/events';
import type { Flag } from '../core/flags';
import type { Tier } from '../core/guard-tiers';
import type { FlagStatus } from './flag-status';
import type { EmotionReading, LiveValidity, ReadingReference, TokenHeat } from './reading';
import type { BehaviouralPressure } from './pressure';
import type { RetryNotice } from './download-retry';
import { steeringSetting, type SteeringSetting } from './steering';

/** Where scoring stands; each state explains itself in the panel. */
export type ScoringStatus =
  | { kind: 'unavailable'; reason: string }
  | { kind: 'no-model'; modelId: string; sizeLabel: string | null }
  /** `retry`: the last request failed in a way that passes and another follows after a wait. */
  | { kind: 'downloading'; modelId: string; received: number; total: number | null; retry?: RetryNotice }
  | { kind: 'uncalibrated'; modelId: string }
  | { kind: 'calibrating'; modelId: string; done: number; total: number; phase?: 'stories' | 'neutral' | 'vectors' }
  | { kind: 'starting'; modelId: string }
  | { kind: 'failed'; reason: string }
  /** `live`: whether the vectors' report card validated their readings on agent text. */
  | { kind: 'ready'; modelId: string; layer: number; demo: boolean; live: LiveValidity };

export type { EmotionReading, LiveValidity, TokenHeat };

export interface TurnPoint {
  turnId: string;
  seq: number;
  ts: string;
  firstLine: string;
  /** Absent until the turn has been scored. */
  emotions?: Record<string, EmotionReading>;
  /** The steering the served model wrote this turn with (own-activations sessions). */
  steering?: TurnSteering;
}

export interface TestRunMarker {
  seq: number;
  ts: string;
  command: string;
  /** Null when the runner's output does not say. */
  passed: number | null;
  failed: number;
  skipped: number;
  /** Index into `turns` of the last turn before this run (-1 when none). */
  afterTurn: number;
  /** Behavioural pressure points right after this run (absent from states saved before it existed). */
  pressure?: number;
}

export interface FlagItem extends Pick<Flag, 'id' | 'ts' | 'path' | 'kinds' | 'severity' | 'desperation' | 'reason'> {
  afterTurn: number;
  status: FlagStatus;
  /** Present when the item is a decision the guard hook made before the edit ran, not a flag on an edit that landed. */
  guard?: GuardDetail;
}

export interface GuardDetail {
  tier: Tier;
  /** The agent's tool the hook was asked about (Edit, Bash, apply_patch, …). */
  tool: string;
  /** The start of the agent's reply that followed the decision; null until the transcript has one. */
  reply: string | null;
}

export interface SessionSummary {
  key: string;
  source: AgentSource;
  sessionId: string;
  startedAt: string;
  lastEventAt: string;
  live: boolean;
  turns: number;
}

export interface Reading {
  /** Smoothed z-scores of the latest scored turn, against `shown`'s baseline. */
  desperation: number;
  calm: number;
  /** Smoothed change per turn over the recent window. */
  trend: 'rising' | 'falling' | 'steady';
  rawDesperation: number;
  rawCalm: number;
  /** The reference the setting asks for (`agentVitals.reading.reference`). */
  reference: ReadingReference;
  /** The reference the numbers above are read against: `neutral` until a session baseline exists. */
  shown: ReadingReference;
  /** Smoothed z against neutral dialogue: the fixed reference. */
  neutral: { desperation: number; calm: number };
  /** Smoothed z against this session's earlier turns; null until enough turns were scored. */
  session: { desperation: number; calm: number; baselineTurns: number } | null;
  /** Scored turns still needed before the session baseline applies (0 once it does). */
  sessionPending: number;
}

export interface SessionView {
  summary: SessionSummary;
  turns: TurnPoint[];
  testRuns: TestRunMarker[];
  reading: Reading | null;
  /** What the agent's actions say, with no model: failing streak, repeats, bypasses, … */
  pressure: BehaviouralPressure;
  /** Whose activations the readings are: the acting model's own, or the reader model's. */
  readings: { kind: 'own' | 'reader'; model: string };
}

export interface SelectedTurn {
  turnId: string;
  text: string;
  emotions?: Record<string, EmotionReading>;
  tokens?: TokenHeat[];
  steering?: TurnSteering;
}

export interface WatchInfo {
  source: AgentSource;
  label: string;
  /** What is read (Markdown), for the "no agent detected" state. */
  location: string;
  enabled: boolean;
}

export interface SidebarState {
  scoring: ScoringStatus;
  watching: WatchInfo[];
  sessions: SessionSummary[];
  followLatest: boolean;
  session: SessionView | null;
  flags: FlagItem[];
  selectedTurn: SelectedTurn | null;
  emotionsShown: string[];
  heatEmotion: string;
  /** Whether the followed session's readings may drive anything (status-bar colour, flags, notifications). */
  reader: LiveValidity;
  /** The served model's steering control (`agentVitals.serve.steering`). */
  steering: SteeringSetting;
}

export type FlagAction = 'diff' | 'dismiss' | 'legitimate' | 'revert';

/** Host → webview. */
export type SidebarHostMessage = { type: 'state'; state: SidebarState };

/** Webview → host. */
export type SidebarViewMessage =
  | { type: 'ready' }
  | { type: 'follow'; sessionKey: string | null }
  | { type: 'select-turn'; turnId: string }
  | { type: 'heat-emotion'; emotion: string }
  | { type: 'flag-action'; flagId: string; action: FlagAction }
  | { type: 'command'; command: SidebarCommand }
  /** Cancels the calibration the panel shows in progress. */
  | { type: 'cancel-calibration' }
  /** Sets the served model's steering from its next reply on. */
  | { type: 'steering'; steering: SteeringSetting };

/** The commands the panel's buttons may run; anything else is refused by the host. */
export const SIDEBAR_COMMANDS = [
  'agentVitals.selectModel',
  'agentVitals.downloadModel',
  'agentVitals.calibrate',
  'agentVitals.runReportCard',
  'agentVitals.restartSidecar',
  'agentVitals.openLog',
  'agentVitals.replayTranscript',
  'workbench.action.openSettings',
] as const;
export type SidebarCommand = (typeof SIDEBAR_COMMANDS)[number];

export function isSidebarViewMessage(value: unknown): value is SidebarViewMessage {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
    case 'cancel-calibration':
      return true;
    case 'follow':
      return m.sessionKey === null || typeof m.sessionKey === 'string';
    case 'select-turn':
      return typeof m.turnId === 'string';
    case 'heat-emotion':
      return typeof m.emotion === 'string';
    case 'flag-action':
      // typeof first: String() of an object from the page can throw or be made to say anything.
      return (
        typeof m.flagId === 'string' &&
        typeof m.action === 'string' &&
        ['diff', 'dismiss', 'legitimate', 'revert'].includes(m.action)
      );
    case 'command':
      return typeof m.command === 'string' && (SIDEBAR_COMMANDS as readonly string[]).includes(m.command);
    case 'steering': {
      const s = m.steering;
      return (
        typeof s === 'object' &&
        s !== null &&
        steeringSetting(Reflect.get(s, 'emotion'), Reflect.get(s, 'alpha')) !== null
      );
    }
    default:
      return false;
  }
}
