/**
 * Real-VS Code E2E harness: code-server 4.100.3 (VS Code 1.100.3, installed by `scripts/install-code-server.sh`
 * into `.cache/code-server`) driven by playwright-core and Debian's Chromium, as in
 * `../shared/docs/real-vscode-testing.md`.
 *
 * Two halves:
 * - the session: {@link startVSCode} / {@link useVSCode} start code-server with the built extension and open the
 *   workbench in a headless browser; logs, screenshots and diagnostics for failures;
 * - UI helpers that map to what a person does (run a command, answer a quick input, click a tree item, press a
 *   notification button...). They wait for VS Code's DOM instead of sleeping, and fail with what was on screen.
 *
 * Text matching (type {@link Text}): a string matches a *label* exactly (tree items, quick pick items, menu items,
 * buttons, command titles) and a *message* as a substring (notifications, dialogs, validation messages);
 * a RegExp always matches as a RegExp. Labels are matched on their text content (CSS upper-casing does not apply).
 *
 * Environment: QUAY_E2E_CHROMIUM (browser binary, default /usr/bin/chromium), QUAY_E2E_KEEP=1 (keep the temp
 * folders after close), QUAY_E2E_TIMEOUT (default UI wait in ms, default 15000), QUAY_E2E_EXTENSION_PATH (extension
 * folder to test instead of the repo root, e.g. an unpacked .vsix).
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, afterEach, before } from 'node:test';
import { chromium } from 'playwright-core';
import type { Browser, FrameLocator, Locator, Page } from 'playwright-core';
import { ExtensionId } from '../../src/constants';

// ---------------------------------------------------------------------------------------------------------------
// Paths and constants
// ---------------------------------------------------------------------------------------------------------------

/** The repository root (the folder of the `quay-robots` package.json), from `test/e2e` or `out/test/e2e`. */
export const REPO_ROOT: string = findRepoRoot(__dirname);
/** code-server binary installed by `scripts/install-code-server.sh`. */
export const CODE_SERVER_BIN = path.join(REPO_ROOT, '.cache', 'code-server', 'node_modules', '.bin', 'code-server');
/** Git-ignored folder for screenshots (`screenshots/`) and failure diagnostics. */
export const RESULTS_DIR = path.join(REPO_ROOT, 'test-results');
/** Folder of the test-only fixture extension used by the harness self-test. */
export const FIXTURE_EXTENSION = path.join(REPO_ROOT, 'test', 'e2e', 'fixtures', 'harness-fixture');
/** Default time a UI helper waits for something to appear (ms). */
export const UI_TIMEOUT = Number(process.env.QUAY_E2E_TIMEOUT ?? 15_000);

const CHROMIUM = process.env.QUAY_E2E_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];
const VIEWPORT = { width: 1400, height: 900 };

/** Settings that keep the workbench quiet and deterministic; `startVSCode({ settings })` is merged over them. */
export const DEFAULT_SETTINGS: Readonly<Record<string, unknown>> = {
  'telemetry.telemetryLevel': 'off',
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.colorTheme': 'Default Light Modern',
  'workbench.editor.enablePreview': false,
  'workbench.editor.untitled.hint': 'hidden',
  'workbench.view.alwaysShowHeaderActions': true,
  'workbench.settings.enableNaturalLanguageSearch': false,
  'update.mode': 'none',
  'update.showReleaseNotes': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'editor.accessibilitySupport': 'off',
  'editor.minimap.enabled': false,
  'git.enabled': false,
  // The daily rotation reminder would pop up in every test; its own test turns it on.
  'quay.rotation.dailyReminder': false,
  'git.openRepositoryInParentFolders': 'never',
  'json.schemaDownload.enable': false,
  'npm.autoDetect': 'off',
  'task.autoDetect': 'off',
  'typescript.disableAutomaticTypeAcquisition': true,
  'chat.commandCenter.enabled': false,
  'files.hotExit': 'off',
};

// ---------------------------------------------------------------------------------------------------------------
// Session
// ---------------------------------------------------------------------------------------------------------------

export interface StartOptions {
  /** Folder to open (default: a fresh empty temp folder, removed on close). */
  workspace?: string;
  /** User settings merged over {@link DEFAULT_SETTINGS}. */
  settings?: Record<string, unknown>;
  /** Extra environment for code-server; the extension host inherits it. */
  env?: Record<string, string>;
  /** Extension folder to install (default: $QUAY_E2E_EXTENSION_PATH, else the repo root, i.e. the built `quaytools.quay-robots`). */
  extensionDevPath?: string;
  /**
   * The packaged extension to install instead of a folder, as a user does: `code-server --install-extension <vsix>`
   * into the empty extensions dir (default: $QUAY_E2E_VSIX; `npm test` sets it for the files it runs on the VSIX).
   */
  installedVsix?: string;
  /** More extension folders to install beside it (e.g. {@link FIXTURE_EXTENSION} or a test companion). */
  extraExtensions?: string[];
  /** Name used for diagnostics files (default: the test file's name). */
  name?: string;
  /** User keybindings (`keybindings.json` entries), for commands that take arguments. */
  keybindings?: { key: string; command: string; args?: unknown }[];
  /**
   * Workspace trust on (default off: `--disable-workspace-trust`). The folder is then not trusted and opens in
   * Restricted Mode without asking (`security.workspace.trust.startupPrompt: never`).
   */
  workspaceTrust?: boolean;
  /** Start without the extension under test (only `extraExtensions`): the baseline of `npm run bench activation`. */
  withoutExtension?: boolean;
}

export interface VSCodeSession {
  readonly page: Page;
  readonly browser: Browser;
  /** Workbench URL, `http://127.0.0.1:<port>/?folder=<workspace>`. */
  readonly url: string;
  readonly port: number;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  readonly workspace: string;
  /** Milliseconds from `startVSCode` until `.monaco-workbench` was visible. */
  readonly startupMs: number;
  /** Milliseconds from `startVSCode` until the extension host had started the extensions (when it returned). */
  readonly readyMs: number;
  /** code-server output, the browser console, and every log file under the user-data dir (extension host included). */
  logs(): string;
  /** The extension host log(s) only (`<user-data-dir>/logs/<ts>/exthost<N>/remoteexthost.log`). */
  extensionHostLog(): string;
  /** Saves a PNG of the window as `test-results/screenshots/<name>.png` and returns its path. */
  screenshot(name: string): Promise<string>;
  /** Saves `test-results/<name>.log` (see {@link logs}) and a screenshot `<name>.failure.png`; returns the log path. */
  saveDiagnostics(name: string): Promise<string>;
  /** Closes the browser, stops code-server and its children, removes the temp folders (unless QUAY_E2E_KEEP=1). */
  close(): Promise<void>;
}

/**
 * Starts code-server with the extension installed and opens the workbench in headless Chromium.
 * Builds nothing: run `npm run build` first (the E2E scripts do).
 */
/** A running code-server with the extension installed, and no browser (the demo uses this directly). */
export interface CodeServer {
  readonly root: string;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  readonly workspace: string;
  readonly port: number;
  /** Workbench URL, `http://127.0.0.1:<port>/?folder=<workspace>`. */
  readonly url: string;
  /** code-server's own output so far. */
  readonly output: string[];
  /** Stops code-server and its children; removes the temp folders unless QUAY_E2E_KEEP=1 or `keep`. */
  stop(): Promise<void>;
}

/**
 * Installs the extension into a fresh extensions dir, writes the user settings and starts code-server on
 * loopback (`port` 0 = any free port). Builds nothing: run `npm run build` first.
 */
