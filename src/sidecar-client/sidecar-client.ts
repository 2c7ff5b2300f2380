// The host's handle on the sidecar process: forks it, speaks the typed protocol, restarts it
// with backoff when it dies, and gives up (saying why) after too many crashes.
import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import {
  CancellationTokenSource,
  ErrorCodes,
  createMessageConnection,
  ResponseError,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
  type NotificationType,
  type RequestType,
  type RequestType0,
} from 'vscode-jsonrpc/node';
import { fromResponseError, SidecarError, type SidecarErrorData } from '../contracts/rpc-errors';
import {
  Methods,
  Notifications,
  type LoadProgress,
  type GeneratedToken,
  type ExperimentProgressNotice,
  type CalibrationProgressNotice,
} from '../contracts/rpc-methods';
import { PingSilence } from './ping-silence';
import { CrashPolicy, DEFAULT_CRASH_POLICY, type CrashPolicyOptions } from './crash-policy';

export interface SidecarClientOptions {
  /** Path of dist/sidecar.js (or any script speaking the protocol on stdio). */
  sidecarPath: string;
  /** Arguments for the script (e.g. `['serve']` when the CLI bundle hosts the sidecar). */
  args?: string[];
  env?: NodeJS.ProcessEnv;
  execArgv?: string[];
  crashPolicy?: Partial<CrashPolicyOptions>;
  /**
   * Re-creates sidecar state (load the model, reopen conversations) after a restart, before
   * re-sent requests and new ones are sent. Its requests go straight to the new process.
   */
  onRestarted?: (sidecar: DirectRequester) => Promise<void>;
  /** Whether a request that was in flight when the sidecar died is sent again after the restart. */
  resendAfterRestart?: (method: string, params: unknown) => boolean;
  /**
   * A sidecar with requests in flight that leaves a `status` ping unanswered this long is hung:
   * it is killed and handled like a crash (default 3000 ms, checked every 0.5 s, so a hang is
   * noticed within 5 s).
   */
  hangTimeoutMs?: number;
  /** Requests during which the sidecar may legitimately block for long (graph surgery on a large model). */
  slowMethods?: readonly string[];
  /**
   * While one of those is in flight, a sidecar is hung only after this long without any sign of
   * life (an answer to the ping, or a progress notification); default 10 minutes.
   */
  slowHangTimeoutMs?: number;
}

const DEFAULT_HANG_TIMEOUT_MS = 3000;
const DEFAULT_SLOW_HANG_TIMEOUT_MS = 10 * 60_000;
const HANG_CHECK_MS = 500;
const DEFAULT_SLOW_METHODS = ['loadModel', 'calibrate'];

export interface CrashInfo {
  reason: string;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stderrTail: string;
  crashesInWindow: number;
  /** Set when a restart is scheduled. */
  restartInMs?: number;
}

/** Sends requests to the current process without waiting for the client to be ready. */
export interface DirectRequester {
  readonly pid: number | undefined;
  request<P, R>(type: RequestType<P, R, SidecarErrorData>, params: P): Promise<R>;
}

export type ClientState = 'stopped' | 'starting' | 'running' | 'restarting' | 'failed';

type AnyRequest = RequestType<unknown, unknown, SidecarErrorData> | RequestType0<unknown, SidecarErrorData>;

