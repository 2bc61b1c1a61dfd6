/**
 * The robot page's Secret YAML and config.json texts, from the same builders the commands use
 * (src/core/k8s). No `vscode` import (unit-tested in Node).
 *
 * Before Reveal the page shows them without the token: built for a stand-in token, then every field that would
 * carry it (the Secret's `.dockerconfigjson`, the config's `auth`) reads `mask` instead.
 */
import { dockerConfigJson, type SecretScope } from '../core/k8s/credentials';
import { pullSecretManifest } from '../core/k8s/manifests';
import { errorMessage } from '../core/log';

export interface CredentialTexts {
  readonly secretYaml: string;
  readonly dockerConfig: string;
  /** Why the Secret cannot be built (an invalid namespace); `secretYaml` is then ''. */
  readonly problem?: string;
}

const STAND_IN = 'token';

export function credentialTexts(o: { host: string; robot: string; scope: SecretScope; namespace: string; token: string | undefined; mask: string }): CredentialTexts {
  const creds = { host: o.host, robot: o.robot, scope: o.scope, token: o.token ?? STAND_IN };
  const hide = (text: string) =>
    o.token !== undefined ? text : text.replace(/^( {2}\.dockerconfigjson: ).*$/m, `$1${o.mask}`).replace(/("auth": )"[^"]*"/g, `$1${JSON.stringify(o.mask)}`);
  const dockerConfig = hide(dockerConfigJson(creds));
  const namespace = o.namespace.trim();
  try {
    return { secretYaml: hide(pullSecretManifest({ ...creds, ...(namespace !== '' ? { namespace } : {}) })), dockerConfig };
  } catch (e) {
    return { secretYaml: '', dockerConfig, problem: errorMessage(e) };
  }
}
