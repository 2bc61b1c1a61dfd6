/**
 * The setup most E2E files share: a Quay sandbox started for the file, and a real VS Code whose settings list
 * it as the instance "Sandbox", signed in as alice through an environment variable imported into SecretStorage.
 */
import { after } from 'node:test';
import { startSandbox, type Sandbox, type SandboxOptions, type SeedName } from '../sandbox/server';
import type { Page } from 'playwright-core';
import { acceptQuickInput, expandTreeItem, openViewContainer, quickInputState, useVSCode, waitForQuickInputClosed, waitForTreeItem, waitUntil, type StartOptions, type VSCodeFixture } from './harness';

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
    current = await startSandbox({ ...(await sandbox?.()), seed });
    const prepared = prepare?.(current) ?? {};
    return {
      ...options,
      ...prepared,
      settings: { ...prepared.settings, 'quay.instances': [{ url: current.url, label: 'Sandbox', tokenEnvironmentVariable: 'QUAY_E2E_TOKEN' }] },
      env: { ...prepared.env, QUAY_E2E_TOKEN: current.tokens.admin },
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
  const view = { viewTitle: 'Registry' };
  await openViewContainer(page, 'Quay');
  await expandTreeItem(page, 'acme', view);
  await expandTreeItem(page, 'Robot accounts', view);
  await waitForTreeItem(page, name, view);
}