export async function startCodeServer(opts: StartOptions & { port?: number; keep?: boolean } = {}): Promise<CodeServer> {
  if (!fs.existsSync(CODE_SERVER_BIN)) {
    throw new Error(`code-server is not installed at ${CODE_SERVER_BIN}: run \`bash scripts/install-code-server.sh\``);
  }
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'quay-e2e-'));
  const userDataDir = path.join(root, 'user-data');
  const extensionsDir = path.join(root, 'extensions');
  const workspace = opts.workspace ?? path.join(root, 'workspace');
  fs.mkdirSync(workspace, { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  const vsix = opts.installedVsix ?? (opts.extensionDevPath === undefined ? process.env.QUAY_E2E_VSIX : undefined);
  if (vsix !== undefined && vsix !== '') installVsix(root, vsix, userDataDir, extensionsDir);
  const main = vsix !== undefined && vsix !== '' ? [] : [opts.extensionDevPath ?? process.env.QUAY_E2E_EXTENSION_PATH ?? REPO_ROOT];
  for (const ext of [...(opts.withoutExtension === true ? [] : main), ...(opts.extraExtensions ?? [])]) {
    installExtensionFolder(ext, extensionsDir);
  }
  const trust = opts.workspaceTrust === true ? { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.banner': 'never' } : {};
  writeUserFile(userDataDir, 'settings.json', { ...DEFAULT_SETTINGS, ...trust, ...opts.settings });
  if (opts.keybindings !== undefined) writeUserFile(userDataDir, 'keybindings.json', opts.keybindings);
  const output: string[] = [];
  const server = spawnCodeServer(root, userDataDir, extensionsDir, opts.env ?? {}, output, opts.port ?? 0, opts.workspaceTrust === true);
  const stop = async (): Promise<void> => {
    await stopProcessGroup(server);
    if (process.env.QUAY_E2E_KEEP !== '1' && opts.keep !== true) fs.rmSync(root, { recursive: true, force: true });
  };
  try {
    const port = await waitForListening(server, output, 30_000);
    const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`;
    return { root, userDataDir, extensionsDir, workspace, port, url, output, stop };
  } catch (e) {
    const file = path.join(RESULTS_DIR, `startup-failure-${safeName(opts.name ?? defaultName())}.log`);
    fs.mkdirSync(RESULTS_DIR, { recursive: true });
    fs.writeFileSync(file, output.join(''));
    await stop();
    throw new Error(`code-server did not start: ${errorMessage(e)}\n(logs in ${file})\n${tail(output.join(''), 3000)}`);
  }
}

export async function startVSCode(opts: StartOptions = {}): Promise<VSCodeSession> {
  const started = Date.now();
  const cs = await startCodeServer(opts);
  const { userDataDir, extensionsDir, workspace, output, port, url } = cs;
  const consoleLines: string[] = [];
  let browser: Browser | undefined;
  const cleanup = async (): Promise<void> => {
    await browser?.close().catch(() => undefined);
    await cs.stop();
  };
  const collectLogs = (): string => renderLogs(output, consoleLines, userDataDir);
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    const context = await browser.newContext({ viewport: VIEWPORT, permissions: ['clipboard-read', 'clipboard-write'] });
    const page = await context.newPage();
    page.on('console', (m) => consoleLines.push(`[${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => consoleLines.push(`[pageerror] ${e.message}`));
    await page.goto(url);
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
    await page.locator('.part.activitybar').waitFor({ state: 'visible', timeout: 30_000 });
    const startupMs = Date.now() - started;
    // Extensions' contributions (commands, views) are known once the extension host has started them.
    await waitUntil(() => readLogFiles(userDataDir, (f) => path.basename(f) === 'remoteexthost.log').includes('Eager extensions activated'), {
      timeout: 60_000,
      interval: 100,
      message: 'the extension host to start ("Eager extensions activated" in remoteexthost.log)',
    });
    const readyMs = Date.now() - started;
    const openBrowser = browser;
    const name = opts.name ?? defaultName();
    const session: VSCodeSession = {
      page,
      browser: openBrowser,
      url,
      port,
      userDataDir,
      extensionsDir,
      workspace,
      startupMs,
      readyMs,
      logs: collectLogs,
      extensionHostLog: () => readLogFiles(userDataDir, (f) => /^remoteexthost\.log$/.test(path.basename(f))),
      screenshot: async (shot) => {
        const file = path.join(RESULTS_DIR, 'screenshots', `${safeName(shot)}.png`);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        await page.screenshot({ path: file });
        return file;
      },
      saveDiagnostics: async (diag) => {
        const base = safeName(diag);
        fs.mkdirSync(path.join(RESULTS_DIR, 'screenshots'), { recursive: true });
        await page
          .screenshot({ path: path.join(RESULTS_DIR, 'screenshots', `${base}.failure.png`), timeout: 10_000 })
          .catch((e: unknown) => consoleLines.push(`[harness] failure screenshot failed: ${String(e)}`));
        const file = path.join(RESULTS_DIR, `${base}.log`);
        fs.writeFileSync(file, collectLogs());
        return file;
      },
      close: cleanup,
    };
    log(`${name}: workbench visible in ${(startupMs / 1000).toFixed(1)} s, extension host ready in ${(readyMs / 1000).toFixed(1)} s (port ${port})`);
    return session;
  } catch (e) {
    fs.mkdirSync(RESULTS_DIR, { recursive: true });
    const file = path.join(RESULTS_DIR, `startup-failure-${safeName(opts.name ?? defaultName())}.log`);
    fs.writeFileSync(file, collectLogs());
    await cleanup();
    throw new Error(`VS Code did not start: ${errorMessage(e)}\n(logs in ${file})\n${tail(output.join(''), 3000)}`);
  }
}

export interface VSCodeFixture {
  /** The running session; throws when accessed before `before` has run. */
  readonly session: VSCodeSession;
  /** Shortcut for `session.page`. */
  readonly page: Page;
}

/**
 * Registers node:test hooks in the current scope (file or `describe`): `before` starts VS Code, `afterEach` saves
 * diagnostics (screenshot + logs in `test-results/`) for a failed test, `after` closes everything.
 * `options` may be a function, called in `before` (e.g. once a sandbox server knows its URL).
 */
export function useVSCode(options: StartOptions | (() => StartOptions | Promise<StartOptions>) = {}): VSCodeFixture {
  let current: VSCodeSession | undefined;
  let name = defaultName();
  before(
    async () => {
      const resolved = typeof options === 'function' ? await options() : options;
      name = resolved.name ?? name;
      current = await startVSCode({ ...resolved, name });
    },
    { timeout: 120_000 },
  );
  afterEach(async (t) => {
    if (current && 'passed' in t && t.passed === false) {
      const file = await current.saveDiagnostics(`${name}-${t.name}`);
      log(`test "${t.name}" failed: diagnostics in ${file}`);
      await resetUI(current.page).catch(() => undefined);
    }
  });
  after(async () => {
    await current?.close();
    current = undefined;
  });
  const fixture: VSCodeFixture = {
    get session(): VSCodeSession {
      if (!current) throw new Error('VS Code is not running (useVSCode: `before` has not run or startup failed)');
      return current;
    },
    get page(): Page {
      return fixture.session.page;
    },
  };
  return fixture;
}

/**
 * Errors the extension host log reports for one extension: failed activation, or an error line that names it,
 * each with its continuation lines (message, stack). Empty when the extension activated cleanly.
 */
export function extensionHostErrors(session: VSCodeSession, extensionId: string = ExtensionId): string[] {
  const idPattern = escapeRegExp(extensionId);
  const failed = new RegExp(`Activating extension '?${idPattern}'? failed|\\[error\\].*${idPattern}`, 'i');
  const timestamped = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/;
  const errors: string[] = [];
  let current: string[] | undefined;
  for (const line of session.extensionHostLog().split('\n')) {
    if (current && current[0].endsWith(':') && /^\S+ \S+ \[error\]/.test(line)) {
      current.push(line); // "Activating extension X failed due to an error:" is followed by the error itself
    } else if (timestamped.test(line) || line.startsWith('===')) {
      if (current) errors.push(current.join('\n'));
      current = failed.test(line) ? [line] : undefined;
    } else if (current && line.trim() !== '') {
      current.push(line);
    }
  }
  if (current) errors.push(current.join('\n'));
  return errors;
}

/** Waits until the extension host log says the extension was activated; returns that line. */
export async function waitForActivation(
  session: VSCodeSession,
  extensionId: string = ExtensionId,
  timeout = UI_TIMEOUT,
): Promise<string> {
  const marker = `_doActivateExtension ${extensionId},`;
  return waitUntil(
    () => session.extensionHostLog().split('\n').find((l) => l.includes(marker)),
    { timeout, message: `extension ${extensionId} to activate (extension host log)` },
  );
}

/**
 * Files under the session's user-data dir and workspace whose content contains `needle` (e.g. a token that must
 * never be written to settings, logs or files). SecretStorage lives in the browser profile, not in these folders.
 */
export function filesContaining(session: Pick<VSCodeSession, 'userDataDir' | 'workspace'>, needle: string): string[] {
  const bytes = Buffer.from(needle, 'utf8');
  return [session.userDataDir, session.workspace]
    .flatMap((dir) => listFiles(dir))
    .filter((file) => {
      try {
        return fs.readFileSync(file).includes(bytes);
      } catch {
        return false; // sockets, files removed meanwhile
      }
    });
}

/**
 * A TCP forwarder from another loopback address to a local server, so the same server answers under a second
 * origin, e.g. the sandbox as `http://[::1]:<port>`. VS Code treats that origin as an external website (it trusts
 * only localhost and 127.0.0.1, which code-server also rewrites to its own port proxy), so an `openExternal` of it
 * shows the "open the external website?" dialog with the exact URL.
 */
export async function forwardPort(targetPort: number, host = '::1'): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Generic waiting
// ---------------------------------------------------------------------------------------------------------------

export type Text = string | RegExp;

/**
 * Polls `probe` until it returns something other than `undefined`/`false`, and returns that. On timeout throws
 * "Timed out after N ms waiting for <message>", plus `describe()` of the last state when given.
 */
export async function waitUntil<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  opts: { timeout?: number; interval?: number; message?: string; describe?: () => string | Promise<string> } = {},
): Promise<T> {
  const timeout = opts.timeout ?? UI_TIMEOUT;
  const deadline = Date.now() + timeout;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, opts.interval ?? 100));
  }
  const state = opts.describe ? `\nOn screen: ${await Promise.resolve(opts.describe()).catch(errorMessage)}` : '';
  const cause = lastError === undefined ? '' : `\nLast error: ${errorMessage(lastError)}`;
  throw new Error(`Timed out after ${timeout} ms waiting for ${opts.message ?? 'a condition'}${state}${cause}`);
}

/**
 * Closes what a failed step may have left open (menus, quick input, modal dialog, hovers) with Escape, so the next
 * test starts from a usable window. `useVSCode` calls it after a failed test.
 */
