import * as vscode from 'vscode';
import { Settings } from '../constants';
import { Kubectl } from '../core/k8s/kubectl';

/** Why no kubectl runs in this window, or undefined in a trusted workspace. */
export function kubectlRefusal(): string | undefined {
  return vscode.workspace.isTrusted
    ? undefined
    : vscode.l10n.t(
        'This workspace is not trusted, so no kubectl is run (a workspace could choose the program or its configuration). Trust the workspace (Workspaces: Manage Workspace Trust) to use clusters.',
      );
}

/**
 * The user's kubectl (`quay.kubectl.path`, a machine setting the workspace cannot set, else `kubectl` on the
 * PATH), for one kubeconfig or the default one. In an untrusted workspace it runs nothing: every call rejects
 * with an `untrusted` KubectlError saying why (as git is not run there).
 */
export function kubectlFromSettings(kubeconfig?: string): Kubectl {
  const path = vscode.workspace.getConfiguration(Settings.section).get<string>(Settings.kubectlPath, '');
  const refusal = kubectlRefusal();
  return new Kubectl({ path, kubeconfig, ...(refusal !== undefined ? { refusal } : {}) });
}
