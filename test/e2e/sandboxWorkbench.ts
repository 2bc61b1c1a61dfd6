/**
 * The setup most E2E files share: a Quay sandbox started for the file, and a real VS Code whose settings list
 * it as the instance "Sandbox", signed in as alice through an environment variable imported into SecretStorage.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after } from 'node:test';
import { startSandbox, type Sandbox, type SandboxOptions, type SeedName } from '../sandbox/server';
import type { Page } from 'playwright-core';
import { acceptQuickInput, expandTreeItem, openViewContainer, quickInputState, useVSCode, waitForQuickInputClosed, waitForTreeItem, waitUntil, type StartOptions, type VSCodeFixture, type VSCodeSession } from './harness';

/** The extension's tree view, for the harness's tree helpers (`waitForTreeItem(page, 'acme', REGISTRY_VIEW)`). */
export const REGISTRY_VIEW = { viewTitle: 'Registry' } as const;

/** The text of a file of the session's workspace, `relative` to its root. */
export function workspaceFile(session: VSCodeSession, relative: string): string {
  return readFileSync(join(session.workspace, relative), 'utf8');
}

export interface SandboxWorkbench {
  readonly vscode: VSCodeFixture;
  /** The running sandbox; throws before `before` has run. */
  readonly sandbox: Sandbox;
}

/**
 * `extra.prepare` runs once the sandbox is up, before VS Code starts: e.g. it writes a workspace whose files hold
 * a robot's token (tokens are random per sandbox) and returns it as `workspace`.
 */
export function useSandboxWorkbench(
  seed: SeedName = 'demo',
  extra: Pick<StartOptions, 'keybindings' | 'workspaceTrust'> & {
    prepare?: (sandbox: Sandbox) => Pick<StartOptions, 'workspace' | 'settings' | 'env'>;
    /** More sandbox options, asked just before it starts (e.g. a test cluster started there, whose CA it trusts). */
    sandbox?: () => Promise<Omit<SandboxOptions, 'seed'>>;
  } = {},
): SandboxWorkbench {
  let current: Sandbox | undefined;
  after(async () => {
    await current?.close();
  });
  const vscode = useVSCode(async () => {
    const { prepare, sandbox, ...options } = extra;
    const sandboxOptions = await sandbox?.();
    current = await startSandbox({ ...sandboxOptions, seed });
    const prepared = prepare?.(current) ?? {};
    return {
      ...options,
      ...prepared,
      settings: { ...prepared.settings, 'quay.instances': [{ url: current.url, label: 'Sandbox', tokenEnvironmentVariable: 'QUAY_E2E_TOKEN' }] },
      // A sandbox with its own clock: code-server and the extension host run on the same time (see fakeClockEnv).
      env: { ...prepared.env, ...(sandboxOptions?.now !== undefined ? fakeClockEnv(current) : {}), QUAY_E2E_TOKEN: current.tokens.admin },
    };
  });
  return {
    vscode,
    get sandbox(): Sandbox {
      if (current === undefined) throw new Error('The sandbox is not running yet (before has not run)');
      return current;
    },
  };
}

/**
 * Accepts a bulk plan: its first row, focused when the plan opens, is "Apply N changes"; Enter applies it
 * (a click on a quick-pick row can be lost while the list is still laying out).
 */
export async function applyPlan(page: Page): Promise<void> {
  await waitUntil(async () => (await quickInputState(page)).items.find((i) => i.focused === true)?.label.match(/Apply \d+ changes/), {
    message: 'the plan with "Apply N changes" focused',
  });
  await acceptQuickInput(page);
  await waitForQuickInputClosed(page);
}

/** Opens the Quay view down to the robot `name` of the sandbox's organization acme. */
export async function showOrgRobot(page: Page, name: string): Promise<void> {
  await openViewContainer(page, 'Quay');
  await expandTreeItem(page, 'acme', REGISTRY_VIEW);
  await expandTreeItem(page, 'Robot accounts', REGISTRY_VIEW);
  await waitForTreeItem(page, name, REGISTRY_VIEW);
}

/**
 * Environment that puts code-server and the extension host on the sandbox's clock: `fakeClock.js` preloaded through
 * `NODE_OPTIONS` shifts their `Date` by the sandbox's offset from the real time (which both keep advancing), so the
 * extension computes ages, "today" and log windows on the sandbox's day. Chromium, started by the test, keeps the
 * real time: what the tree shows is computed in the extension host.
 */
export function fakeClockEnv(sandbox: Sandbox): Record<string, string> {
  const shim = join(__dirname, 'fakeClock.js');
  if (!existsSync(shim)) throw new Error(`${shim} is missing: run npm run compile`);
  if (/\s/.test(shim)) throw new Error(`NODE_OPTIONS cannot --require a path with spaces: ${shim}`);
  return { NODE_OPTIONS: `--require ${shim}`, QUAY_E2E_CLOCK_OFFSET_MS: String(sandbox.now().getTime() - Date.now()) };
}
