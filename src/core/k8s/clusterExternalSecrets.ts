/**
 * Vault-backed ExternalSecrets of a robot in a cluster (AGENTS.md "Token rotation"), found through the user's kubectl where the
 * ExternalSecret CRD exists, and refreshed after a rotation by ESO's documented `force-sync` annotation (see
 * `core/rotation/externalSecrets.ts` for what ESO does with it).
 */
import { asVaultExternalSecret, FORCE_SYNC_ANNOTATION, forceSyncValue, type VaultExternalSecret } from '../rotation/externalSecrets';
import { KubectlError, type Kubectl } from './kubectl';

export const EXTERNAL_SECRETS_RESOURCE = 'externalsecrets.external-secrets.io';

export interface ClusterExternalSecret extends VaultExternalSecret {
  readonly context: string;
  readonly namespace: string;
}

export interface ClusterExternalSecrets {
  readonly found: readonly ClusterExternalSecret[];
  /** False when the cluster has no ExternalSecret CRD (nothing to find, nothing said). */
  readonly installed: boolean;
  /** Why they could not be listed (forbidden…), or undefined. */
  readonly problem: string | undefined;
}

/** kubectl's answer when the resource type is unknown to the API server (the CRD is not installed). */
const NO_SUCH_TYPE = /doesn't have a resource type|the server could not find the requested resource/i;

/**
 * The vault-backed ExternalSecrets of `robot` in every namespace of `context`. `knownSecrets(namespace)` gives
 * the Secret names known to hold the robot there (Quay's pull Secret name, the pull Secrets the scan matched).
 * A cluster that cannot be reached throws a {@link KubectlError}, as the Secret search does.
 */
export async function findClusterExternalSecrets(kubectl: Kubectl, context: string, robot: string, knownSecrets: (namespace: string) => ReadonlySet<string>): Promise<ClusterExternalSecrets> {
  let list: unknown;
  try {
    list = await kubectl.getJson(context, [EXTERNAL_SECRETS_RESOURCE, '--all-namespaces']);
  } catch (e) {
    if (!(e instanceof KubectlError)) throw e;
    if (NO_SUCH_TYPE.test(e.stderr) || NO_SUCH_TYPE.test(e.message)) return { found: [], installed: false, problem: undefined };
    if (e.kind === 'forbidden') return { found: [], installed: true, problem: e.message };
    throw e;
  }
  const items = (list as { items?: unknown } | null)?.items;
  const found: ClusterExternalSecret[] = [];
  for (const item of Array.isArray(items) ? items : []) {
    const namespace = (item as { metadata?: { namespace?: unknown } } | null)?.metadata?.namespace;
    if (typeof namespace !== 'string') continue;
    const es = asVaultExternalSecret(item, robot, knownSecrets(namespace));
    if (es !== undefined) found.push({ ...es, context, namespace });
  }
  return { found, installed: true, problem: undefined };
}

export type ForceSyncResult = { readonly es: ClusterExternalSecret; readonly outcome: 'annotated' | 'skipped' | 'failed'; readonly reason?: string };

/** Sets `force-sync=<unix seconds>` on each (skipping those ESO would not refresh for it), one by one. */
export async function forceSync(kubectl: Kubectl, secrets: readonly ClusterExternalSecret[], now: Date = new Date()): Promise<ForceSyncResult[]> {
  const out: ForceSyncResult[] = [];
  for (const es of secrets) {
    if (es.noForceSync !== undefined) {
      out.push({ es, outcome: 'skipped', reason: es.noForceSync });
      continue;
    }
    try {
      await kubectl.annotate(es.context, es.namespace, EXTERNAL_SECRETS_RESOURCE, es.name, { [FORCE_SYNC_ANNOTATION]: forceSyncValue(now) });
      out.push({ es, outcome: 'annotated' });
    } catch (e) {
      if (!(e instanceof KubectlError)) throw e;
      out.push({ es, outcome: 'failed', reason: e.message });
    }
  }
  return out;
}
