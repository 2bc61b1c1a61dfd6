import { basename } from 'node:path';
import * as vscode from 'vscode';
import type { CannotPullData } from '../../codeActions/fixData';
import { pullSecretName, type SecretScope } from '../../core/k8s/credentials';
import { instanceHost } from '../../core/instances';
import { splitRobotName } from '../../core/robotName';
import { kubectlApplySecretCommand, kubectlPatchServiceAccountCommand, pullSecretManifest } from '../../core/k8s/manifests';
import { namespaceList, namespaceProblem, objectNameProblem } from '../../core/k8s/names';
import { planAddImagePullSecret } from '../../core/yaml/addImagePullSecret';
import type { EditPlan } from '../../core/yaml/addImagePullSecret';
import { applyEdits, singleEdit } from '../../core/yaml/edits';
import { planInsertDocument } from '../../core/yaml/insertDocument';
import { parseManifests } from '../../core/yaml/parse';
import { planPullSecretRollout, planServiceAccountPatch } from '../../core/yaml/serviceAccount';
import { findWorkloads } from '../../core/yaml/workloads';
import { nodeIds } from '../../views/nodeIds';
import type { CommandContext } from '../commandContext';
import { resolveRobot, type RobotTarget } from '../pickers';
import { referenceFromStore } from './externalSecretCommands';
import { copyTokenReadingCommand, fetchRobotToken } from '../robots/credentials';
import {
  applyTextEdits,
  assertUnchanged,
  isManifestArgs,
  manifestTarget,
  openUntitled,
  pickScope,
  pickSecretName,
  refused,
  tokenDestination,
  type ManifestTarget,
} from './manifestEditing';
import { required } from '../prompts';

function describeTargets(plan: EditPlan): string {
  return plan.targets.map((t) => `${t.kind} ${t.name ?? ''}`.trim()).join(', ');
}

/** "Add imagePullSecrets…": the secret (given by the quick fix, or picked) goes into the pod spec(s) under the cursor. */
export async function addImagePullSecret(c: CommandContext, args?: unknown): Promise<void> {
  const title = vscode.l10n.t('Add imagePullSecrets');
  const target = await manifestTarget(c, args, true);
  const given = (args as { secret?: unknown } | undefined)?.secret;
  // Refuse before asking anything when the document cannot be edited.
  const probe = planAddImagePullSecret(target.parsed, 'probe', { target: { offset: target.offset } });
  if (probe.status === 'refused') throw refused(target.document, probe);
  const secret = typeof given === 'string' ? given : await pickSecretName(c, target, title);
  assertUnchanged(target);
  const plan = planAddImagePullSecret(target.parsed, secret, { target: { offset: target.offset } });
  if (plan.status === 'refused') throw refused(target.document, plan);
  if (plan.status === 'unchanged') {
    void vscode.window.showInformationMessage(vscode.l10n.t('{0} already lists "{1}" in imagePullSecrets.', describeTargets(plan), secret));
    return;
  }
  await applyTextEdits(target, plan.edits);
  vscode.window.setStatusBarMessage(vscode.l10n.t('Added imagePullSecrets "{0}" to {1}', secret, describeTargets(plan)), 5000);
}

/**
 * "Insert Pull-Secret Manifest for a Robot…": a `kubernetes.io/dockerconfigjson` Secret named as Quay names it,
 * as a new document after the one under the cursor (namespace from that document), or in an untitled document
 * when no manifest is open. From a "no pull secret" diagnostic (`addToWorkload`), the pod spec also gets the
 * Secret in its `imagePullSecrets`, in the same edit.
 */
export async function insertPullSecretManifest(c: CommandContext, arg?: unknown): Promise<void> {
  const title = vscode.l10n.t('Insert Pull-Secret Manifest');
  const target = await manifestTarget(c, arg, false);
  const robot = await resolveRobot(c, isManifestArgs(arg) ? undefined : arg, title);
  const scope = await pickScope(robot, title);
  const addToWorkload = (arg as { addToWorkload?: unknown } | undefined)?.addToWorkload === true;
  await insertPullSecret(c, robot, { scope, target, addToWorkload });
}

/**
 * The pull Secret of `robot` after the document of `target` (its namespace unless one is given), or in an untitled
 * document without a target; into a file in a git work tree only after the modal of {@link tokenDestination}.
 */
