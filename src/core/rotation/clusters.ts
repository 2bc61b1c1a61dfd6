/**
 * The cluster part of a rotation (AGENTS.md "Token rotation"): what the search over kubeconfig contexts found,
 * the update of the ticked pull Secrets (each with its `resourceVersion` as the precondition), and the lines the
 * plan and the report say about them. `scanContexts` fills the `ClusterScan` for the editor (`scanClusters` picks the
 * contexts) and the command line (`--context`).
 */
import { searchContexts, updateClusterSecret, type RobotFilter, type SecretCredentials, type SecretMatch, type SecretProblem, type SecretUpdate } from '../k8s/clusterSecrets';
import { findClusterExternalSecrets, type ClusterExternalSecret } from '../k8s/clusterExternalSecrets';
import { knownPullSecretNames } from './externalSecrets';
import type { Kubectl } from '../k8s/kubectl';
import { errorMessage } from '../log';

/** What the cluster part of a rotation plan found: Secrets holding the robot, and what could not be searched. */
export interface ClusterScan {
  readonly kubectl: Kubectl;
  readonly filter: RobotFilter;
  readonly contexts: readonly string[];
  readonly matches: readonly SecretMatch[];
  readonly problems: readonly SecretProblem[];
  /** Contexts that could not be reached, or kubectl missing (context ''), with one clear sentence each. */
  readonly unreachable: readonly { readonly context: string; readonly reason: string }[];
  /** Vault-backed ExternalSecrets of the robot, in contexts where the CRD exists (update the vault, then refresh). */
  readonly externalSecrets?: readonly ClusterExternalSecret[];
  /** Contexts whose ExternalSecrets could not be listed, with why. */
  readonly externalSecretProblems?: readonly { readonly context: string; readonly reason: string }[];
}

/**
 * The rotation's search of the picked contexts, for the editor and the command line alike: each context's pull
 * Secrets holding the robot (`searchContexts`) and its vault-backed ExternalSecrets writing one of those Secrets,
 * Quay's name for the robot's, or naming the robot. `before` is told each context before it is searched.
 */
export async function scanContexts(kubectl: Kubectl, contexts: readonly string[], filter: RobotFilter, before?: (context: string) => void): Promise<ClusterScan> {
  const externalSecrets: ClusterExternalSecret[] = [];
  const externalSecretProblems: { context: string; reason: string }[] = [];
  const found = await searchContexts(kubectl, contexts, filter, {
    ...(before !== undefined ? { before } : {}),
    also: async (context, secrets) => {
      const known = (namespace: string): Set<string> => new Set([...knownPullSecretNames(filter.robot), ...secrets.matches.filter((m) => m.namespace === namespace).map((m) => m.name)]);
      const es = await findClusterExternalSecrets(kubectl, context, filter.robot, known);
      externalSecrets.push(...es.found);
      if (es.problem !== undefined) externalSecretProblems.push({ context, reason: es.problem });
    },
  });
  return { kubectl, filter, ...found, externalSecrets, externalSecretProblems };
}

export function secretLabel(m: SecretMatch): string {
  return `${m.context} · ${m.namespace}/${m.name}`;
}

/** Why a managed Secret is not patched, as the plan and the report say it. */
export function managedReason(m: SecretMatch): string {
  return m.managedBy === 'external-secrets'
    ? 'managed by External Secrets: update the value in the vault (the operator would overwrite a patch)'
    : `managed by ${m.managedBy ?? ''}: update its source (the controller would overwrite a patch)`;
}

/** The lines for what could not be searched: unreachable contexts, forbidden namespaces, malformed Secrets. */
export function problemLines(scan: ClusterScan): string[] {
  return [
    ...scan.unreachable.map((u) => (u.context === '' ? u.reason : `${u.context}: not searched: ${u.reason}`)),
    ...(scan.externalSecretProblems ?? []).map((p) => `${p.context}: ExternalSecrets not searched: ${p.reason}`),
    ...scan.problems.map((p) =>
      p.kind === 'forbidden'
        ? `${p.context}: namespace ${p.namespace === '*' ? 'list' : p.namespace} not searched (forbidden): ${p.reason}`
        : `${p.context}: Secret ${p.namespace}/${p.name ?? ''} could not be read: ${p.reason}`,
    ),
  ];
}

/** Updates the ticked Secrets one by one, each with its resourceVersion as the precondition; a failure is a result, never thrown. */
export async function updateSecrets(scan: Pick<ClusterScan, 'kubectl' | 'filter'>, ticked: readonly SecretMatch[], credentials: SecretCredentials): Promise<SecretUpdate[]> {
  const out: SecretUpdate[] = [];
  for (const m of ticked) {
    try {
      out.push(await updateClusterSecret(scan.kubectl, m, credentials, scan.filter));
    } catch (error) {
      out.push({ match: m, outcome: 'failed', reason: errorMessage(error) });
    }
  }
  return out;
}

/** The report's "Clusters" section (Markdown lines). */
export function clusterReport(scan: ClusterScan | undefined, results: readonly SecretUpdate[] | undefined): string[] {
  if (scan === undefined || (scan.contexts.length === 0 && scan.unreachable.length === 0)) return [];
  const lines = [`## Clusters (${scan.contexts.length > 0 ? scan.contexts.map((c) => `\`${c}\``).join(', ') : 'none searched'})`, ''];
  if (results !== undefined) {
    for (const r of results) {
      const what = `\`${secretLabel(r.match)}\``;
      if (r.outcome === 'updated') lines.push(`- ${what} updated`);
      else lines.push(`- ${what} ${r.outcome === 'skipped' ? `skipped: ${r.reason}` : `failed: ${r.reason} — run "Quay: Finish Rotation"`}`);
    }
    const done = new Set(results.map((r) => r.match));
    for (const m of scan.matches) if (!done.has(m)) lines.push(`- \`${secretLabel(m)}\` ${m.managedBy !== null ? managedReason(m) : 'not ticked'}`);
  } else {
    for (const m of scan.matches) lines.push(`- \`${secretLabel(m)}\` ${m.type} · ${m.registry}${m.managedBy !== null ? ` · ${managedReason(m)}` : ''}`);
  }
  if (scan.matches.length === 0) lines.push('- no pull Secret holds this robot');
  for (const p of problemLines(scan)) lines.push(`- ${p}`);
  lines.push('');
  return lines;
}
