// What live scoring needs from the model's owner: a sidecar to send requests to, where the model
// stands, and word when it (re)loads. No vscode import, so the score source and its tests depend
// on this contract, not on the window's sidecar host.
import type { ModelInfo } from '../../contracts/rpc-methods';
import type { DirectRequester } from '../../sidecar-client/sidecar-client';
import type { ScoringStatus } from '../../contracts/sidebar-protocol';
import type { Disposable } from './parts';

export interface ModelLifecycle {
  /** The sidecar the conversations live in; its pid changes when a new process replaces it. */
  readonly client: DirectRequester;
  readonly status: ScoringStatus;
  /** Fires with every change of where scoring stands. */
  onStatus(listener: (status: ScoringStatus) => void): Disposable;
  /** Fires when a model (re)loaded: conversations held by the sidecar are gone. */
  onReloaded(listener: () => void): Disposable;
  /** The loaded model (with vectors or not), or null when it is not on this machine yet. */
  ensureModel(): Promise<ModelInfo | null>;
  restart(): Promise<void>;
}
