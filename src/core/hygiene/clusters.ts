/**
 * The cluster side of the hygiene review: every pull Secret (`kubernetes.io/dockerconfigjson` or `dockercfg`) in
 * the chosen contexts, with the robots its `auths` entries hold (user names `namespace+name`; no token needed).
 * The Secrets are listed by core/k8s/clusterSecrets.ts `listContextSecrets` (all namespaces at once, else one by one);
 * a context that cannot be reached throws a KubectlError; forbidden namespaces are reported as problems.
 */
import { dockerConfigAuths } from '../k8s/credentials';
import { DOCKER_CFG, DOCKER_CONFIG_JSON, listContextSecrets, managedBy } from '../k8s/clusterSecrets';
import type { KubeSecret } from '../k8s/clusterSecrets';
import type { Kubectl } from '../k8s/kubectl';
import type { ClusterInputs, ClusterPullSecret } from './inputs';

const DATA_KEY: Readonly<Record<string, string>> = { [DOCKER_CONFIG_JSON]: '.dockerconfigjson', [DOCKER_CFG]: '.dockercfg' };
const hostOf = (key: string): string => key.replace(/^[A-Za-z][A-Za-z0-9+.-]*:\/\//, '').split('/')[0] ?? key;

function entryUser(entry: unknown): string | undefined {
  if (typeof entry !== 'object' || entry === null) return undefined;
  const e = entry as Record<string, unknown>;
  if (typeof e.username === 'string') return e.username;
  if (typeof e.auth !== 'string') return undefined;
  const decoded = Buffer.from(e.auth, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon > 0 ? decoded.slice(0, colon) : undefined;
}

/** The robots held by the pull Secrets among `secrets`. */
export function robotPullSecrets(context: string, secrets: readonly KubeSecret[]): ClusterPullSecret[] {
  const out: ClusterPullSecret[] = [];
  for (const secret of secrets) {
    const key = DATA_KEY[secret.type ?? ''];
    if (key === undefined) continue;
    const text = secret.stringData?.[key] ?? (secret.data?.[key] !== undefined ? Buffer.from(secret.data[key], 'base64').toString('utf8') : undefined);
    if (text === undefined) continue;
    const auths = dockerConfigAuths(text, secret.type === DOCKER_CFG, key);
    if ('reason' in auths) continue;
    const seen = new Set<string>();
    for (const [k, entry] of Object.entries(auths.auths)) {
      const robot = entryUser(entry);
      if (robot === undefined || !robot.includes('+') || seen.has(robot)) continue;
      seen.add(robot);
      out.push({ context, namespace: secret.metadata?.namespace ?? '', name: secret.metadata?.name ?? '', robot, host: hostOf(k), managedBy: managedBy(secret) });
    }
  }
  return out;
}

/** Pull Secrets of every context; an unreachable context throws (the CLI exits 2 naming it). */
export async function gatherClusters(kubectl: Pick<Kubectl, 'getJson'>, contexts: readonly string[]): Promise<ClusterInputs> {
  const secrets: ClusterPullSecret[] = [];
  const problems: { context: string; namespace?: string; reason: string }[] = [];
  for (const context of contexts) {
    const listed = await listContextSecrets(kubectl, context);
    secrets.push(...robotPullSecrets(context, listed.secrets));
    for (const f of listed.forbidden) problems.push(f.namespace === '*' ? { context, reason: f.reason } : { context, namespace: f.namespace, reason: f.reason });
  }
  return { contexts, secrets, problems };
}
