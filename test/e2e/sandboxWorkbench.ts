/**
 * The setup most E2E files share: a Quay sandbox started for the file, and a real VS Code whose settings list
 * it as the instance "Sandbox", signed in as alice through an environment variable imported into SecretStorage.
 */
import { after } from 'node:test';
import { startSandbox, type Sandbox, type SeedName } from '../sandbox/server';
import { useVSCode, type VSCodeFixture } from './harness';

export interface SandboxWorkbench {
  readonly vscode: VSCodeFixture;
  /** The running sandbox; throws before `before` has run. */
  readonly sandbox: Sandbox;
}

export function useSandboxWorkbench(seed: SeedName = 'demo'): SandboxWorkbench {
  let current: Sandbox | undefined;
  after(async () => {
    await current?.close();
  });
  const vscode = useVSCode(async () => {
    current = await startSandbox({ seed });
    return {
      settings: { 'quay.instances': [{ url: current.url, label: 'Sandbox', tokenEnvironmentVariable: 'QUAY_E2E_TOKEN' }] },
      env: { QUAY_E2E_TOKEN: current.tokens.admin },
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