interface Pending {
  type: AnyRequest;
  params: unknown;
  signal?: AbortSignal;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

const STDERR_TAIL_BYTES = 4096;
const LOST_CONNECTION = new Set<number>([
  ErrorCodes.PendingResponseRejected,
  ErrorCodes.ConnectionInactive,
  ErrorCodes.MessageWriteError,
]);

export class SidecarClient extends EventEmitter<{
  crash: [CrashInfo];
  gaveUp: [SidecarError];
  restarted: [];
  log: [string];
  loadProgress: [LoadProgress];
  generatedToken: [GeneratedToken];
  experimentProgress: [ExperimentProgressNotice];
  calibrationProgress: [CalibrationProgressNotice];
}> {
  private child?: ChildProcess;
  private connection?: MessageConnection;
  private stderrTail = '';
  private readonly policy: CrashPolicy;
  private readonly pending = new Set<Pending>();
  private ready?: Promise<void>;
  private stateValue: ClientState = 'stopped';
  private failure?: SidecarError;
  private restartTimer?: NodeJS.Timeout;
  private watchdog?: NodeJS.Timeout;
  private readonly silence: PingSilence;
  private hangReason?: string;

  constructor(private readonly options: SidecarClientOptions) {
    super();
    this.policy = new CrashPolicy({ ...DEFAULT_CRASH_POLICY, ...options.crashPolicy });
    this.silence = new PingSilence(this.hangCheckMs);
  }

  get state(): ClientState {
    return this.stateValue;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the process (once); resolves when it is ready for requests. */
  start(): Promise<void> {
    if (this.stateValue === 'failed') {
      this.policy.reset();
      this.failure = undefined;
    }
    if (this.stateValue === 'stopped' || this.stateValue === 'failed') this.ready = this.spawn();
    return this.ready ?? Promise.resolve();
  }

  private spawn(): Promise<void> {
    this.stateValue = this.stateValue === 'restarting' ? 'restarting' : 'starting';
    this.stderrTail = '';
    this.silence.heard();
    this.watchdog ??= setInterval(() => this.checkResponsive(), this.hangCheckMs);
    this.watchdog.unref();
    // fork() marks the child ELECTRON_RUN_AS_NODE under Electron; give it its own copy of env.
    const child = fork(this.options.sidecarPath, this.options.args ?? [], {
      env: { ...(this.options.env ?? process.env) },
      execArgv: this.options.execArgv ?? [],
      stdio: ['pipe', 'pipe', 'pipe', 'ipc'],
    });
    this.child = child;
    const connection = createMessageConnection(
      new StreamMessageReader(child.stdout!),
      new StreamMessageWriter(child.stdin!),
    );
    this.connection = connection;
    // Any notification is a sign of life: it answers an outstanding ping.
    const alive = () => this.silence.heard();
    connection.onNotification(Notifications.loadProgress, (p) => (alive(), this.emit('loadProgress', p)));
    connection.onNotification(Notifications.generatedToken, (p) => (alive(), this.emit('generatedToken', p)));
    connection.onNotification(Notifications.experimentProgress, (p) => (alive(), this.emit('experimentProgress', p)));
    connection.onNotification(Notifications.calibrationProgress, (p) => (alive(), this.emit('calibrationProgress', p)));
    connection.onError(() => undefined); // a broken pipe shows up as the child's exit
    connection.listen();
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-STDERR_TAIL_BYTES);
      this.emit('log', chunk);
    });
    child.stdin!.on('error', () => undefined);
    return new Promise<void>((resolve, reject) => {
      child.once('spawn', () => {
        if (this.stateValue === 'starting') this.stateValue = 'running';
        resolve();
      });
      child.once('error', (err) =>
        reject(new SidecarError('internal', `Cannot start the model sidecar: ${err.message}`)),
      );
      child.once('exit', (code, signal) => this.onExit(child, connection, code, signal));
    });
  }

  private get hangTimeoutMs(): number {
    return this.options.hangTimeoutMs ?? DEFAULT_HANG_TIMEOUT_MS;
  }

  private get hangCheckMs(): number {
    return Math.min(HANG_CHECK_MS, this.hangTimeoutMs / 2);
  }

  /** Pings a busy sidecar; one that stays silent past the timeout is killed (then restarted). */
  private checkResponsive(): void {
    const { connection, child } = this;
    if (!connection || !child || this.stateValue !== 'running' || this.hangReason) return;
    const slow = this.options.slowMethods ?? DEFAULT_SLOW_METHODS;
    const pending = [...this.pending];
    if (pending.length === 0) {
      this.silence.heard();
      return;
    }
    const limit = pending.some((p) => slow.includes(p.type.method))
      ? (this.options.slowHangTimeoutMs ?? DEFAULT_SLOW_HANG_TIMEOUT_MS)
      : this.hangTimeoutMs;
    if (this.silence.waiting) {
      if (this.silence.tick(Date.now()) < limit) return;
      this.hangReason = `stopped answering (no reply for ${(limit / 1000).toFixed(1)} s), killed`;
      child.kill('SIGKILL');
      return;
    }
    const ping = this.silence.sent(Date.now());
    connection.sendRequest(Methods.status).then(
      () => this.silence.answered(ping),
      () => undefined,
    );
  }

  private onExit(
    child: ChildProcess,
    connection: MessageConnection,
    code: number | null,
    signal: NodeJS.Signals | null,
  ): void {
    connection.dispose();
    if (this.child !== child) return;
    this.child = undefined;
    this.connection = undefined;
    if (this.stateValue === 'stopped') return;
    const lastLine = this.stderrTail.trim().split('\n').pop()?.trim();
    const how = this.hangReason ?? (signal ? `killed by ${signal}` : `exited with code ${code}`);
    this.hangReason = undefined;
    const reason = `${how}${lastLine ? `: ${lastLine}` : ''}`;
    const decision = this.policy.record(Date.now());
    const info: CrashInfo = {
      reason,
      exitCode: code,
      signal,
      stderrTail: this.stderrTail,
      crashesInWindow: decision.crashesInWindow,
      restartInMs: decision.restart ? decision.delayMs : undefined,
    };
    const resend: Pending[] = [];
    for (const p of this.pending) {
      if (decision.restart && this.options.resendAfterRestart?.(p.type.method, p.params)) resend.push(p);
      else {
        this.pending.delete(p);
        p.reject(
          new SidecarError(
            'sidecar-crashed',
            `The model sidecar stopped (${reason}) while handling '${p.type.method}'.`,
          ),
        );
      }
    }
    this.emit('crash', info);
    if (!decision.restart) {
      const minutes = this.policy.options.windowMs / 60_000;
      this.failure = new SidecarError(
        'sidecar-gave-up',
        `The model sidecar crashed ${decision.crashesInWindow} times in ${minutes} minutes (last: ${reason}). It will not be restarted automatically; restart it once the cause is fixed.`,
        { detail: this.stderrTail },
      );
      this.stateValue = 'failed';
      this.ready = undefined;
      for (const p of resend) p.reject(this.failure);
      this.emit('gaveUp', this.failure);
      return;
    }
    this.stateValue = 'restarting';
    this.ready = new Promise<void>((resolve, reject) => {
      this.restartTimer = setTimeout(() => {
        this.restartTimer = undefined;
        this.spawn()
          .then(async () => {
            this.stateValue = 'running';
            await this.options.onRestarted?.(this.direct);
            this.emit('restarted');
            for (const p of resend) {
              this.pending.delete(p);
              this.send(p);
            }
            resolve();
          })
          .catch(reject);
      }, decision.delayMs);
    });
    this.ready.catch(() => undefined);
  }

  /** Sends a typed request, starting the sidecar if needed; `signal` cancels it remotely. */
  async request<P, R>(type: RequestType<P, R, SidecarErrorData>, params: P, signal?: AbortSignal): Promise<R>;
  async request<R>(type: RequestType0<R, SidecarErrorData>): Promise<R>;
  async request(type: AnyRequest, params?: unknown, signal?: AbortSignal): Promise<unknown> {
    if (this.stateValue === 'failed' && this.failure) throw this.failure;
    if (this.stateValue === 'stopped') await this.start();
    else await this.ready;
    return this.sendNow(type, params, signal);
  }

  private sendNow(type: AnyRequest, params: unknown, signal?: AbortSignal): Promise<unknown> {
    return new Promise((resolve, reject) => this.send({ type, params, signal, resolve, reject }));
  }

  private get direct(): DirectRequester {
    return {
      pid: this.child?.pid,
      request: <P, R>(type: RequestType<P, R, SidecarErrorData>, params: P) =>
        this.sendNow(type as AnyRequest, params) as Promise<R>,
    };
  }

  private send(p: Pending): void {
    const connection = this.connection;
    if (!connection) {
      p.reject(this.failure ?? new SidecarError('sidecar-crashed', 'The model sidecar is not running.'));
      return;
    }
    this.pending.add(p);
    const cts = new CancellationTokenSource();
    const onAbort = () => cts.cancel();
    p.signal?.addEventListener('abort', onAbort, { once: true });
    if (p.signal?.aborted) cts.cancel();
    const call =
      p.type.numberOfParams === 0
        ? connection.sendRequest(p.type as RequestType0<unknown, SidecarErrorData>, cts.token)
        : connection.sendRequest(p.type as RequestType<unknown, unknown, SidecarErrorData>, p.params, cts.token);
    call
      .then(
        (value) => {
          if (!this.pending.delete(p)) return; // already settled by a crash
          p.resolve(value);
        },
        (err: unknown) => {
          // A dropped connection is settled by the exit handler (reject, or resend after restart).
          if (!(err instanceof ResponseError) || LOST_CONNECTION.has(err.code) || this.connection !== connection)
            return;
          if (!this.pending.delete(p)) return;
          p.reject(fromResponseError(err));
        },
      )
      .finally(() => {
        p.signal?.removeEventListener('abort', onAbort);
        cts.dispose();
      });
  }

  onNotification<P>(type: NotificationType<P>, handler: (params: P) => void): void {
    this.connection?.onNotification(type, handler);
  }

  /** Asks the sidecar to shut down, and kills it if it does not exit in time. */
  async stop(timeoutMs = 2000): Promise<void> {
    clearTimeout(this.restartTimer);
    clearInterval(this.watchdog);
    this.watchdog = undefined;
    const child = this.child;
    const connection = this.connection;
    this.stateValue = 'stopped';
    this.ready = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    const killTimer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    connection?.sendRequest('shutdown').catch(() => undefined);
    await exited;
    clearTimeout(killTimer);
    for (const p of this.pending) p.reject(new SidecarError('sidecar-crashed', 'The model sidecar was stopped.'));
    this.pending.clear();
  }
}
