import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { wrapCommand } from '../commands/runCommand';
import type { RedactingLogger } from '../core/log';
import { pageHtml } from './html';
import type { Guard, PageName } from './protocol';

/** Where the built pages live (scripts/build.mjs); the only local resource root a webview gets. */
export const WEBVIEW_DIST = ['webview-ui', 'dist'] as const;

export interface PanelSpec<FromPage extends { readonly type: string }> {
  /** `createWebviewPanel` view type (src/constants.ts `WebviewTypes`). */
  readonly viewType: string;
  readonly page: PageName;
  readonly title: string;
  /** Identity of what the panel shows: opening the same key again reveals the open panel. */
  readonly key: string;
  /** The page → host guard (protocol.ts); anything else is logged and dropped. */
  readonly accepts: Guard<FromPage>;
}

/**
 * The extension side of one webview panel (house-style §13): the HTML shell with a strict CSP and a fresh nonce,
 * `localResourceRoots` limited to `webview-ui/dist`, and the message pump. Every incoming message is validated
 * before it reaches the handler; a handler runs through `wrapCommand`, so a failure is logged with the panel's tag and
 * shown once with Quay's message, like a command's.
 *
 * The panel is not kept alive while hidden (no `retainContextWhenHidden`): the page keeps its non-secret state with
 * `setState` and, when shown again, says `ready` and is sent its data again.
 */
export class WebviewPanelHost<ToPage extends { readonly type: string }, FromPage extends { readonly type: string }> implements vscode.Disposable {
  private static readonly open = new Map<string, { readonly panel: vscode.WebviewPanel }>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly onDisposeEmitter = new vscode.EventEmitter<void>();
  private readonly onVisibleEmitter = new vscode.EventEmitter<boolean>();
  /** Fires once when the user closes the panel (or it is disposed). */
  readonly onDidDispose = this.onDisposeEmitter.event;
  /** Fires when the panel is shown (`true`) or hidden (`false`). */
  readonly onDidChangeVisibility = this.onVisibleEmitter.event;

  /** The panel already open for `spec.key`, revealed, or undefined. */
  static reveal(viewType: string, key: string): boolean {
    const existing = WebviewPanelHost.open.get(`${viewType}\n${key}`);
    existing?.panel.reveal();
    return existing !== undefined;
  }

  constructor(
    extensionUri: vscode.Uri,
    spec: PanelSpec<FromPage>,
    logger: RedactingLogger,
    onMessage: (message: FromPage) => Promise<void>,
  ) {
    const root = vscode.Uri.joinPath(extensionUri, ...WEBVIEW_DIST);
    this.panel = vscode.window.createWebviewPanel(spec.viewType, spec.title, vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [root],
    });
    const webview = this.panel.webview;
    const nonce = randomBytes(16).toString('base64');
    webview.html = pageHtml({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(root, `${spec.page}.js`)).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(root, `${spec.page}.css`)).toString(),
      nonce,
      title: spec.title,
      language: vscode.env.language,
    });
    const tag = spec.viewType;
    const handle = wrapCommand(tag, logger.tagged(tag), onMessage);
    const mapKey = `${spec.viewType}\n${spec.key}`;
    WebviewPanelHost.open.set(mapKey, this);
    this.disposables.push(
      webview.onDidReceiveMessage((message: unknown) => {
        if (spec.accepts(message)) void handle(message);
        else logger.warn(`${tag}: dropped a message that is not in the protocol (type ${describeType(message)})`);
      }),
      this.panel.onDidChangeViewState((e) => this.onVisibleEmitter.fire(e.webviewPanel.visible)),
      this.panel.onDidDispose(() => {
        WebviewPanelHost.open.delete(mapKey);
        this.onDisposeEmitter.fire();
        for (const d of this.disposables.splice(0)) d.dispose();
        this.onDisposeEmitter.dispose();
        this.onVisibleEmitter.dispose();
      }),
    );
  }

  readonly panel: vscode.WebviewPanel;

  get visible(): boolean {
    return this.panel.visible;
  }

  set title(title: string) {
    this.panel.title = title;
  }

  /** Sends a typed message; false when the page is not there to receive it (hidden or closed). */
  async post(message: ToPage): Promise<boolean> {
    return this.panel.webview.postMessage(message);
  }

  /** Closes the panel; the cleanup runs in its `onDidDispose`. */
  dispose(): void {
    this.panel.dispose();
  }
}

function describeType(message: unknown): string {
  const type = typeof message === 'object' && message !== null ? (message as { type?: unknown }).type : undefined;
  return typeof type === 'string' ? JSON.stringify(type.slice(0, 40)) : typeof type;
}
