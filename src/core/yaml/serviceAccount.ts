/**
 * Give a ServiceAccount a pull secret: add it to the ServiceAccount's `imagePullSecrets` when the file has
 * that ServiceAccount, else append a new ServiceAccount document. The multi-namespace variant does the same
 * in each namespace and adds the pull Secret itself where the file does not have it yet.
 */
import { pullSecretName } from '../k8s/credentials';
import { pullSecretManifest, serviceAccountManifest } from '../k8s/manifests';
import type { PullSecretOptions } from '../k8s/manifests';
import { namespaceProblem, objectNameProblem } from '../k8s/names';
import { planWorkloads } from './addImagePullSecret';
import type { EditPlan, PlannedTarget } from './addImagePullSecret';
import { normalizeEdits } from './edits';
import type { TextEdit } from './edits';
import { documentRefusal, refusal } from './guards';
import type { Refusal } from './guards';
import { planInsertDocument } from './insertDocument';
import type { ParsedManifests } from './parse';
import { findPullSecrets } from './pullSecrets';
import type { PullSecretInfo } from './pullSecrets';
import { blockStyleFor } from './style';
import { findWorkloads } from './workloads';
import type { Workload } from './workloads';

/**
 * The ServiceAccount named `name` in `namespace`. With a namespace, an account with exactly that namespace
 * is preferred, then one without a namespace (it lands in whatever namespace it is applied to); without a
 * namespace, the first account with that name.
 */
export function findServiceAccount(parsed: ParsedManifests, name: string, namespace?: string): Workload | undefined {
  return pickAccount(accountsNamed(parsed, name), namespace, new Set());
}

function accountsNamed(parsed: ParsedManifests, name: string): Workload[] {
  return findWorkloads(parsed).filter((w) => w.kind === 'ServiceAccount' && w.name === name);
}

/** Identifies one object in the file (a document, or an item of a `List` document). */
function accountKey(w: Workload): string {
  return `${w.documentIndex}/${w.itemIndex ?? ''}`;
}

/** `findServiceAccount`'s choice among `accounts`, skipping the ones in `used` (already claimed by a namespace). */
function pickAccount(accounts: readonly Workload[], namespace: string | undefined, used: ReadonlySet<string>): Workload | undefined {
  const free = accounts.filter((w) => !used.has(accountKey(w)));
  if (namespace === undefined) return free[0];
  return free.find((w) => w.namespace === namespace) ?? free.find((w) => w.namespace === undefined);
}

function lastDocumentIndex(parsed: ParsedManifests): number {
  return parsed.documents.length - 1;
}

export function styleForNewDocuments(parsed: ParsedManifests): { indent: number; indentSequences: boolean } {
  const last = lastDocumentIndex(parsed);
  const style = blockStyleFor(parsed, Math.max(0, last), undefined);
  return { indent: style.indent, indentSequences: style.seqOffset > 0 };
}

/** Plan giving ServiceAccount `saName` (in `namespace`, if given) the pull secret `secretName`. */
export function planServiceAccountPatch(
  parsed: ParsedManifests,
  saName: string,
  secretName: string,
  namespace?: string,
): EditPlan | Refusal {
  return planNamespaces(parsed, saName, secretName, [namespace], undefined);
}

export interface RolloutOptions {
  /** Namespaces to cover; each gets the Secret (unless present) and the ServiceAccount patch. */
  readonly namespaces: readonly string[];
  /** ServiceAccount to patch in each namespace (default `default`). */
  readonly serviceAccount?: string;
  /** The Secret to create where missing: the robot credentials, optional name (default Quay's). */
  readonly secret: Omit<PullSecretOptions, 'namespace'>;
}

/**
 * Plan one pull Secret and one ServiceAccount patch per namespace. Secrets already in the file (same name and
 * namespace) are left as they are; new documents are appended at the end, namespace by namespace.
 */
export function planPullSecretRollout(parsed: ParsedManifests, options: RolloutOptions): EditPlan | Refusal {
  const secretName = options.secret.name ?? pullSecretName(options.secret.robot);
  return planNamespaces(parsed, options.serviceAccount ?? 'default', secretName, options.namespaces, options.secret);
}

function planNamespaces(
  parsed: ParsedManifests,
  saName: string,
  secretName: string,
  namespaces: readonly (string | undefined)[],
  secret: Omit<PullSecretOptions, 'namespace'> | undefined,
): EditPlan | Refusal {
  for (const n of [saName, secretName]) {
    const problem = objectNameProblem(n);
    if (problem !== undefined) return refusal('invalid-name', problem);
  }
  for (const ns of namespaces) {
    const problem = ns === undefined ? undefined : namespaceProblem(ns);
    if (problem !== undefined) return refusal('invalid-name', problem);
  }
  const edits: TextEdit[] = [];
  const targets: PlannedTarget[] = [];
  const newDocs: string[] = [];
  const style = styleForNewDocuments(parsed);
  const existingSecrets = findPullSecrets(parsed);
  const seen = new Set<string>();
  // An account without a namespace can stand in for one namespace only: patching it for every namespace would
  // add the key twice. The other namespaces get their own new account.
  const accounts = accountsNamed(parsed, saName);
  const claimed = new Set<string>();
  const claimedSecrets = new Set<PullSecretInfo>();
  let appended = 0;
  for (const ns of namespaces) {
    const key = ns ?? '';
    if (seen.has(key)) continue;
    seen.add(key);
    if (secret !== undefined) {
      // Like an account, a Secret without a namespace stands in for one namespace only.
      const named = existingSecrets.filter((s) => s.name === secretName);
      const present = named.find((s) => s.namespace === ns) ?? named.find((s) => s.namespace === undefined && !claimedSecrets.has(s));
      if (present !== undefined) claimedSecrets.add(present);
      else {
        newDocs.push(pullSecretManifest({ ...secret, name: secretName, namespace: ns }));
        targets.push({ documentIndex: parsed.documents.length + appended++, itemIndex: undefined, kind: 'Secret', name: secretName, outcome: 'added', shared: false });
      }
    }
    const sa = pickAccount(accounts, ns, claimed);
    if (sa !== undefined) {
      claimed.add(accountKey(sa));
      const d = parsed.document(sa.documentIndex);
      const problem = d === undefined ? undefined : documentRefusal(parsed, d);
      if (problem !== undefined) return problem;
      const plan = planWorkloads(parsed, secretName, [sa]);
      if (plan.status === 'refused') return plan;
      edits.push(...plan.edits);
      targets.push(...plan.targets);
    } else {
      newDocs.push(serviceAccountManifest(saName, ns, [secretName], style));
      targets.push({ documentIndex: parsed.documents.length + appended++, itemIndex: undefined, kind: 'ServiceAccount', name: saName, outcome: 'added', shared: false });
    }
  }
  if (newDocs.length > 0) edits.push(...planInsertDocument(parsed, lastDocumentIndex(parsed), newDocs));
  const normalized = normalizeEdits(edits);
  return { status: normalized.length > 0 ? 'changed' : 'unchanged', edits: normalized, targets };
}
