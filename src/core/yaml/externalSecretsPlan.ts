/**
 * Plan inserting External Secrets objects for a pull Secret into an open manifest file (keyless or vault-backed, `core/k8s/externalSecrets.ts`): the
 * new documents go after the current document (the one under the cursor, else the last), in its namespace;
 * objects the file already has (same kind, name and namespace) are not added again, a ServiceAccount of that
 * name is reused; and when the action started from a pod spec, the Secret's name is added to its
 * `imagePullSecrets` with the minimal-edit planner.
 */
import { keylessManifests, vaultExternalSecret } from '../k8s/externalSecrets';
import type { ExternalSecretsVersion, KeylessOptions, VaultOptions } from '../k8s/externalSecrets';
import { planWorkloads, selectTargets } from './addImagePullSecret';
import type { EditPlan, PlannedTarget, PlanTargetSelector } from './addImagePullSecret';
import { normalizeEdits } from './edits';
import type { TextEdit } from './edits';
import { documentRefusal, refusal } from './guards';
import type { Refusal } from './guards';
import { planInsertDocument } from './insertDocument';
import type { ManifestDocument, ParsedManifests } from './parse';
import { findServiceAccount, styleForNewDocuments } from './serviceAccount';
import { errorMessage } from '../log';

export interface PlacementOptions {
  /** The cursor or document the action started from; without it, after the last document and no pod spec edit. */
  readonly target?: PlanTargetSelector;
  /** Written into the new objects; default: the namespace of the document the action started from. */
  readonly namespace?: string;
}

export interface ExternalSecretsPlan extends EditPlan {
  readonly secretName: string;
  readonly namespace: string | undefined;
  /** Whether the ServiceAccount was found in the file (keyless only). */
  readonly serviceAccount?: 'reused' | 'added';
}

interface NewObject {
  readonly kind: string;
  readonly name: string;
  readonly text: string;
}

function currentDocument(parsed: ParsedManifests, target: PlanTargetSelector | undefined): ManifestDocument | undefined {
  if (target === undefined) return parsed.document(parsed.documentCount - 1);
  return 'offset' in target ? parsed.documentAt(target.offset) : parsed.document(target.documentIndex);
}

/** The namespace new objects get: the given one, else the current document's (or the pod spec's under the cursor). */
export function placementNamespace(parsed: ParsedManifests, options: PlacementOptions): string | undefined {
  return options.namespace ?? currentDocument(parsed, options.target)?.namespace;
}

function hasObject(parsed: ParsedManifests, kind: string, name: string, namespace: string | undefined): boolean {
  return parsed.documents.some((d) => d.kind === kind && d.name === name && (d.namespace === namespace || d.namespace === undefined));
}

/** Insert `objects` (those the file lacks) after the current document and add `secretName` to the pod spec there. */
function planPlacement(parsed: ParsedManifests, options: PlacementOptions, secretName: string, objects: readonly NewObject[], namespace: string | undefined): EditPlan | Refusal {
  const current = currentDocument(parsed, options.target);
  if (current !== undefined) {
    const problem = documentRefusal(parsed, current);
    if (problem !== undefined) return problem;
  }
  const edits: TextEdit[] = [];
  const targets: PlannedTarget[] = [];
  if (options.target !== undefined && current !== undefined) {
    const selected = selectTargets(parsed, { target: options.target, include: 'workloads' });
    if ('status' in selected) return selected;
    if (selected.workloads.length > 0) {
      const plan = planWorkloads(parsed, secretName, selected.workloads);
      if (plan.status === 'refused') return plan;
      edits.push(...plan.edits);
      targets.push(...plan.targets);
    }
  }
  const missing = objects.filter((o) => !hasObject(parsed, o.kind, o.name, namespace));
  const after = current?.index ?? parsed.documentCount - 1;
  missing.forEach((o, i) => targets.push({ documentIndex: after + 1 + i, itemIndex: undefined, kind: o.kind, name: o.name, outcome: 'added', shared: false }));
  if (missing.length > 0) edits.push(...planInsertDocument(parsed, after, missing.map((o) => o.text)));
  const normalized = normalizeEdits(edits);
  return { status: normalized.length > 0 ? 'changed' : 'unchanged', edits: normalized, targets };
}

function built<T>(build: () => T): T | Refusal {
  try {
    return build();
  } catch (e) {
    return refusal('invalid-name', errorMessage(e));
  }
}

/** §1: ServiceAccount (unless the file has it), QuayAccessToken and ExternalSecret, and the pod spec's pull secret. */
export function planKeylessPullSecret(parsed: ParsedManifests, options: Omit<KeylessOptions, 'namespace'> & PlacementOptions): ExternalSecretsPlan | Refusal {
  const namespace = placementNamespace(parsed, options);
  const m = built(() => keylessManifests({ ...options, namespace }, styleForNewDocuments(parsed)));
  if ('status' in m) return m;
  const reused = findServiceAccount(parsed, options.serviceAccount, namespace) !== undefined;
  const objects: NewObject[] = [
    ...(reused ? [] : [{ kind: 'ServiceAccount', name: options.serviceAccount, text: m.serviceAccount }]),
    { kind: 'QuayAccessToken', name: m.generatorName, text: m.generator },
    { kind: 'ExternalSecret', name: m.secretName, text: m.externalSecret },
  ];
  const plan = planPlacement(parsed, options, m.secretName, objects, namespace);
  if (plan.status === 'refused') return plan;
  return { ...plan, secretName: m.secretName, namespace, serviceAccount: reused ? 'reused' : 'added' };
}

/** §2: an ExternalSecret reading the robot token from a SecretStore, and the pod spec's pull secret. */
export function planVaultPullSecret(parsed: ParsedManifests, options: Omit<VaultOptions, 'namespace'> & PlacementOptions): ExternalSecretsPlan | Refusal {
  const namespace = placementNamespace(parsed, options);
  const m = built(() => vaultExternalSecret({ ...options, namespace }, styleForNewDocuments(parsed)));
  if ('status' in m) return m;
  const plan = planPlacement(parsed, options, m.secretName, [{ kind: 'ExternalSecret', name: m.secretName, text: m.manifest }], namespace);
  if (plan.status === 'refused') return plan;
  return { ...plan, secretName: m.secretName, namespace };
}

/** The ExternalSecret apiVersions a file uses (`v1`, `v1beta1`…), from its documents' `apiVersion`. */
export function externalSecretVersionsIn(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.matchAll(/^apiVersion:[ \t]*["']?external-secrets\.io\/(v[0-9a-z]+)/gm)) if (m[1] !== undefined) out.add(m[1]);
  return out;
}

/**
 * Which ExternalSecret version to write: the setting when it names one; else `v1beta1` only when the workspace
 * already uses it and not `v1`; else `v1`. `warn` says the choice is one current operators refuse.
 */
export function chooseExternalSecretsVersion(setting: string | undefined, workspaceVersions: ReadonlySet<string>): { version: ExternalSecretsVersion; warn: boolean } {
  const version: ExternalSecretsVersion =
    setting === 'v1' || setting === 'v1beta1' ? setting : workspaceVersions.has('v1beta1') && !workspaceVersions.has('v1') ? 'v1beta1' : 'v1';
  return { version, warn: version === 'v1beta1' };
}
