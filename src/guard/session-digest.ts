// What the guard knows of a session: its pressure (for a decision before an edit) and its audit
// (for the end of a turn), followed event by event. Its state is small and saved as JSON, so the
// hook can carry it from one call to the next (./transcript-checkpoint.ts) instead of the events.
import type { AgentEvent } from '../core/events';
import type { LiveValidity } from '../contracts/reading';
import { asObject } from '../storage/json-state';
import { RecordedPressure, type SessionPressure } from '../transcript-pipeline/flags';
import { SessionAuditor, type SessionAudit } from './audit';

export class SessionDigest {
  private constructor(
    private readonly recorded: RecordedPressure,
    private readonly auditor: SessionAuditor,
  ) {}

  static empty(): SessionDigest {
    return new SessionDigest(RecordedPressure.empty(), SessionAuditor.empty());
  }

  /** The state `save` returned; throws a StateError on anything else. */
  static restore(value: unknown): SessionDigest {
    const s = asObject(value, 'digest');
    return new SessionDigest(RecordedPressure.restore(s.pressure), SessionAuditor.restore(s.audit));
  }

  save(): unknown {
    return { pressure: this.recorded.save(), audit: this.auditor.save() };
  }

  /** Takes the session's events in stream order. */
  observe(e: AgentEvent): void {
    this.recorded.observe(e);
    this.auditor.observe(e);
  }

  pressure(at: string, reader?: LiveValidity): SessionPressure {
    return this.recorded.at(at, reader);
  }

  audit(): SessionAudit {
    return this.auditor.audit();
  }
}