export async function resetUI(page: Page): Promise<void> {
  const blocking = page.locator(`${QUICK_INPUT}, .context-view .monaco-menu, .monaco-dialog-box, .action-widget`).filter({ visible: true });
  for (let i = 0; i < 4 && (await blocking.count()) > 0; i++) {
    await page.keyboard.press('Escape');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The text on the clipboard, as the browser reads it (VS Code's clipboard in code-server is the browser's). */
export async function clipboardText(page: Page): Promise<string> {
  return page.evaluate(() => navigator.clipboard.readText());
}

/**
 * What `action` puts on the clipboard: writes a marker there first, runs the action, and waits until the
 * clipboard holds something else, so an earlier copy of the same text is not mistaken for this one.
 */
export async function copiedBy(page: Page, action: () => Promise<void>, timeout = UI_TIMEOUT): Promise<string> {
  const marker = `(nothing copied ${Date.now()})`;
  await page.evaluate((m) => navigator.clipboard.writeText(m), marker);
  await action();
  return waitUntil(
    async () => {
      const text = await clipboardText(page);
      return text !== marker && text;
    },
    { timeout, message: 'the clipboard to change' },
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Commands and quick input
// ---------------------------------------------------------------------------------------------------------------

export interface QuickItem {
  label: string;
  description: string;
  detail: string;
  /** Separator label shown above the item ('' when none). */
  separator: string;
  /** Checkbox state in a multi-select pick (undefined when there is no checkbox). */
  checked: boolean | undefined;
  focused: boolean;
}

export interface QuickInputState {
  visible: boolean;
  title: string;
  placeholder: string;
  value: string;
  /** Validation or prompt message below the input ('' when hidden). */
  message: string;
  /** Severity of the message decoration of the input box. */
  severity: 'error' | 'warning' | 'info' | 'none';
  /** True while the progress bar runs (e.g. `busy` or async validation). */
  busy: boolean;
  /** Rendered (visible) items, in order. */
  items: QuickItem[];
}

const QUICK_INPUT = '.quick-input-widget';
const QUICK_INPUT_BOX = `${QUICK_INPUT} .quick-input-box input`;

/**
 * Runs a command from the palette as a person does: F1, type the title ("Quay: Add Instance", i.e. category and
 * title), click the entry whose label is exactly that, and wait until the palette made way (closed, or replaced by
 * the command's own quick input).
 */
export async function runCommand(page: Page, title: string, timeout = UI_TIMEOUT): Promise<void> {
  const query = `>${title}`;
  const row = quickItemRow(page, title);
  const deadline = Date.now() + timeout;
  // The palette lists the commands known when it opens: reopen it until the command shows (extensions load late).
  for (let attempt = 1; ; attempt++) {
    await openQuickAccess(page, 'F1', query, deadline);
    try {
      await row.waitFor({ state: 'visible', timeout: Math.min(2000 * attempt, Math.max(deadline - Date.now(), 1)) });
      await row.click({ timeout: Math.max(deadline - Date.now(), 1) });
      break;
    } catch {
      if (Date.now() < deadline) continue;
      const state = await quickInputState(page);
      await closeQuickInput(page);
      throw new Error(`Command "${title}" not found in the palette; shown: ${JSON.stringify(state.items.map((i) => i.label))}`);
    }
  }
  await waitUntil(
    async () => {
      const s = await quickInputState(page);
      return !s.visible || s.value !== query;
    },
    { timeout, message: `the palette to run "${title}"` },
  );
}

/** Opens the palette (F1), Quick Open (Control+P) or Go to Line (Control+G) and types `text` into it (see `openSettled`). */
async function openQuickAccess(page: Page, key: 'F1' | 'Control+P' | 'Control+G', text: string, deadline: number): Promise<void> {
  await openSettled(page, key, QUICK_INPUT, deadline, async () => {
    await closeQuickInput(page);
    // From a webview, a key reaches the workbench only as the page forwards it, and a full run once saw F1 lost that
    // way (robotPage): the key goes to the workbench itself.
    await page.evaluate(() => {
      if (document.activeElement instanceof HTMLIFrameElement) document.activeElement.blur();
    });
    await page.keyboard.press(key);
  });
  await page.locator(QUICK_INPUT_BOX).fill(text, { timeout: Math.max(deadline - Date.now(), 1) });
}

/**
 * Runs `open` (a key or a right-click) until what it opens (`selector`: the palette, a context menu) stays open once
 * the workbench has settled focus.
 *
 * A tree view takes the focus back when a refresh of it ends while it still counts itself focused (VS Code's
 * `TreeView.doRefresh` calls `focus()`; its focus tracker clears the flag one task after the blur). So when the tree
 * had the focus (a click in it, or a modal dialog that returned it) and a command or a background load then refreshes
 * it, a palette, menu or input box opened in that instant closes on the blur, for a person too, who opens it again. This notes that it showed
 * (even if it closed before Playwright looked), waits two tasks for the deferred blur, and opens it again (at most 3
 * times, each logged) when it was closed meanwhile.
 */
async function openSettled(page: Page, what: string, selector: string, deadline: number, open: () => Promise<void>): Promise<void> {
  for (let opened = 1; ; opened++) {
    await page.evaluate((sel) => {
      const marks = document.body.dataset;
      marks.e2eShown = 'no';
      const observer = new MutationObserver(() => {
        const el = document.querySelector(sel);
        if (el === null || el.getClientRects().length === 0) return;
        marks.e2eShown = 'yes';
        observer.disconnect();
      });
      observer.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['style', 'class'] });
    }, selector);
    await open();
    await page.locator('body[data-e2e-shown="yes"]').waitFor({ state: 'attached', timeout: Math.max(deadline - Date.now(), 1) });
    // Two tasks: the focus trackers' deferred blur (setTimeout 0) runs, and any refresh that ended before it has acted.
    await page.evaluate(() => new Promise<void>((resolve) => setTimeout(() => setTimeout(resolve, 0), 0)));
    if (await page.locator(selector).first().isVisible()) return;
    const focus = await page.evaluate(() => {
      const el = document.activeElement;
      return el === null ? 'nothing' : `${el.tagName.toLowerCase()}.${Array.from(el.classList).join('.')} in ${el.closest('[id]')?.id ?? 'the page'}`;
    });
    if (opened === 3 || Date.now() > deadline) throw new Error(`${what} closed ${opened} times as soon as it opened; the focus is on ${focus}`);
    log(`${what} was closed by a focus change to ${focus} as it opened; opening it again`);
  }
}

/** Reads the quick input widget (quick pick or input box) as shown now. */
export async function quickInputState(page: Page): Promise<QuickInputState> {
  const widget = page.locator(QUICK_INPUT);
  if ((await widget.count()) === 0 || !(await widget.first().isVisible())) {
    return { visible: false, title: '', placeholder: '', value: '', message: '', severity: 'none', busy: false, items: [] };
  }
  return widget.first().evaluate((el): QuickInputState => {
    const text = (sel: string, root: Element = el): string => (root.querySelector(sel)?.textContent ?? '').replace(/\u00a0/g, ' ').trim();
    const shown = (e: Element | null): boolean => !!e && (e as HTMLElement).style.display !== 'none' && (e as HTMLElement).offsetParent !== null;
    const input = el.querySelector<HTMLInputElement>('.quick-input-box input');
    const box = el.querySelector('.quick-input-box .monaco-inputbox');
    const messageEl = el.querySelector('.quick-input-message');
    const titleEl = el.querySelector('.quick-input-title');
    const severity = box?.classList.contains('error')
      ? 'error'
      : box?.classList.contains('warning')
        ? 'warning'
        : box?.classList.contains('info')
          ? 'info'
          : 'none';
    const rows = Array.from(el.querySelectorAll('.quick-input-list .monaco-list-row')).sort(
      (a, b) => Number(a.getAttribute('data-index')) - Number(b.getAttribute('data-index')),
    );
    const items = rows
      .filter((row) => !row.querySelector('.quick-input-list-separator-as-item'))
      .map((row) => {
        const separatorEl = row.querySelector('.quick-input-list-separator');
        const checkedAttr = row.getAttribute('aria-checked');
        return {
          label: text('.quick-input-list-row .monaco-icon-label .label-name', row),
          description: text('.quick-input-list-row .monaco-icon-label .label-description', row),
          detail: text('.quick-input-list-label-meta .label-name', row),
          separator: shown(separatorEl) ? text('.quick-input-list-separator', row) : '',
          checked: checkedAttr === null ? undefined : checkedAttr === 'true',
          focused: row.classList.contains('focused'),
        };
      });
    return {
      visible: true,
      title: shown(titleEl) ? text('.quick-input-title') : '',
      placeholder: input?.placeholder ?? '',
      value: input?.value ?? '',
      message: shown(messageEl) ? text('.quick-input-message') : '',
      severity,
      busy: !(el.querySelector('.quick-input-progress')?.classList.contains('done') ?? true),
      items,
    };
  });
}

/**
 * Waits for a quick input to be visible and returns its state. With `titleOrPlaceholder`, waits until the title,
 * placeholder or prompt message matches (substring or RegExp), so a previous quick input is not mistaken for it.
 */
export async function waitForQuickInput(
  page: Page,
  opts: { titleOrPlaceholder?: Text; timeout?: number } = {},
): Promise<QuickInputState> {
  const want = opts.titleOrPlaceholder;
  return waitUntil(
    async () => {
      const s = await quickInputState(page);
      if (!s.visible) return undefined;
      if (want === undefined) return s;
      return [s.title, s.placeholder, s.message].some((t) => matchesMessage(t, want)) ? s : undefined;
    },
    {
      timeout: opts.timeout,
      message: `a quick input${want === undefined ? '' : ` matching ${String(want)}`}`,
      describe: async () => JSON.stringify(await quickInputState(page)),
    },
  );
}

/**
 * Waits for a quick pick titled `title` that shows rows: a step before it (an input box) may have the same title,
 * and waiting for the title alone can return that box, without rows (Test Keyless Login's token box and pre-check).
 */
export async function waitForQuickList(page: Page, title: string, timeout = UI_TIMEOUT): Promise<QuickInputState> {
  return waitUntil(
    async () => {
      const s = await quickInputState(page);
      return s.visible && s.title === title && s.items.length > 0 ? s : undefined;
    },
    { timeout, message: `the quick pick ${title} with its rows`, describe: async () => JSON.stringify(await quickInputState(page)) },
  );
}

/** Waits until no quick input is visible. */
export async function waitForQuickInputClosed(page: Page, timeout = UI_TIMEOUT): Promise<void> {
  await page.locator(QUICK_INPUT).first().waitFor({ state: 'hidden', timeout });
}

/** Replaces the quick input's text with `text` (as typing would), then presses Enter when `submit` is set. */
export async function typeInQuickInput(page: Page, text: string, opts: { submit?: boolean } = {}): Promise<void> {
  const input = page.locator(QUICK_INPUT_BOX);
  await input.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
  await input.fill(text);
  if (opts.submit) await input.press('Enter');
}

/** Presses Enter in the quick input (accepts the input box value, the focused item, or the checked items). */
export async function acceptQuickInput(page: Page): Promise<void> {
  await page.locator(QUICK_INPUT_BOX).press('Enter');
}

/** Presses Escape while a quick input is visible, and waits until it is gone. No-op when none is shown. */
export async function closeQuickInput(page: Page): Promise<void> {
  const widget = page.locator(QUICK_INPUT).first();
  if ((await widget.count()) === 0 || !(await widget.isVisible())) return;
  await page.keyboard.press('Escape');
  await widget.waitFor({ state: 'hidden', timeout: UI_TIMEOUT });
}

/** Clicks the quick pick item whose label is `label` (exact, or RegExp). In a multi-select pick this toggles it. */
export async function pickQuickItem(page: Page, label: Text, timeout = UI_TIMEOUT): Promise<void> {
  const row = quickItemRow(page, label);
  try {
    await row.waitFor({ state: 'visible', timeout });
  } catch {
    const state = await quickInputState(page);
    throw new Error(`Quick pick item ${String(label)} not shown; items: ${JSON.stringify(state.items.map((i) => i.label))}`);
  }
  await row.click();
}

/** Waits for the validation/prompt message below the input to match (substring or RegExp); returns the state. */
export async function waitForQuickInputMessage(page: Page, message: Text, timeout = UI_TIMEOUT): Promise<QuickInputState> {
  return waitUntil(
    async () => {
      const s = await quickInputState(page);
      return s.visible && !s.busy && matchesMessage(s.message, message) ? s : undefined;
    },
    { timeout, message: `quick input message ${String(message)}`, describe: async () => JSON.stringify(await quickInputState(page)) },
  );
}

function quickItemRow(page: Page, label: Text): Locator {
  return page
    .locator(`${QUICK_INPUT} .quick-input-list .monaco-list-row`)
    .filter({ has: page.locator('.quick-input-list-row .monaco-icon-label .label-name', { hasText: exactly(label) }) })
    .first();
}

// ---------------------------------------------------------------------------------------------------------------
// Views: activity bar, view panes, trees, welcome content
// ---------------------------------------------------------------------------------------------------------------

export interface TreeItemInfo {
  label: string;
  description: string;
  /** aria-level: 1 for roots. */
  level: number;
  /** undefined for a leaf. */
  expanded: boolean | undefined;
  selected: boolean;
  focused: boolean;
  /** The row's accessible label (tree item label, or its accessibilityInformation). */
  ariaLabel: string;
}

const SIDE_PARTS = '.part.sidebar, .part.auxiliarybar, .part.panel';

/**
 * Opens the activity bar container with this title ("Explorer", "Quay") unless it is already showing, and waits
 * for the side bar to show it.
 */
export async function openViewContainer(page: Page, title: string, timeout = UI_TIMEOUT): Promise<void> {
  const sidebarTitle = page.locator('.part.sidebar .composite.title .title-label h2');
  const isOpen = async (): Promise<boolean> =>
    (await page.locator('.part.sidebar').isVisible()) &&
    (await sidebarTitle.count()) > 0 &&
    ((await sidebarTitle.first().textContent()) ?? '').toLowerCase().startsWith(title.toLowerCase());
  if (await isOpen()) return;
  const icon = page.locator(`.part.activitybar ${actionSelector(title)}`).first();
  try {
    await icon.waitFor({ state: 'visible', timeout });
  } catch {
    const shown = await page.locator('.part.activitybar a.action-label').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
    throw new Error(`No activity bar item "${title}"; shown: ${JSON.stringify(shown)}`);
  }
  await icon.click();
  await page.mouse.move(VIEWPORT.width * 0.8, 16); // off the icon (its tooltip would cover screenshots), onto the title bar
  await waitUntil(isOpen, { timeout, message: `the side bar to show "${title}"` });
}

/** The pane of the view titled `viewTitle` ("Registry", "Outline") in the side bar, secondary side bar or panel. */
export function viewPane(page: Page, viewTitle: Text): Locator {
  return page
    .locator(SIDE_PARTS)
    .locator('.pane')
    .filter({ has: page.locator('.pane-header h3.title', { hasText: exactly(viewTitle) }) })
    .first();
}

/**
 * Scrolls a view's tree until a row with `label` is rendered (VS Code renders only the visible rows of a
 * long tree). Scrolls down first, then back up; throws when the row is not found either way.
 */
export async function scrollToTreeItem(page: Page, viewTitle: Text, label: Text, maxSteps = 40): Promise<void> {
  const list = viewPane(page, viewTitle).locator('.monaco-list').first();
  const present = async () => (await treeItems(page, viewTitle)).some((r) => (typeof label === 'string' ? r.label === label : label.test(r.label)));
  if (await present()) return;
  // Keyboard, as a person would: focus the tree and page through it (wheel events are unreliable headless).
  await list.focus();
  for (const key of ['PageDown', 'PageUp']) {
    for (let i = 0; i < maxSteps; i++) {
      if (await present()) return;
      await page.keyboard.press(key);
      await page.waitForTimeout(100);
    }
  }
  if (!(await present())) throw new Error(`Tree item ${String(label)} not found in ${String(viewTitle)} after scrolling`);
}

/** Waits for the view's pane and expands it when collapsed. Returns the pane. */
export async function ensureViewExpanded(page: Page, viewTitle: Text, timeout = UI_TIMEOUT): Promise<Locator> {
  const pane = viewPane(page, viewTitle);
  await pane.waitFor({ state: 'visible', timeout });
  const header = pane.locator('.pane-header').first();
  if ((await header.getAttribute('aria-expanded')) === 'false') {
    await header.click();
    await waitUntil(async () => (await header.getAttribute('aria-expanded')) === 'true', { timeout, message: `view ${String(viewTitle)} to expand` });
  }
  return pane;
}

/** Text paragraphs and buttons of a view's welcome content (viewsWelcome), once shown. */
export async function viewWelcome(page: Page, viewTitle: Text, timeout = UI_TIMEOUT): Promise<{ text: string[]; buttons: string[] }> {
  const pane = await ensureViewExpanded(page, viewTitle, timeout);
  const content = pane.locator('.welcome-view-content');
  try {
    await content.locator('p, .monaco-button').first().waitFor({ state: 'visible', timeout });
  } catch {
    throw new Error(`View ${String(viewTitle)} shows no welcome content; pane text: ${JSON.stringify(await pane.innerText())}`);
  }
  return content.evaluate((el) => ({
    text: Array.from(el.querySelectorAll('p')).map((p) => (p.textContent ?? '').trim()).filter((t) => t !== ''),
    buttons: Array.from(el.querySelectorAll('.monaco-button')).map((b) => (b.textContent ?? '').trim()),
  }));
}

/** Clicks a button of a view's welcome content. */
export async function clickWelcomeButton(page: Page, viewTitle: Text, button: Text, timeout = UI_TIMEOUT): Promise<void> {
  const pane = await ensureViewExpanded(page, viewTitle, timeout);
  const b = pane.locator('.welcome-view-content .monaco-button', { hasText: exactly(button) }).first();
  await b.waitFor({ state: 'visible', timeout });
  await b.click();
}

/**
 * Where the view's title actions are, with the view expanded: its header's action bar (hovered, so VS Code shows it),
 * or the side bar's title bar when the view is alone there (its header is then hidden).
 */
async function viewActionsScope(page: Page, viewTitle: Text, timeout: number): Promise<Locator> {
  const pane = await ensureViewExpanded(page, viewTitle, timeout);
  const header = pane.locator('.pane-header').first();
  const headerHidden = ((await header.getAttribute('class')) ?? '').split(/\s+/).includes('hidden');
  if (headerHidden) return page.locator('.part.sidebar .composite.title .title-actions');
  await header.hover();
  return header.locator('.actions');
}

/**
 * Clicks a view's title-bar action by its title ("Refresh All"): in the view's header, or in the container's title
 * bar when the view is alone there (its header is then hidden). Actions under "..." are not covered: use
 * {@link viewMoreActions}.
 */
export async function clickViewAction(page: Page, viewTitle: Text, actionTitle: string, timeout = UI_TIMEOUT): Promise<void> {
  const scope = await viewActionsScope(page, viewTitle, timeout);
  const action = scope.locator(actionSelector(actionTitle)).first();
  try {
    await action.waitFor({ state: 'visible', timeout });
  } catch {
    const shown = await scope.locator('a.action-label').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
    throw new Error(`No action "${actionTitle}" on view ${String(viewTitle)}; shown: ${JSON.stringify(shown)}`);
  }
  await action.click();
}

/** Opens the view's "..." (More Actions) menu and clicks `menuItem` in it. */
export async function viewMoreActions(page: Page, viewTitle: Text, menuItem: Text, timeout = UI_TIMEOUT): Promise<void> {
  const scope = await viewActionsScope(page, viewTitle, timeout);
  await scope.locator('a.action-label.codicon-toolbar-more, a.action-label.codicon-more').first().click();
  await pickMenuItem(page, menuItem, timeout);
}

/** Rendered rows of a tree view, in display order (a virtualised tree renders only the rows in sight). */
export async function treeItems(page: Page, viewTitle: Text, timeout = UI_TIMEOUT): Promise<TreeItemInfo[]> {
  const pane = await ensureViewExpanded(page, viewTitle, timeout);
  return pane.evaluate((el): TreeItemInfo[] => {
    const text = (sel: string, root: Element): string => (root.querySelector(sel)?.textContent ?? '').replace(/\u00a0/g, ' ').trim();
    return Array.from(el.querySelectorAll('.monaco-list-row[role="treeitem"]'))
      .sort((a, b) => Number(a.getAttribute('data-index')) - Number(b.getAttribute('data-index')))
      .map((row) => {
        const expanded = row.getAttribute('aria-expanded');
        return {
          label: text('.monaco-icon-label .label-name', row),
          description: text('.monaco-icon-label .label-description', row),
          level: Number(row.getAttribute('aria-level') ?? '1'),
          expanded: expanded === null ? undefined : expanded === 'true',
          selected: row.getAttribute('aria-selected') === 'true',
          focused: row.classList.contains('focused'),
          ariaLabel: row.getAttribute('aria-label') ?? '',
        };
      });
  });
}

/** The row of a tree item by label, in one view (`viewTitle`) or in any view of the side bar/panel. */
export function treeRow(page: Page, label: Text, viewTitle?: Text): Locator {
  const scope = viewTitle === undefined ? page.locator(SIDE_PARTS) : viewPane(page, viewTitle);
  return scope
    .locator('.monaco-list-row[role="treeitem"]')
    .filter({ has: page.locator('.monaco-icon-label .label-name', { hasText: exactly(label) }) })
    .first();
}

/**
 * The tooltip of a tree item as a person reads it: the pointer rests on the row's label and VS Code's hover shows.
 * `shows`: texts the wanted hover holds, all of them. A hover of another row still in the page (one fading out
 * counts as visible for Playwright) is not it: the pointer moves away and back until the hover with `shows` is on
 * screen, or the time is up.
 */
export async function treeItemTooltip(page: Page, label: Text, viewTitle: Text, shows: readonly Text[], timeout = UI_TIMEOUT): Promise<string> {
  const row = treeRow(page, label, viewTitle);
  const hover = shows.reduce((l, text) => l.filter({ hasText: text }), page.locator('.workbench-hover, .monaco-hover')).first();
  return waitUntil(
    async () => {
      await page.mouse.move(5, 5);
      await row.locator('.label-name').hover();
      await hover.waitFor({ state: 'visible', timeout: 3000 });
      return (await hover.innerText()).replace(/\u00a0/g, ' ').trim() || undefined;
    },
    { timeout, message: `the tooltip of ${String(label)} showing ${shows.map(String).join(' and ')}` },
  );
}

/** Waits until a tree item with this label is shown; returns its row. */
export async function waitForTreeItem(
  page: Page,
  label: Text,
  opts: { viewTitle?: Text; timeout?: number } = {},
): Promise<Locator> {
  const row = treeRow(page, label, opts.viewTitle);
  try {
    await row.waitFor({ state: 'visible', timeout: opts.timeout ?? UI_TIMEOUT });
  } catch {
    const shown = opts.viewTitle === undefined ? [] : (await treeItems(page, opts.viewTitle, 1000).catch(() => [])).map((i) => i.label);
    throw new Error(`Tree item ${String(label)} not shown${opts.viewTitle === undefined ? '' : ` in ${String(opts.viewTitle)}; rows: ${JSON.stringify(shown)}`}`);
  }
  return row;
}

/** Waits until no tree item with this label is shown. */
export async function waitForTreeItemGone(page: Page, label: Text, opts: { viewTitle?: Text; timeout?: number } = {}): Promise<void> {
  await treeRow(page, label, opts.viewTitle).waitFor({ state: 'detached', timeout: opts.timeout ?? UI_TIMEOUT });
}

/**
 * Expands a collapsed tree item (its twistie) and waits until its first child row is rendered (no-op when already
 * expanded). VS Code shows nothing for an item whose children resolve to none: pass `children: false` to wait only
 * for the expansion itself.
 */
export async function expandTreeItem(
  page: Page,
  label: Text,
  opts: { viewTitle?: Text; timeout?: number; children?: boolean } = {},
): Promise<void> {
  const timeout = opts.timeout ?? UI_TIMEOUT;
  const row = await setTreeItemExpanded(page, label, true, opts);
  if (opts.children === false) return;
  await waitUntil(
    () =>
      row.evaluate((el) => {
        const next = el.parentElement?.querySelector(`.monaco-list-row[data-index="${Number(el.getAttribute('data-index')) + 1}"]`);
        return !!next && Number(next.getAttribute('aria-level')) > Number(el.getAttribute('aria-level'));
      }),
    { timeout, message: `children of tree item ${String(label)} (pass children: false for an item without any)` },
  );
}

/** Collapses an expanded tree item. No-op when collapsed. */
export async function collapseTreeItem(page: Page, label: Text, opts: { viewTitle?: Text; timeout?: number } = {}): Promise<void> {
  await setTreeItemExpanded(page, label, false, opts);
}

async function setTreeItemExpanded(page: Page, label: Text, expand: boolean, opts: { viewTitle?: Text; timeout?: number }): Promise<Locator> {
  const timeout = opts.timeout ?? UI_TIMEOUT;
  const row = await waitForTreeItem(page, label, opts);
  const state = await row.getAttribute('aria-expanded');
  if (state === null) throw new Error(`Tree item ${String(label)} is a leaf: it cannot be ${expand ? 'expanded' : 'collapsed'}`);
  if ((state === 'true') !== expand) await row.locator('.monaco-tl-twistie').click();
  await waitUntil(
    async () => {
      const expanded = (await row.getAttribute('aria-expanded')) === 'true';
      const twistieClass = (await row.locator('.monaco-tl-twistie').getAttribute('class')) ?? '';
      return expanded === expand && !twistieClass.includes('loading');
    },
    { timeout, message: `tree item ${String(label)} to ${expand ? 'expand and load' : 'collapse'}` },
  );
  return row;
}

/** Clicks a tree item (selects it and runs its command, if any). */
export async function clickTreeItem(page: Page, label: Text, opts: { viewTitle?: Text; timeout?: number } = {}): Promise<void> {
  const row = await waitForTreeItem(page, label, opts);
  await row.click();
}

/** Right-clicks a tree item and clicks `menuItem` in its context menu. */
export async function contextMenu(page: Page, treeLabel: Text, menuItem: Text, opts: { viewTitle?: Text; timeout?: number } = {}): Promise<void> {
  await openTreeContextMenu(page, treeLabel, opts);
  await pickMenuItem(page, menuItem, opts.timeout);
}

/** Right-clicks a tree item and returns the titles of its context menu entries, then closes the menu. */
export async function contextMenuItems(page: Page, treeLabel: Text, opts: { viewTitle?: Text; timeout?: number } = {}): Promise<string[]> {
  await openTreeContextMenu(page, treeLabel, opts);
  const items = await menuItems(page);
  await page.keyboard.press('Escape');
  await page.locator(MENU).first().waitFor({ state: 'hidden', timeout: UI_TIMEOUT });
  return items;
}

async function openTreeContextMenu(page: Page, treeLabel: Text, opts: { viewTitle?: Text; timeout?: number }): Promise<void> {
  const row = await waitForTreeItem(page, treeLabel, opts);
  await openSettled(page, `The context menu of ${String(treeLabel)}`, MENU, Date.now() + (opts.timeout ?? UI_TIMEOUT), () => row.click({ button: 'right' }));
}

/**
 * Hovers a tree item and clicks its inline action `actionTitle` ("Refresh", "Sign In Again"). `opensQuickInput`: the action opens an input box or
 * quick pick, which a tree refresh ending in that instant closes (see `openSettled`); it is clicked again then, logged.
 */
export async function clickInlineAction(
  page: Page,
  treeLabel: Text,
  actionTitle: string,
  opts: { viewTitle?: Text; timeout?: number; opensQuickInput?: boolean } = {},
): Promise<void> {
  const timeout = opts.timeout ?? UI_TIMEOUT;
  const row = await waitForTreeItem(page, treeLabel, opts);
  const click = async (): Promise<void> => {
    await row.hover();
    const action = row.locator(`.actions ${actionSelector(actionTitle)}`).first();
    try {
      await action.waitFor({ state: 'visible', timeout });
    } catch {
      const shown = await row.locator('.actions a.action-label').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
      throw new Error(`Tree item ${String(treeLabel)} has no inline action "${actionTitle}"; shown: ${JSON.stringify(shown)}`);
    }
    await action.click();
  };
  if (opts.opensQuickInput === true) await openSettled(page, `The quick input of ${String(treeLabel)}'s ${actionTitle}`, QUICK_INPUT, Date.now() + timeout, click);
  else await click();
}

/** Titles of a tree item's inline actions (shown on hover). */
export async function inlineActions(page: Page, treeLabel: Text, opts: { viewTitle?: Text; timeout?: number } = {}): Promise<string[]> {
  const row = await waitForTreeItem(page, treeLabel, opts);
  await row.hover();
  return row.locator('.actions a.action-label').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
}

// ---------------------------------------------------------------------------------------------------------------
// Menus (context menus, "..." menus)
// ---------------------------------------------------------------------------------------------------------------

const MENU = '.context-view .monaco-menu';

/** The open menu's own entries (a submenu's, while open, are inside a `.monaco-submenu` below an entry). */
const TOP_ENTRY = 'a.action-menu-item:not(.monaco-submenu a.action-menu-item)';

/** Titles of the entries of the open menu (separators left out), submenus by their own title; not their entries. */
export async function menuItems(page: Page): Promise<string[]> {
  const menu = page.locator(MENU).first();
  await menu.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
  return labelsOf(menu.locator(`${TOP_ENTRY} span.action-label`));
}

async function labelsOf(labels: Locator): Promise<string[]> {
  return labels.evaluateAll((els) => els.map((e) => (e.textContent ?? '').trim()).filter((t) => t !== ''));
}

/** Titles of the open menu's submenus. */
async function submenuTitles(page: Page): Promise<string[]> {
  return labelsOf(page.locator(MENU).first().locator(`${TOP_ENTRY}.monaco-submenu-item span.action-label`));
}

/** Opens the open menu's submenu `title` (hover, then the right arrow, as a keyboard user would); returns its menu. */
async function openSubmenu(page: Page, title: Text, timeout = UI_TIMEOUT): Promise<Locator> {
  const menu = page.locator(MENU).first();
  await menu.waitFor({ state: 'visible', timeout });
  const entry = menu.locator(`${TOP_ENTRY}.monaco-submenu-item`).filter({ has: page.locator('span.action-label', { hasText: exactly(title) }) }).first();
  if ((await entry.count()) === 0) throw new Error(`Menu has no submenu ${String(title)}; entries: ${JSON.stringify(await menuItems(page))}`);
  // VS Code draws a submenu inside its entry's list item; another submenu may still be closing elsewhere.
  const sub = entry.locator('xpath=..').locator('.monaco-submenu .monaco-menu').first();
  await entry.hover();
  await waitUntil(() => entry.evaluate((e) => e.parentElement?.classList.contains('focused') ?? false), { timeout, message: `submenu ${String(title)} to take focus` });
  if (!(await sub.isVisible())) await page.keyboard.press('ArrowRight');
  await sub.waitFor({ state: 'visible', timeout });
  return sub;
}

/** Opens the open menu's submenu `title` and returns its entries (it stays open). */
export async function submenuItems(page: Page, title: Text, timeout = UI_TIMEOUT): Promise<string[]> {
  return labelsOf((await openSubmenu(page, title, timeout)).locator('a.action-menu-item span.action-label'));
}

/** Right-clicks a tree item and returns its context menu: the entries, and each submenu's entries by its title. */
export async function contextMenuTree(page: Page, treeLabel: Text, opts: { viewTitle?: Text; timeout?: number } = {}): Promise<{ top: string[]; submenus: Record<string, string[]> }> {
  await openTreeContextMenu(page, treeLabel, opts);
  const top = await menuItems(page);
  const submenus: Record<string, string[]> = {};
  for (const title of await submenuTitles(page)) submenus[title] = await submenuItems(page, title, opts.timeout);
  await closeMenu(page);
  return { top, submenus };
}

/** Closes the open menu: Escape closes an open submenu first, then the menu. */
export async function closeMenu(page: Page): Promise<void> {
  const menu = page.locator(MENU).first();
  await waitUntil(
    async () => {
      if (!(await menu.isVisible())) return true;
      await page.keyboard.press('Escape');
      return undefined;
    },
    { message: 'the menu to close' },
  );
}

/**
 * Clicks the entry of the open menu whose title is `item`; an entry that is not at the top level is looked for in
 * each submenu in turn ("Rotate Robot Token…" is in the robot's "Rotation" submenu).
 */
export async function pickMenuItem(page: Page, item: Text, timeout = UI_TIMEOUT): Promise<void> {
  const menu = page.locator(MENU).first();
  await menu.waitFor({ state: 'visible', timeout });
  const withLabel = page.locator('span.action-label', { hasText: exactly(item) });
  let entry = menu.locator(TOP_ENTRY).filter({ has: withLabel }).first();
  if ((await entry.count()) === 0) {
    for (const title of await submenuTitles(page)) {
      const sub = await openSubmenu(page, title, timeout);
      if ((await labelsOf(sub.locator('a.action-menu-item span.action-label'))).some((e) => exactly(item).test(e))) {
        entry = sub.locator('a.action-menu-item').filter({ has: withLabel }).first();
        break;
      }
    }
  }
  if ((await entry.count()) === 0) {
    const shown = await menuItems(page);
    await page.keyboard.press('Escape');
    throw new Error(`Menu has no entry ${String(item)}, in no submenu either; entries: ${JSON.stringify(shown)}`);
  }
  // A click right after the menu opened is sometimes dropped; hovering focuses the entry, and Enter runs it.
  await entry.hover();
  await waitUntil(() => entry.evaluate((e) => e.parentElement?.classList.contains('focused') ?? false), {
    timeout,
    message: `menu entry ${String(item)} to take focus`,
  });
  await page.keyboard.press('Enter');
  await menu.waitFor({ state: 'hidden', timeout });
}

// ---------------------------------------------------------------------------------------------------------------
// Notifications and modal dialogs
// ---------------------------------------------------------------------------------------------------------------

export interface NotificationInfo {
  message: string;
  severity: 'error' | 'warning' | 'info';
  /** "Source: Quay Robot Accounts" style source line ('' when not shown). */
  source: string;
  buttons: string[];
}

const TOAST = '.notifications-toasts .notification-toast';

/** The notification toasts shown now (bottom right). */
export async function notifications(page: Page): Promise<NotificationInfo[]> {
  return page.locator(TOAST).evaluateAll((toasts): NotificationInfo[] =>
    toasts
      .filter((t) => (t as HTMLElement).offsetParent !== null)
      .flatMap((t) => Array.from(t.querySelectorAll('.notification-list-item')))
      .map((item) => {
        const icon = item.querySelector('.notification-list-item-icon')?.className ?? '';
        return {
          message: (item.querySelector('.notification-list-item-message')?.textContent ?? '').trim(),
          severity: icon.includes('error') ? 'error' : icon.includes('warning') ? 'warning' : 'info',
          source: (item.querySelector('.notification-list-item-source')?.textContent ?? '').trim(),
          buttons: Array.from(item.querySelectorAll('.notification-list-item-buttons-container .monaco-button')).map((b) => (b.textContent ?? '').trim()),
        };
      }),
  );
}

/** Waits for a toast whose message matches (substring or RegExp); returns it. */
export async function waitForNotification(page: Page, message: Text, timeout = UI_TIMEOUT): Promise<NotificationInfo> {
  return waitUntil(async () => (await notifications(page)).find((n) => matchesMessage(n.message, message)), {
    timeout,
    message: `a notification ${String(message)}`,
    describe: async () => JSON.stringify(await notifications(page)),
  });
}

/**
 * Messages in the notification center (every notification not yet dismissed, including toasts VS Code has
 * already hidden after their timeout); opens the center to read it and closes it again.
 */
export async function notificationHistory(page: Page): Promise<string[]> {
  await runCommand(page, 'Notifications: Show Notifications');
  const center = page.locator('.notifications-center');
  await center.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
  const messages = await center.locator('.notification-list-item-message').evaluateAll((els) => els.map((e) => (e.textContent ?? '').trim()));
  await runCommand(page, 'Notifications: Hide Notifications');
  return messages;
}

/** Clicks a button of the toast whose message matches. */
export async function clickNotificationButton(page: Page, message: Text, button: Text, timeout = UI_TIMEOUT): Promise<void> {
  await waitForNotification(page, message, timeout);
  const item = page.locator(`${TOAST} .notification-list-item`).filter({
    has: page.locator('.notification-list-item-message', { hasText: message }),
  });
  const b = item.locator('.notification-list-item-buttons-container .monaco-button', { hasText: exactly(button) }).first();
  try {
    await b.waitFor({ state: 'visible', timeout });
  } catch {
    throw new Error(`Notification ${String(message)} has no button ${String(button)}; shown: ${JSON.stringify(await notifications(page))}`);
  }
  await b.click();
}

/** Closes every notification ("Notifications: Clear All Notifications"). */
export async function clearNotifications(page: Page): Promise<void> {
  await runCommand(page, 'Notifications: Clear All Notifications');
  await waitUntil(async () => (await notifications(page)).length === 0, { message: 'notifications to clear' });
}

export interface DialogInfo {
  message: string;
  detail: string;
  buttons: string[];
}

const DIALOG = '.monaco-dialog-box';

/** Waits for VS Code's modal dialog (e.g. `showWarningMessage(..., { modal: true })`) and reads it. */
export async function modalDialog(page: Page, timeout = UI_TIMEOUT): Promise<DialogInfo> {
  const dialog = page.locator(DIALOG).first();
  await dialog.waitFor({ state: 'visible', timeout });
  return dialog.evaluate((el): DialogInfo => ({
    message: (el.querySelector('.dialog-message-text')?.textContent ?? '').trim(),
    detail: (el.querySelector('.dialog-message-detail')?.textContent ?? '').trim(),
    buttons: Array.from(el.querySelectorAll('.dialog-buttons .monaco-button')).map((b) => (b.textContent ?? '').trim()),
  }));
}

/** Clicks a button of the modal dialog and waits until the dialog is gone. */
export async function clickDialogButton(page: Page, button: Text, timeout = UI_TIMEOUT): Promise<void> {
  const dialog = page.locator(DIALOG).first();
  await dialog.waitFor({ state: 'visible', timeout });
  const b = dialog.locator('.dialog-buttons .monaco-button', { hasText: exactly(button) }).first();
  if ((await b.count()) === 0) throw new Error(`Dialog has no button ${String(button)}; dialog: ${JSON.stringify(await modalDialog(page))}`);
  await b.click();
  await dialog.waitFor({ state: 'hidden', timeout });
}

// ---------------------------------------------------------------------------------------------------------------
// Editors: files, text, code actions, hovers
// ---------------------------------------------------------------------------------------------------------------

const ACTIVE_EDITOR = '.part.editor .editor-group-container.active .editor-container .monaco-editor';

/**
 * Opens a workspace file through Quick Open (Ctrl+P) as a person does, and waits until its editor is active.
 * `relativePath` is relative to the workspace folder ("k8s/secret.yaml").
 */
export async function openFile(page: Page, relativePath: string, timeout = UI_TIMEOUT): Promise<void> {
  await closeQuickInput(page);
  const base = path.posix.basename(relativePath);
  const dir = path.posix.dirname(relativePath);
  await openQuickAccess(page, 'Control+P', relativePath, Date.now() + timeout);
  const row = page
    .locator(`${QUICK_INPUT} .quick-input-list .monaco-list-row`)
    .filter({ has: page.locator('.label-name', { hasText: exactly(base) }) })
    .filter(dir === '.' ? {} : { has: page.locator('.label-description', { hasText: dir }) })
    .first();
  try {
    await row.waitFor({ state: 'visible', timeout });
  } catch {
    const state = await quickInputState(page);
    throw new Error(`Quick Open found no ${relativePath}; shown: ${JSON.stringify(state.items)}`);
  }
  await row.click();
  await page.locator(`.part.editor .tab.active[aria-label^=${JSON.stringify(base)}]`).first().waitFor({ state: 'visible', timeout });
  await page.locator(`${ACTIVE_EDITOR} .view-lines`).first().waitFor({ state: 'visible', timeout });
}

/**
 * Text of the active editor as rendered (lines joined by "\n"). Monaco renders only the lines in sight, so this
 * is the whole document only when it fits the window (about 40 lines); read the file from disk for more.
 */
export async function editorText(page: Page): Promise<string> {
  const lines = page.locator(`${ACTIVE_EDITOR} .view-lines`).first();
  await lines.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
  return renderedLines(lines);
}

/**
 * The whole text of the active editor, as a person copies it (click in it, Select All, Copy): unlike
 * `editorText`, it holds every line, and long lines are not split where the editor wraps them (Markdown does).
 */
export async function editorDocumentText(page: Page): Promise<string> {
  const lines = page.locator(`${ACTIVE_EDITOR} .view-lines`).first();
  await lines.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
  await lines.click();
  await page.keyboard.press('Control+A');
  return copiedBy(page, () => page.keyboard.press('Control+C'));
}

/** The rendered lines of a Monaco editor's `.view-lines`, top to bottom, joined by "\n". */
function renderedLines(viewLines: Locator): Promise<string> {
  return viewLines.evaluate((el) =>
    Array.from(el.querySelectorAll<HTMLElement>('.view-line'))
      .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))
      .map((l) => (l.textContent ?? '').replace(/\u00a0/g, ' '))
      .join('\n'),
  );
}

