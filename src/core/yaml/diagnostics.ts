/**
 * Pull-failure prevention (peers.md §3 point 5), for images on configured Quay hosts:
 * - `quay-missing-pull-secret` (Information): the pod spec has no `imagePullSecrets` and no ServiceAccount
 *   in the same text (its `serviceAccountName`, else `default`, same namespace when both say one) gives it one.
 * - `quay-pull-secret-mismatch` (Warning): every pull secret the pod uses (its own, else its ServiceAccount's)
 *   is a known docker-config Secret (in this text or `workspaceSecrets`), and none has credentials whose
 *   `auths` key covers the image's host or `host/<org>`. A secret that cannot be found might cover the image,
 *   so its presence suppresses the warning.
 * Documents that cannot be read (YAML errors, templates) get nothing here: the YAML tooling reports those.
 */
import { authsKeyCovers } from '../k8s/imageReference';
import type { ImageReference } from '../k8s/imageReference';
import type { TextRange } from './edits';
import type { ParsedManifests } from './parse';
import { imagePulls, secretsOf } from './pullCredentials';
import { filePullSecrets } from './facts';
import type { PullSecretInfo } from './pullSecrets';

export const DIAGNOSTIC_MISSING_PULL_SECRET = 'quay-missing-pull-secret';
export const DIAGNOSTIC_PULL_SECRET_MISMATCH = 'quay-pull-secret-mismatch';

export type DiagnosticCode = typeof DIAGNOSTIC_MISSING_PULL_SECRET | typeof DIAGNOSTIC_PULL_SECRET_MISMATCH;

export interface ManifestDiagnostic {
  /** The image scalar. */
  readonly range: TextRange;
  readonly severity: 'information' | 'warning';
  readonly code: DiagnosticCode;
  readonly message: string;
  /** What a quick fix needs. */
  readonly data: {
    readonly documentIndex: number;
    readonly itemIndex: number | undefined;
    readonly host: string;
    readonly namespace: string;
    readonly repository: string;
    /** Secrets considered (mismatch only). */
    readonly secrets: readonly string[];
  };
}

export interface DiagnoseOptions {
  /** Configured Quay hosts (`quay.io`, `quay.example.com:8443`; a scheme or trailing `/` is ignored). */
  readonly quayHosts: readonly string[];
  /** Pull Secrets found elsewhere in the workspace (from {@link findPullSecrets} on other files). */
  readonly workspaceSecrets?: readonly PullSecretInfo[];
}

function display(ref: ImageReference): string {
  return ref.namespace === '' ? ref.host : `${ref.host}/${ref.namespace}`;
}

export function diagnoseDocument(parsed: ParsedManifests, options: DiagnoseOptions): ManifestDiagnostic[] {
  let secrets: PullSecretInfo[] | undefined;
  const knownSecrets = (): PullSecretInfo[] => (secrets ??= [...filePullSecrets(parsed), ...(options.workspaceSecrets ?? [])]);
  const out: ManifestDiagnostic[] = [];
  for (const pull of imagePulls(parsed, options.quayHosts)) {
    const { ref } = pull;
    const data = { documentIndex: pull.documentIndex, itemIndex: pull.itemIndex, host: ref.host, namespace: ref.namespace, repository: ref.repository };
    if (pull.secrets.length === 0) {
      out.push({
        range: pull.range,
        severity: 'information',
        code: DIAGNOSTIC_MISSING_PULL_SECRET,
        message: `${ref.host} is a Quay registry, but this pod spec has no imagePullSecrets and no ServiceAccount in this file (${pull.serviceAccountName ?? 'default'}) gives it one; a private repository will fail with ImagePullBackOff.`,
        data: { ...data, secrets: [] },
      });
      continue;
    }
    // A secret that cannot be found might cover the image: its presence suppresses the warning.
    const found = secretsOf(pull, knownSecrets());
    const matched = found.filter((s) => s !== undefined);
    if (matched.length < found.length || matched.length === 0) continue;
    if (matched.some((s) => s.authsKeys.some((k) => authsKeyCovers(k, ref)))) continue;
    const keys = [...new Set(matched.flatMap((s) => s.authsKeys))];
    const names = matched.map((s) => `"${s.name ?? ''}"`).join(', ');
    out.push({
      range: pull.range,
      severity: 'warning',
      code: DIAGNOSTIC_PULL_SECRET_MISMATCH,
      message: `Pull secret ${names} (from ${pull.via}) has credentials for ${keys.length > 0 ? keys.join(', ') : 'no registry'}, not for ${display(ref)}; pulling ${pull.image} will not use them.`,
      data: { ...data, secrets: matched.map((s) => s.name ?? '') },
    });
  }
  return out;
}