export async function insertPullSecret(
  c: CommandContext,
  robot: RobotTarget,
  o: { readonly scope: SecretScope; readonly target: ManifestTarget | undefined; readonly namespace?: string; readonly addToWorkload?: boolean },
): Promise<void> {
  const { scope, target } = o;
  const namespace = o.namespace ?? target?.yamlDocument?.namespace;
  const name = pullSecretName(robot.robot.fullName);
  const destination = await tokenDestination(target?.document, true);
  if (destination === 'vault') {
    await referenceFromStore(c, robot, target, scope, o.addToWorkload === true);
    return;
  }
  const secret = { host: instanceHost(robot.instance), robot: robot.robot.fullName, scope, ...(namespace !== undefined ? { namespace } : {}) };
  if (destination === 'kubectl') {
    await copyTokenReadingCommand(c, robot, `${kubectlApplySecretCommand(secret)}\n`, vscode.l10n.t('the kubectl command for Secret {0}', name));
    return;
  }
  const manifest = pullSecretManifest({ ...secret, token: await fetchRobotToken(c, robot) });
  if (destination === 'untitled' || target === undefined) {
    await openUntitled(`${manifest}\n`);
    return;
  }
  assertUnchanged(target);
  const { document, parsed } = target;
  let text = parsed.text;
  if (o.addToWorkload === true) {
    const plan = planAddImagePullSecret(parsed, name, { target: { offset: target.offset } });
    if (plan.status === 'refused') throw refused(document, plan);
    text = applyEdits(text, plan.edits);
  }
  // Insert after the same document of the (possibly edited) text.
  const after = parseManifests(text);
  const index = target.yamlDocument?.index ?? after.documents.length - 1;
  text = applyEdits(text, planInsertDocument(after, index, manifest));
  await applyTextEdits(target, [singleEdit(parsed.text, text)]);
  c.logger.info(`Inserted the pull Secret ${name} for ${robot.robot.fullName} (${scope} scope) into ${document.uri.toString()}.`);
  vscode.window.setStatusBarMessage(vscode.l10n.t('Inserted Secret {0} for {1}', name, robot.robot.fullName), 5000);
}

/** The ServiceAccount the cursor's object runs as (or is), else `default`. */
function serviceAccountAt(target: ManifestTarget): string {
  const here = findWorkloads(target.parsed).filter((w) => w.objectRange.start <= target.offset && target.offset <= w.objectRange.end);
  const w = here[here.length - 1];
  if (w === undefined) return 'default';
  return w.kind === 'ServiceAccount' ? (w.name ?? 'default') : (w.serviceAccountName ?? 'default');
}

async function askServiceAccount(title: string, value: string): Promise<string> {
  const sa = await required(vscode.window.showInputBox({
    title,
    prompt: vscode.l10n.t('ServiceAccount that gets the pull secret (pods running as it can then pull)'),
    value,
    validateInput: (v) => objectNameProblem(v.trim()),
    ignoreFocusOut: true,
  }));
  return sa.trim();
}

/** "Add Pull Secret to a ServiceAccount…": into the ServiceAccount in the file, or a new ServiceAccount document. */
export async function patchServiceAccount(c: CommandContext, args?: unknown): Promise<void> {
  const title = vscode.l10n.t('Add Pull Secret to a ServiceAccount');
  const target = await manifestTarget(c, args, true);
  const secret = await pickSecretName(c, target, title);
  const sa = await askServiceAccount(title, serviceAccountAt(target));
  assertUnchanged(target);
  const plan = planServiceAccountPatch(target.parsed, sa, secret, target.yamlDocument?.namespace);
  if (plan.status === 'refused') throw refused(target.document, plan);
  if (plan.status === 'unchanged') {
    void vscode.window.showInformationMessage(vscode.l10n.t('ServiceAccount {0} already has the pull secret "{1}".', sa, secret));
    return;
  }
  await applyTextEdits(target, plan.edits);
  vscode.window.setStatusBarMessage(vscode.l10n.t('ServiceAccount {0} now pulls with "{1}"', sa, secret), 5000);
}

/**
 * "Roll Out a Pull Secret to Namespaces…": for each namespace the user lists, the robot's pull Secret (unless
 * the file has it) and the ServiceAccount carrying it, as one edit; or an untitled document, or kubectl commands.
 */