/** Moves the cursor of the active editor to a 1-based line and column ("Go to Line", Ctrl+G). */
export async function goToLine(page: Page, line: number, column = 1): Promise<void> {
  await page.locator(ACTIVE_EDITOR).first().waitFor({ state: 'visible', timeout: UI_TIMEOUT });
  await openQuickAccess(page, 'Control+G', `:${line}:${column}`, Date.now() + UI_TIMEOUT);
  await page.locator(QUICK_INPUT_BOX).press('Enter');
  await waitForQuickInputClosed(page);
}

/** The Problems panel's rows (message text), opened through the palette. */
export async function problems(page: Page): Promise<string[]> {
  await runCommand(page, 'Problems: Focus on Problems View');
  const rows = page.locator('.markers-panel .monaco-list-row');
  return rows.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? e.textContent ?? ''));
}

/** Waits until a row of the Problems panel matches `pattern` (or, with `present` false, none does). */
export async function waitForProblem(page: Page, pattern: RegExp, present = true): Promise<void> {
  await waitUntil(async () => (await problems(page)).some((p) => pattern.test(p)) === present, { message: `${present ? 'a' : 'no'} problem ${String(pattern)}` });
}

/**
 * Opens the code action menu at the cursor (Ctrl+.) and returns its entries' titles (headers left out). Pass
 * `at` to move the cursor first. Returns [] when VS Code says there are no code actions.
 *
 * `expect`: an entry the menu must offer. In a file just opened, with nothing the extension reports in it to wait
 * for (a GitHub workflow), VS Code once answered the first Ctrl+. with "No code actions available"; a person presses
 * it again. Then the message is closed and Ctrl+. pressed again (each time logged, and listed by `npm test`) until
 * the entry shows or the time is up; what was shown last is returned.
 */
