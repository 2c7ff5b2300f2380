// A minimal stand-in for the `vscode` module, enough for host modules that only need URIs, events,
// a webview, the workspace's folders, trust and settings, and the window's pickers and messages;
// installed before those modules are loaded.
// One stub per process: test files that share a process all see this object, and set what they
// need on `stubWorkspace` rather than installing a `vscode` of their own.
import Module from 'node:module';

export class StubUri {
  constructor(readonly fsPath: string) {}
  static joinPath(base: StubUri, ...parts: string[]): StubUri {
    return new StubUri([base.fsPath, ...parts].join('/'));
  }
  toString(): string {
    return `stub-webview:${this.fsPath}`;
  }
}

type Listener<T> = (value: T) => void;

export class StubEmitter<T> {
  private readonly listeners = new Set<Listener<T>>();
  readonly event = (listener: Listener<T>) => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };
  fire(value: T): void {
    for (const l of this.listeners) l(value);
  }
  dispose(): void {
    this.listeners.clear();
  }
}

/** A webview view whose posted messages are recorded and whose incoming messages are driven by the test. */
export class StubWebviewView {
  readonly posted: unknown[] = [];
  readonly incoming = new StubEmitter<unknown>();
  readonly disposed = new StubEmitter<void>();
  readonly webview = {
    options: {},
    html: '',
    cspSource: 'stub-csp',
    asWebviewUri: (uri: StubUri) => uri,
    onDidReceiveMessage: this.incoming.event,
    postMessage: async (message: unknown) => {
      this.posted.push(message);
      return true;
    },
  };
  readonly onDidDispose = this.disposed.event;
}

/** Fired by a test: settings changed (the event's `affectsConfiguration` says which section). */
export const stubConfigurationChanges = new StubEmitter<{ affectsConfiguration(section: string): boolean }>();
export const stubTrustGranted = new StubEmitter<void>();

/** The `workspace` namespace; a test sets trust, settings and folders before calling the module under test. */
export const stubWorkspace: {
  isTrusted: boolean;
  getConfiguration: (section: string) => unknown;
  workspaceFolders: { name: string; uri: StubUri }[] | undefined;
  onDidChangeConfiguration: StubEmitter<{ affectsConfiguration(section: string): boolean }>['event'];
  onDidGrantWorkspaceTrust: StubEmitter<void>['event'];
} = {
  isTrusted: true,
  getConfiguration: (section) => {
    throw new Error(`no settings for ${section}: set stubWorkspace.getConfiguration in the test`);
  },
  workspaceFolders: undefined,
  onDidChangeConfiguration: stubConfigurationChanges.event,
  onDidGrantWorkspaceTrust: stubTrustGranted.event,
};

const unset = (name: string) => () => {
  throw new Error(`window.${name} was called: set stubWindow.${name} in the test`);
};

/** The `window` namespace's pickers and messages; a test answers them as the user would. */
export const stubWindow: Record<
  'showQuickPick' | 'showWarningMessage' | 'showInformationMessage' | 'showErrorMessage',
  (...args: never[]) => unknown
> = {
  showQuickPick: unset('showQuickPick'),
  showWarningMessage: unset('showWarningMessage'),
  showInformationMessage: unset('showInformationMessage'),
  showErrorMessage: unset('showErrorMessage'),
};

const stub = { Uri: StubUri, EventEmitter: StubEmitter, workspace: stubWorkspace, window: stubWindow };

const moduleWithLoad = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
const load = moduleWithLoad._load;
moduleWithLoad._load = function (request: string, ...rest: unknown[]) {
  return request === 'vscode' ? stub : load.call(this, request, ...rest);
};
