/**
 * A minimal `vscode` module for the tree benchmark, installed by a require hook in this process only, so that the
 * real tree (RegistryTreeProvider, the TreeNode classes, LoadCache, InstanceStore, ClientRegistry) runs in
 * plain Node beside its baseline.
 *
 * Why it does not change what is measured (requests to Quay and the wall time until they are answered): it stands
 * in only for what the nodes touch of the editor, which in VS Code are plain data holders too (TreeItem,
 * ThemeIcon, ThemeColor, MarkdownString), an event emitter, `l10n.t` as VS Code answers it when no translation
 * is loaded (the message with its `{n}` arguments filled in), settings that hold only the benchmark's instance
 * (every other setting answers its default, as in a fresh profile: 4 concurrent requests, 30 s timeout), and an
 * output channel that drops log lines. Every request is made by the extension's own QuayClient, built by
 * ClientRegistry, over real sockets to the sandbox; drawing the rows is VS Code's work, on neither side.
 */
import Module from 'node:module';
import type * as vscode from 'vscode';

type Listener<T> = (e: T) => unknown;

class EventEmitter<T> {
  private readonly listeners = new Set<Listener<T>>();
  readonly event = (listener: Listener<T>): { dispose(): void } => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
  dispose(): void {
    this.listeners.clear();
  }
}

class ThemeColor {
  constructor(readonly id: string) {}
}

class ThemeIcon {
  constructor(
    readonly id: string,
    readonly color?: ThemeColor,
  ) {}
}

class MarkdownString {
  isTrusted: unknown;
  constructor(
    public value = '',
    public supportThemeIcons = false,
  ) {}
  appendMarkdown(value: string): this {
    this.value += value;
    return this;
  }
  appendText(value: string): this {
    this.value += value;
    return this;
  }
}

class TreeItem {
  id?: string;
  description?: string;
  tooltip?: unknown;
  contextValue?: string;
  iconPath?: unknown;
  command?: unknown;
  constructor(
    readonly label: string,
    readonly collapsibleState = 0,
  ) {}
}

const settings = new Map<string, unknown>();

const standIn = {
  EventEmitter,
  ThemeColor,
  ThemeIcon,
  MarkdownString,
  TreeItem,
  TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
  ConfigurationTarget: { Global: 1, Workspace: 2, WorkspaceFolder: 3 },
  l10n: { t: (message: string, ...args: unknown[]): string => message.replace(/\{(\d+)\}/g, (m, i: string) => (Number(i) < args.length ? String(args[Number(i)]) : m)) },
  workspace: {
    getConfiguration: (section: string) => ({
      get: <T>(key: string, fallback?: T): T | undefined => (settings.has(`${section}.${key}`) ? (settings.get(`${section}.${key}`) as T) : fallback),
    }),
    onDidChangeConfiguration: () => ({ dispose: () => undefined }),
  },
  window: {
    createOutputChannel: () => ({ trace: drop, debug: drop, info: drop, warn: drop, error: drop, dispose: drop }),
  },
};

function drop(): void {}

/** Sets the benchmark's settings (`quay.instances`…); everything else answers its default. */
export function useSettings(values: Record<string, unknown>): void {
  settings.clear();
  for (const [k, v] of Object.entries(values)) settings.set(k, v);
}

/** SecretStorage over a Map: the keychain entry of the benchmark's instance. */
export class MemorySecrets implements vscode.SecretStorage {
  private readonly changed = new EventEmitter<vscode.SecretStorageChangeEvent>();
  readonly onDidChange = this.changed.event;
  constructor(private readonly values: Map<string, string>) {}
  get(key: string): Promise<string | undefined> {
    return Promise.resolve(this.values.get(key));
  }
  store(key: string, value: string): Promise<void> {
    this.values.set(key, value);
    return Promise.resolve();
  }
  delete(key: string): Promise<void> {
    this.values.delete(key);
    return Promise.resolve();
  }
}

const ID = '\0vscode-bench-stand-in';
const loader = Module as unknown as { _resolveFilename(request: string, ...rest: unknown[]): string };
const resolve = loader._resolveFilename.bind(loader);
loader._resolveFilename = (request, ...rest) => (request === 'vscode' ? ID : resolve(request, ...rest));
const standInModule = new Module(ID);
standInModule.exports = standIn;
standInModule.loaded = true;
require.cache[ID] = standInModule;