export async function triggerCodeActions(page: Page, at?: { line: number; column?: number }, timeout = UI_TIMEOUT, expect?: Text): Promise<string[]> {
  if (at) await goToLine(page, at.line, at.column ?? 1);
  const deadline = Date.now() + timeout;
  const menu = page.locator('.action-widget').first();
  const none = page.locator('.monaco-editor-overlaymessage').filter({ hasText: /No code actions/i }).first();
  for (;;) {
    await page.locator(`${ACTIVE_EDITOR} textarea, ${ACTIVE_EDITOR} .native-edit-context`).first().focus();
    await page.keyboard.press('Control+.');
    await waitUntil(async () => (await menu.isVisible()) || (await none.isVisible()), { timeout: UI_TIMEOUT, message: 'the code action menu' });
    const items = (await menu.isVisible()) ? await codeActionItems(page) : [];
    if (expect === undefined || items.some((i) => exactly(expect).test(i)) || Date.now() > deadline) return items;
    log(`Code actions at the cursor without ${String(expect)} (${JSON.stringify(items)}); asking again`);
    await page.keyboard.press('Escape');
    await none.waitFor({ state: 'hidden', timeout: UI_TIMEOUT });
    await menu.waitFor({ state: 'hidden', timeout: UI_TIMEOUT });
  }
}