export async function rolloutPullSecret(c: CommandContext, args?: unknown): Promise<void> {
  const title = vscode.l10n.t('Roll Out a Pull Secret');
  const target = await manifestTarget(c, args, false);
  const robot = await resolveRobot(c, isManifestArgs(args) ? undefined : args, title);
  const input = await required(vscode.window.showInputBox({
    title: `${title}: ${robot.robot.fullName}`,
    prompt: vscode.l10n.t('Namespaces, separated by spaces or commas'),
    value: target?.yamlDocument?.namespace ?? '',
    validateInput: (v) => {
      const list = namespaceList(v);
      if (list.length === 0) return vscode.l10n.t('Enter at least one namespace');
      for (const n of list) {
        const problem = namespaceProblem(n);
        if (problem !== undefined) return `${n}: ${problem}`;
      }
      return undefined;
    },
    ignoreFocusOut: true,
  }));
  const namespaces = namespaceList(input);
  const sa = await askServiceAccount(title, target === undefined ? 'default' : serviceAccountAt(target));
  const scope = await pickScope(robot, title);
  const destination = await tokenDestination(target?.document);
  const host = instanceHost(robot.instance);
  const name = pullSecretName(robot.robot.fullName);
  if (destination === 'kubectl') {
    const lines = namespaces.flatMap((ns) => [
      kubectlApplySecretCommand({ host, robot: robot.robot.fullName, scope, namespace: ns }),
      kubectlPatchServiceAccountCommand({ serviceAccount: sa, namespace: ns, secretName: name }),
    ]);
    await copyTokenReadingCommand(c, robot, `${lines.join('\n')}\n`, vscode.l10n.t('the kubectl commands for {0} namespace(s)', namespaces.length));
    return;
  }
  const secret = { host, robot: robot.robot.fullName, token: await fetchRobotToken(c, robot), scope };
  const intoFile = destination !== 'untitled' && target !== undefined;
  if (intoFile) assertUnchanged(target);
  const base = intoFile ? target.parsed : parseManifests('');
  const plan = planPullSecretRollout(base, { namespaces, serviceAccount: sa, secret });
  if (plan.status === 'refused') throw intoFile ? refused(target.document, plan) : new Error(plan.reason);
  if (!intoFile) {
    await openUntitled(applyEdits('', plan.edits));
    return;
  }
  if (plan.status === 'unchanged') {
    void vscode.window.showInformationMessage(vscode.l10n.t('{0} already has Secret {1} and ServiceAccount {2} in every namespace listed.', basename(target.document.uri.path), name, sa));
    return;
  }
  await applyTextEdits(target, plan.edits);
  c.logger.info(`Rolled out the pull Secret ${name} for ${robot.robot.fullName} to ${namespaces.join(', ')} in ${target.document.uri.toString()}.`);
  vscode.window.setStatusBarMessage(vscode.l10n.t('Pull Secret {0} and ServiceAccount {1} for {2} namespace(s)', name, sa, namespaces.length), 5000);
}

function isCannotPullData(value: unknown): value is CannotPullData {
  const v = value as Partial<CannotPullData> | undefined;
  return typeof v?.instanceUrl === 'string' && typeof v.namespace === 'string' && typeof v.repository === 'string' && typeof v.robot === 'string';
}

/** The "Grant read" quick fix: gives the robot behind a pull secret read on the image's repository. */
export async function grantReadForPull(c: CommandContext, data?: unknown): Promise<void> {
  if (!isCannotPullData(data)) throw new Error(vscode.l10n.t('Run "Grant read" from the quick fix of a pull-secret warning in a manifest.'));
  const instance = c.store.get(data.instanceUrl);
  if (instance === undefined) throw new Error(vscode.l10n.t('{0} is no longer a configured Quay instance.', data.instanceUrl));
  const repo = { namespace: data.namespace, name: data.repository };
  await c.clients.get(instance.url).setRepoUserPermission(repo, data.robot, 'read');
  c.logger.info(`Granted read on ${data.namespace}/${data.repository} to ${data.robot} at ${instance.url}.`);
  c.editor.access.invalidate(instance, repo);
  c.editor.diagnostics.refreshAll();
  const ns = { kind: 'org' as const, name: data.namespace };
  c.tree.refreshIds([nodeIds.access(nodeIds.repository(instance.url, ns, data.repository)), nodeIds.robot(instance.url, ns, splitRobotName(data.robot).shortName)]);
  void vscode.window.showInformationMessage(vscode.l10n.t('Granted read on {0}/{1} to {2}.', data.namespace, data.repository, data.robot));
}
