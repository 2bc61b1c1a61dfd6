/** Run one golden case through its planner (shared by the golden and property tests). */
import { planAddImagePullSecret } from '../../../src/core/yaml/addImagePullSecret';
import type { AddPullSecretResult } from '../../../src/core/yaml/addImagePullSecret';
import { applyEdits } from '../../../src/core/yaml/edits';
import { planInsertDocument } from '../../../src/core/yaml/insertDocument';
import { parseManifests } from '../../../src/core/yaml/parse';
import { planPullSecretRollout, planServiceAccountPatch } from '../../../src/core/yaml/serviceAccount';
import { planKeylessPullSecret, planVaultPullSecret } from '../../../src/core/yaml/externalSecretsPlan';
import { planGithubKeylessLogin } from '../../../src/core/yaml/githubLogin';
import type { GoldenCase } from './helpers';

export interface CaseRun {
  readonly result: AddPullSecretResult;
  readonly output: string;
}

export function runCase(spec: GoldenCase, input: string): CaseRun {
  const parsed = parseManifests(input);
  let result: AddPullSecretResult;
  const op = spec.op ?? 'add';
  const t = spec.target;
  const target = t === undefined ? undefined : 'cursor' in t ? { offset: cursorOffset(input, t.cursor) } : { documentIndex: t.documentIndex };
  const robot = { host: spec.host ?? 'quay.example.com', robot: spec.robot ?? 'acme+keyless', secretName: spec.secret, apiVersion: spec.apiVersion, target, namespace: spec.namespace };
  if (op === 'add') {
    result = planAddImagePullSecret(parsed, spec.secret ?? 'quay-pull', { target, include: spec.include });
  } else if (op === 'serviceAccount') {
    result = planServiceAccountPatch(parsed, spec.serviceAccount ?? 'default', spec.secret ?? 'quay-pull', spec.namespace);
  } else if (op === 'rollout') {
    result = planPullSecretRollout(parsed, {
      namespaces: spec.namespaces ?? [],
      serviceAccount: spec.serviceAccount,
      secret: { host: spec.host ?? 'quay.io', robot: spec.robot ?? 'acme+deployer', token: spec.token ?? 'TOKEN', scope: spec.scope ?? 'org', name: spec.secret },
    });
  } else if (op === 'keyless') {
    result = planKeylessPullSecret(parsed, { ...robot, serviceAccount: spec.serviceAccount ?? 'quay-token', audiences: spec.audiences });
  } else if (op === 'vault') {
    const store = spec.store ?? { kind: 'ClusterSecretStore', name: 'vault' };
    result = planVaultPullSecret(parsed, { ...robot, scope: spec.scope ?? 'org', store, remoteKey: spec.remoteKey ?? 'quay/acme-keyless', property: spec.property });
  } else if (op === 'githubLogin') {
    const plan = planGithubKeylessLogin(parsed, { host: robot.host, robot: robot.robot, offset: target !== undefined && 'offset' in target ? target.offset : undefined });
    result = plan.status === 'refused' ? plan : { status: plan.status, edits: plan.edits, targets: [] };
  } else {
    const edits = planInsertDocument(parsed, spec.after ?? 0, spec.manifest ?? '');
    result = { status: edits.length > 0 ? 'changed' : 'unchanged', edits, targets: [] };
  }
  const output = result.status === 'refused' ? input : applyEdits(input, result.edits);
  return { result, output };
}

export function cursorOffset(text: string, needle: string): number {
  const at = text.indexOf(needle);
  if (at < 0) throw new Error(`cursor text not found: ${needle}`);
  return at;
}