/** Titles of the entries of the open code action menu. */
export async function codeActionItems(page: Page): Promise<string[]> {
  return page
    .locator('.action-widget .monaco-list-row.action')
    .evaluateAll((rows) => rows.map((r) => (r.querySelector('.title')?.textContent ?? r.getAttribute('aria-label') ?? '').trim()));
}

/**
 * Chooses an entry of the open code action menu (open it with {@link triggerCodeActions}) with the arrow keys and
 * Enter, as the menu's pointer shield swallows clicks in headless Chromium.
 */
export async function pickCodeAction(page: Page, title: Text, timeout = UI_TIMEOUT): Promise<void> {
  const rows = page.locator('.action-widget .monaco-list-row.action');
  const items = await waitUntil(async () => {
    const list = await codeActionItems(page);
    return list.length > 0 ? list : undefined;
  }, { timeout, message: 'code action menu entries' });
  const matcher = exactly(title);
  if (!items.some((i) => matcher.test(i))) throw new Error(`Code action ${String(title)} not in the menu; entries: ${JSON.stringify(items)}`);
  for (let i = 0; i <= items.length; i++) {
    const focused = await rows.evaluateAll((els) => {
      const f = els.find((e) => e.classList.contains('focused'));
      return (f?.querySelector('.title')?.textContent ?? f?.getAttribute('aria-label') ?? '').trim();
    });
    if (matcher.test(focused)) {
      await page.keyboard.press('Enter');
      await page.locator('.action-widget').first().waitFor({ state: 'hidden', timeout });
      return;
    }
    await page.keyboard.press('ArrowDown');
  }
  throw new Error(`Could not focus code action ${String(title)}; entries: ${JSON.stringify(items)}`);
}

