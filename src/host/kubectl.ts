import * as vscode from 'vscode';
import { Settings } from '../constants';
import { Kubectl } from '../core/k8s/kubectl';

/** The user's kubectl (`quay.kubectl.path`, else `kubectl` on the PATH), for one kubeconfig or the default one. */
export function kubectlFromSettings(kubeconfig?: string): Kubectl {
  const path = vscode.workspace.getConfiguration(Settings.section).get<string>(Settings.kubectlPath, '');
  return new Kubectl({ path, kubeconfig });
}