/**
 * Clicks an element of the open action widget (the code action / refactor menu, e.g. its "Show Disabled" toggle)
 * as a person does. When the widget opens, VS Code lays an invisible pointer block over the window that only the
 * first mouse move removes, and a click while it is there never reaches the widget: this moves the mouse onto the
 * target, waits until the block is gone, then clicks.
 */
export async function clickInActionWidget(page: Page, target: Locator, timeout = UI_TIMEOUT): Promise<void> {
  await target.waitFor({ state: 'visible', timeout });
  const box = await target.boundingBox();
  if (box === null) throw new Error('The action widget entry has no box on screen');
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.locator('.context-view-pointerBlock').waitFor({ state: 'detached', timeout });
  await target.click({ timeout });
}

/**
 * Shows the hover at a 1-based line/column of the active editor (cursor there, then "Show or Focus Hover") and
 * returns its text once it has content.
 */
export async function hoverAt(page: Page, line: number, column: number, timeout = UI_TIMEOUT): Promise<string> {
  await goToLine(page, line, column);
  await runCommand(page, 'Show or Focus Hover');
  const hover = page.locator('.monaco-editor .monaco-hover:not(.hidden) .monaco-hover-content').first();
  return waitUntil(
    async () => {
      if (!(await hover.isVisible())) return undefined;
      const text = (await hover.innerText()).trim();
      return text === '' || /^Loading\.\.\.$/.test(text) ? undefined : text;
    },
    { timeout, message: `a hover at ${line}:${column}` },
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Webviews
// ---------------------------------------------------------------------------------------------------------------

/**
 * The content of the visible webview (an editor panel or a view), ready for Playwright locators:
 * `(await waitForWebview(page)).getByRole('button', { name: 'Send' }).click()`. VS Code nests two iframes
 * (`iframe.webview` > `#active-frame`); this returns the inner one. With several webviews visible, narrow by the
 * extension that created it (`extensionId`) or take the `index`-th.
 */
export async function waitForWebview(
  page: Page,
  opts: { extensionId?: string; index?: number; timeout?: number } = {},
): Promise<FrameLocator> {
  const timeout = opts.timeout ?? UI_TIMEOUT;
  const selector = opts.extensionId ? `iframe.webview.ready[src*=${JSON.stringify(`extensionId=${opts.extensionId}&`)}]` : 'iframe.webview.ready';
  const outer = page.locator(selector).filter({ visible: true }).nth(opts.index ?? 0);
  await outer.waitFor({ state: 'visible', timeout });
  const inner = outer.contentFrame().locator('iframe#active-frame');
  await inner.waitFor({ state: 'attached', timeout });
  const content = inner.contentFrame();
  await content.locator('body').waitFor({ state: 'attached', timeout });
  return content;
}

// ---------------------------------------------------------------------------------------------------------------
// Output channels
// ---------------------------------------------------------------------------------------------------------------

/**
 * Full text of an extension's output channel, read from the files the extension host writes it to under the
 * user-data dir (complete, unlike the rendered Output view). '' when the channel has written nothing yet.
 */
export function outputChannelText(session: VSCodeSession, channelName: string): string {
  const name = channelName.toLowerCase();
  return readLogFiles(session.userDataDir, (f) => {
    const base = path.basename(f, '.log').toLowerCase();
    // `createOutputChannel(name)`: output_logging_<ts>/<n>-<name>.log; `{ log: true }`: <extension id>/<name>.log
    return base === name || base.replace(/^\d+-/, '') === name;
  }, false);
}

/** Waits until the output channel's text matches (substring or RegExp); returns the whole text. */
export async function waitForOutput(session: VSCodeSession, channelName: string, text: Text, timeout = UI_TIMEOUT): Promise<string> {
  return waitUntil(() => {
    const out = outputChannelText(session, channelName);
    return matchesMessage(out, text) ? out : undefined;
  }, { timeout, message: `output channel "${channelName}" to show ${String(text)}`, describe: () => tail(outputChannelText(session, channelName), 2000) });
}

/** The Output panel as shown: the channel it shows ("Quay") and its rendered lines (those in sight). */
export async function outputView(page: Page, timeout = UI_TIMEOUT): Promise<{ channel: string; text: string }> {
  const body = page.locator('.part.panel .pane-body.output-view').first();
  await body.waitFor({ state: 'visible', timeout });
  // The body is labelled "<channel> - Output".
  const channel = ((await body.getAttribute('aria-label')) ?? '').replace(/ - Output$/, '');
  return { channel, text: await renderedLines(body.locator('.monaco-editor .view-lines').first()) };
}

/** Sets a log channel's level ("Developer: Set Log Level...", then the channel, then the level), as a person would. */
export async function setLogLevel(page: Page, channelName: string, level: 'Trace' | 'Debug' | 'Info' | 'Warning' | 'Error' | 'Off'): Promise<void> {
  await runCommand(page, 'Developer: Set Log Level...');
  await waitForQuickInput(page);
  await pickQuickItem(page, channelName);
  await waitUntil(
    async () => {
      const labels = (await quickInputState(page)).items.map((i) => i.label);
      return labels.includes(level) && !labels.includes(channelName);
    },
    { message: `the log levels of ${channelName}` },
  );
  await pickQuickItem(page, level);
  await waitForQuickInputClosed(page);
}

/** Shows an output channel in the Output panel ("Output: Show Output Channels..."), as a person would. */
export async function showOutputChannel(page: Page, channelName: string): Promise<void> {
  await runCommand(page, 'Output: Show Output Channels...');
  await waitForQuickInput(page);
  await pickQuickItem(page, channelName);
  await waitForQuickInputClosed(page);
}

// ---------------------------------------------------------------------------------------------------------------
// Internals
// ---------------------------------------------------------------------------------------------------------------

function findRepoRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      const parsed = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: unknown };
      if (parsed.name === 'quay-robots') return dir;
    }
    if (path.dirname(dir) === dir) throw new Error(`harness: no quay-robots package.json above ${start}`);
  }
}

/** Copies an extension folder to `<extensionsDir>/<publisher>.<name>-<version>` (only what the extension ships). */
function installExtensionFolder(source: string, extensionsDir: string): void {
  const manifestPath = path.join(source, 'package.json');
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as { publisher?: string; name?: string; version?: string; main?: string };
  if (!manifest.publisher || !manifest.name || !manifest.version) throw new Error(`${manifestPath}: publisher, name and version are required`);
  const target = path.join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`);
  fs.mkdirSync(target, { recursive: true });
  const isRepo = path.resolve(source) === REPO_ROOT;
  const entries = isRepo
    ? ['package.json', 'package.nls.json', 'README.md', 'LICENSE', 'dist', 'media', path.join('webview-ui', 'dist')]
    : fs.readdirSync(source);
  for (const entry of entries) {
    const from = path.join(source, entry);
    if (fs.existsSync(from)) fs.cpSync(from, path.join(target, entry), { recursive: true });
  }
  if (manifest.main) {
    const main = path.join(target, manifest.main);
    if (!fs.existsSync(main) && !fs.existsSync(`${main}.js`)) {
      throw new Error(`${manifest.publisher}.${manifest.name}: ${manifest.main} does not exist — run \`npm run build\` first`);
    }
  }
}

/** Installs a packaged extension with code-server's own installer, as `code --install-extension` does for a user. */
function installVsix(root: string, vsix: string, userDataDir: string, extensionsDir: string): void {
  if (!fs.existsSync(vsix)) throw new Error(`${vsix} does not exist: run \`npm run package\` first`);
  const r = spawnSync(CODE_SERVER_BIN, ['--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--install-extension', path.resolve(vsix)], {
    env: codeServerEnv(root),
    encoding: 'utf8',
    timeout: 120_000,
  });
  const installed = fs.readdirSync(extensionsDir).filter((d) => d.startsWith('quaytools.quay-robots-'));
  if (r.status !== 0 || installed.length !== 1) {
    throw new Error(`code-server --install-extension ${vsix} failed (exit ${String(r.status)}, installed ${JSON.stringify(installed)}):\n${r.stdout}${r.stderr}`);
  }
  log(`installed ${path.basename(vsix)} into the extensions dir as ${installed[0] ?? '?'}`);
}

/** Writes a JSON file of the user profile (`settings.json`, `keybindings.json`). */
function writeUserFile(userDataDir: string, name: string, content: unknown): void {
  const file = path.join(userDataDir, 'User', name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(content, null, 2));
}

/** code-server's environment: this process's, without what would steer it elsewhere. */
function codeServerEnv(root: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // Variables that would steer code-server elsewhere, or leak a surrounding VS Code session into this one.
  for (const key of Object.keys(env)) {
    if (key.startsWith('VSCODE_') || ['PORT', 'PASSWORD', 'HASHED_PASSWORD', 'NODE_OPTIONS', 'ELECTRON_RUN_AS_NODE'].includes(key)) delete env[key];
  }
  // No cluster unless a test points KUBECONFIG at one: the user's ~/.kube/config would add contexts to the plans.
  env.KUBECONFIG = path.join(root, 'no-kubeconfig');
  return env;
}

function spawnCodeServer(root: string, userDataDir: string, extensionsDir: string, extraEnv: Record<string, string>, output: string[], port: number, workspaceTrust = false): ChildProcess {
  const env = codeServerEnv(root);
  const args = [
    '--config', path.join(root, 'code-server.yaml'),
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    ...(workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
  ];
  const child = spawn(CODE_SERVER_BIN, args, { env: { ...env, ...extraEnv }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const collect = (chunk: Buffer): void => {
    output.push(chunk.toString('utf8'));
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  child.on('exit', (code, signal) => output.push(`[harness] code-server exited (code ${String(code)}, signal ${String(signal)})\n`));
  return child;
}

async function waitForListening(child: ChildProcess, output: string[], timeout: number): Promise<number> {
  const port = await waitUntil(
    () => {
      if (child.exitCode !== null || child.signalCode !== null) return -1;
      const m = /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output.join(''));
      return m ? Number(m[1]) : undefined;
    },
    { timeout, interval: 50, message: 'code-server to listen' },
  );
  if (port < 0) throw new Error('code-server exited during startup');
  await waitUntil(
    async () => {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      return res.ok;
    },
    { timeout, interval: 100, message: `code-server on port ${port} to answer /healthz` },
  );
  return port;
}

async function stopProcessGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined) return;
  const pid = child.pid;
  const signalGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-pid, signal);
    } catch {
      // already gone
    }
  };
  const groupAlive = (): boolean => {
    try {
      process.kill(-pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  signalGroup('SIGTERM');
  const deadline = Date.now() + 5000;
  while (groupAlive() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  if (groupAlive()) signalGroup('SIGKILL');
}

function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

/** Concatenates the *.log files under `<userDataDir>/logs` that pass `filter`, each under a header (or bare). */
function readLogFiles(userDataDir: string, filter: (file: string) => boolean, headers = true): string {
  const logsDir = path.join(userDataDir, 'logs');
  return listFiles(logsDir)
    .filter((f) => f.endsWith('.log') && filter(f))
    .map((f) => {
      const body = fs.readFileSync(f, 'utf8');
      return headers ? `=== ${path.relative(logsDir, f)} ===\n${body}` : body;
    })
    .join(headers ? '\n' : '');
}

function renderLogs(output: string[], consoleLines: string[], userDataDir: string): string {
  return [
    '=== code-server output ===',
    output.join(''),
    '=== browser console ===',
    consoleLines.join('\n'),
    readLogFiles(userDataDir, () => true),
  ].join('\n');
}

function defaultName(): string {
  const script = process.argv[1] ?? 'e2e';
  return path.basename(script).replace(/\.(test\.)?[cm]?js$/, '');
}

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 120) || 'unnamed';
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A label matcher: a string must equal the whole (trimmed) text; a RegExp is used as is. */
function exactly(label: Text): RegExp {
  return typeof label === 'string' ? new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) : label;
}

/** A message matcher: a string is a substring; a RegExp is used as is. */
function matchesMessage(text: string, want: Text): boolean {
  return typeof want === 'string' ? text.includes(want) : want.test(text);
}

/** CSS selector of an action link by title; an action's aria-label may carry its keybinding: "Refresh (Ctrl+R)". */
function actionSelector(title: string): string {
  return `a.action-label:is([aria-label=${JSON.stringify(title)}], [aria-label^=${JSON.stringify(`${title} (`)}])`;
}

function tail(s: string, n: number): string {
  return s.length > n ? `…${s.slice(-n)}` : s;
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function log(message: string): void {
  process.stderr.write(`[e2e] ${message}\n`);
}
