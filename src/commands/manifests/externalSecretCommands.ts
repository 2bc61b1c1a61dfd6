/**
 * Pull secrets without a token in any file (contract §6.2 for the keyless exchange): the keyless External Secrets setup (QuayAccessToken +
 * ExternalSecret), the vault-backed ExternalSecret, the GitHub Actions keyless login step, and the trust entry
 * each of them needs, added through the federation read-modify-write (`changeTrust`).
 */
import * as vscode from 'vscode';
import type { TrustFixData } from '../../codeActions/fixData';
import { externalSecretsApiVersion } from '../../host/settings';
import { githubActionsEntries, githubRepositoryProblem, kubernetesEntry, serviceAccountOf, serviceAccountSubject } from '../../core/federation/presets';
import { addEntry } from '../../core/federation/trust';
import { isRobotName, robotNamespace } from '../../core/k8s/credentials';
import { V1BETA1_WARNING, keylessManifests } from '../../core/k8s/externalSecrets';
import type { ExternalSecretsVersion, SecretStoreKind } from '../../core/k8s/externalSecrets';
import { namespaceProblem, objectNameProblem } from '../../core/k8s/names';
import type { FederationEntry } from '../../core/quay/types';
import { chooseExternalSecretsVersion, externalSecretVersionsIn, placementNamespace, planKeylessPullSecret, planVaultPullSecret } from '../../core/yaml/externalSecretsPlan';
import { planGithubKeylessLogin } from '../../core/yaml/githubLogin';
import { parseManifests } from '../../core/yaml/parse';
import { findWorkloads, isServiceAccount } from '../../core/yaml/workloads';
import { instanceHost } from '../../core/instances';
import type { CommandContext } from '../commandContext';
import { changeTrust, currentTrust } from '../federation/trust';
import { pickKubernetesIssuer, workspaceGit } from '../federation/setUpKeyless';
import { RobotRef } from '../../refs';
import { resolveRobot, type RobotTarget } from '../pickers';
import { UserCancelled } from '../runCommand';
import { applyTextEdits, assertUnchanged, isManifestArgs, manifestTarget, openUntitled, pickScope, refused, type ManifestTarget } from './manifestEditing';
import type { SecretScope } from '../../core/k8s/credentials';
import { workspaceYamlFiles } from '../../host/workspaceYaml';
import { required } from '../prompts';

/** The YAML texts of the workspace (`workspaceYamlFiles`, open documents as edited). */
async function workspaceYaml(): Promise<{ uri: vscode.Uri; text: string }[]> {
  const open = new Map(vscode.workspace.textDocuments.filter((d) => d.languageId === 'yaml').map((d) => [d.uri.toString(), d.getText()]));
  const files = await workspaceYamlFiles();
  const out = await Promise.all(
    files.map(async (uri) => ({ uri, text: open.get(uri.toString()) ?? new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)) })),
  );
  for (const [uri, text] of open) if (!out.some((f) => f.uri.toString() === uri)) out.push({ uri: vscode.Uri.parse(uri), text });
  return out;
}

/** The ExternalSecret version to write (setting, else what the workspace uses), with the warning for v1beta1. */
async function externalSecretsVersion(): Promise<ExternalSecretsVersion> {
  const setting = externalSecretsApiVersion();
  const used = new Set<string>();
  if (setting !== 'v1' && setting !== 'v1beta1') for (const f of await workspaceYaml()) for (const v of externalSecretVersionsIn(f.text)) used.add(v);
  const { version, warn } = chooseExternalSecretsVersion(setting, used);
  if (warn) void vscode.window.showWarningMessage(vscode.l10n.t('Writing ExternalSecret {0}: {1}', version, V1BETA1_WARNING));
  return version;
}

async function input(title: string, prompt: string, value: string, validate: (v: string) => string | undefined): Promise<string> {
  const answer = await required(vscode.window.showInputBox({ title, prompt, value, validateInput: (v) => validate(v.trim()), ignoreFocusOut: true }));
  return answer.trim();
}

/** The namespace the objects go to: the document's, else asked (the trust subject needs it). */
async function askNamespace(target: ManifestTarget | undefined, title: string): Promise<string> {
  const known = target === undefined ? undefined : placementNamespace(target.parsed, { target: { offset: target.offset } });
  if (known !== undefined) return known;
  return input(title, vscode.l10n.t('Namespace the objects will be applied in (the trusted subject is system:serviceaccount:<namespace>:<service account>)'), 'default', (v) => namespaceProblem(v));
}

/** A ServiceAccount of the file, or a new one (named `quay-token` unless typed otherwise). */
async function pickFileServiceAccount(target: ManifestTarget | undefined, namespace: string, title: string): Promise<string> {
  type Item = vscode.QuickPickItem & { sa?: string };
  const inFile = target === undefined ? [] : findWorkloads(target.parsed).filter((w) => isServiceAccount(w) && w.name !== undefined && (w.namespace ?? namespace) === namespace);
  const items: Item[] = [
    ...inFile.map((w): Item => ({ label: w.name ?? '', description: vscode.l10n.t('in this file'), sa: w.name })),
    { label: vscode.l10n.t('$(add) New ServiceAccount…'), detail: vscode.l10n.t('Added to the file, used only to mint tokens for the generator') },
  ];
  const picked = await required(vscode.window.showQuickPick(items, { title, placeHolder: vscode.l10n.t('ServiceAccount whose tokens the generator exchanges at Quay'), ignoreFocusOut: true }));
  return picked.sa ?? (await input(title, vscode.l10n.t('Name of the new ServiceAccount'), 'quay-token', (v) => objectNameProblem(v)));
}

/**
 * The issuers already trusted for Kubernetes service accounts by robots of the robot's namespace (its own
 * first), for the issuer pick; read concurrently, failures skipped.
 */
async function knownKubernetesIssuers(c: CommandContext, robot: RobotTarget, own: readonly FederationEntry[]): Promise<string[]> {
  const client = c.clients.get(robot.instance.url);
  const others = await client.listRobots(robot.namespace, { permissions: false, token: false }).catch(() => []);
  const lists = await Promise.all(others.filter((r) => r.fullName !== robot.robot.fullName).map((r) => client.getFederation(robot.namespace, r.fullName).catch(() => [])));
  const issuers = [own, ...lists].flat().filter((e) => serviceAccountOf(e.subject) !== undefined).map((e) => e.issuer);
  return [...new Set(issuers)];
}

/**
 * Offers to add `entry` (or the Kubernetes entry for an issuer the user picks) to the robot's trust when the
 * robot has no entry with that subject. Returns true when the robot trusts it afterwards.
 */
async function offerTrust(c: CommandContext, robot: RobotTarget, subject: string, entryFor: (issuer: string) => FederationEntry, fixedIssuer: string | undefined, ask = true): Promise<boolean> {
  const basis = await currentTrust(c, robot);
  if (basis.some((e) => e.subject === subject && (fixedIssuer === undefined || e.issuer === fixedIssuer))) return true;
  const add = vscode.l10n.t('Add Trust…');
  const choice = !ask
    ? add
    : await vscode.window.showInformationMessage(vscode.l10n.t('{0} does not trust {1} yet: the exchange at Quay will fail until it does.', robot.robot.fullName, subject), add);
  if (choice !== add) return false;
  const why = vscode.l10n.t('trusted by robots of {0}', robot.namespace.name);
  const issuer =
    fixedIssuer ?? (await pickKubernetesIssuer(vscode.l10n.t('Trust {0} for {1}', subject, robot.robot.fullName), (await knownKubernetesIssuers(c, robot, basis)).map((issuer) => ({ issuer, why })))).issuer;
  await changeTrust(c, robot, addEntry(entryFor(issuer)), basis);
  c.editor.diagnostics.refreshAll();
  void vscode.window.showInformationMessage(vscode.l10n.t('{0} now trusts {1} from {2}.', robot.robot.fullName, subject, issuer));
  return true;
}

/**
 * "Insert Keyless Pull Secret (External Secrets) for a Robot…": ServiceAccount (unless picked from the file),
 * QuayAccessToken and ExternalSecret after the current document, the Secret's name in the pod spec under the
 * cursor; in an untitled document when no manifest is open. Then the trust entry, when the robot lacks it.
 */
export async function insertKeylessPullSecret(c: CommandContext, arg?: unknown): Promise<void> {
  const title = vscode.l10n.t('Insert Keyless Pull Secret');
  const target = await manifestTarget(c, isManifestArgs(arg) ? arg : undefined, false);
  const robot = await resolveRobot(c, isManifestArgs(arg) ? undefined : arg, title);
  const host = instanceHost(robot.instance);
  const namespace = await askNamespace(target, title);
  const serviceAccount = await pickFileServiceAccount(target, namespace, title);
  const audience = await input(title, vscode.l10n.t("Audience of the service account token (serviceAccountRef.audiences; empty for none). Quay checks it only against an entry's audiences, and warns that trust without one is deprecated: keep one"), host, () => undefined);
  const apiVersion = await externalSecretsVersion();
  const options = { host, robot: robot.robot.fullName, namespace, serviceAccount, audiences: audience === '' ? [] : [audience], apiVersion };
  if (target === undefined) {
    const m = keylessManifests(options);
    await openUntitled(`${[m.serviceAccount, m.generator, m.externalSecret].join('\n---\n')}\n`);
  } else {
    assertUnchanged(target);
    const plan = planKeylessPullSecret(target.parsed, { ...options, target: { offset: target.offset } });
    if (plan.status === 'refused') throw refused(target.document, plan);
    if (plan.status === 'changed') await applyTextEdits(target, plan.edits);
    c.logger.info(`Inserted the keyless pull secret ${plan.secretName} for ${robot.robot.fullName} (ServiceAccount ${namespace}/${serviceAccount}, ${plan.serviceAccount ?? ''}) into ${target.document.uri.toString()}.`);
    vscode.window.setStatusBarMessage(vscode.l10n.t('Inserted keyless pull secret {0} for {1}', plan.secretName, robot.robot.fullName), 5000);
  }
  const subject = serviceAccountSubject(namespace, serviceAccount);
  await offerTrust(c, robot, subject, (issuer) => kubernetesEntry(issuer, namespace, serviceAccount).entry, undefined);
}

/** The SecretStores and ClusterSecretStores defined in the workspace. */
async function workspaceStores(): Promise<{ kind: SecretStoreKind; name: string; namespace: string | undefined; where: string }[]> {
  const out: { kind: SecretStoreKind; name: string; namespace: string | undefined; where: string }[] = [];
  for (const f of await workspaceYaml()) {
    if (!f.text.includes('SecretStore')) continue;
    for (const d of parseManifests(f.text).documents) {
      if ((d.kind === 'SecretStore' || d.kind === 'ClusterSecretStore') && d.name !== undefined && d.apiVersion?.startsWith('external-secrets.io/') === true) {
        out.push({ kind: d.kind, name: d.name, namespace: d.namespace, where: vscode.workspace.asRelativePath(f.uri) });
      }
    }
  }
  return out;
}

async function typedStore(title: string): Promise<{ kind: SecretStoreKind; name: string }> {
  const kinds: { label: SecretStoreKind }[] = [{ label: 'ClusterSecretStore' }, { label: 'SecretStore' }];
  const kind = await required(vscode.window.showQuickPick(kinds, { title, placeHolder: vscode.l10n.t('Kind of the store'), ignoreFocusOut: true }));
  return { kind: kind.label, name: await input(title, vscode.l10n.t('Name of the {0}', kind.label), '', (v) => objectNameProblem(v)) };
}

/**
 * "Reference the Robot Token from a SecretStore…": an ExternalSecret whose template builds the pull Secret from
 * the token stored under a remote key; the robot token is not fetched, and nothing secret is written.
 */
export async function insertVaultPullSecret(c: CommandContext, arg?: unknown): Promise<void> {
  const title = vscode.l10n.t('Reference the Robot Token from a SecretStore');
  const target = await manifestTarget(c, isManifestArgs(arg) ? arg : undefined, false);
  const robot = await resolveRobot(c, isManifestArgs(arg) ? undefined : arg, title);
  await referenceFromStore(c, robot, target, await pickScope(robot, title), true);
}

/**
 * The ExternalSecret for `robot` after the target's document (the pod spec under the cursor gets the Secret's
 * name when `addToWorkload`), or in an untitled document without a target. Also the git modal's third choice.
 */
export async function referenceFromStore(c: CommandContext, robot: RobotTarget, target: ManifestTarget | undefined, scope: SecretScope, addToWorkload: boolean): Promise<void> {
  const title = vscode.l10n.t('Reference the Robot Token from a SecretStore');
  type StoreItem = vscode.QuickPickItem & { store?: { kind: SecretStoreKind; name: string } };
  const stores = await workspaceStores();
  const picked = await vscode.window.showQuickPick<StoreItem>(
    [
      ...stores.map((s): StoreItem => ({ label: s.name, description: `${s.kind}${s.namespace !== undefined ? ` (${s.namespace})` : ''}`, detail: s.where, store: { kind: s.kind, name: s.name } })),
      { label: vscode.l10n.t('$(edit) Type a store name…') },
    ],
    { title, placeHolder: vscode.l10n.t('SecretStore or ClusterSecretStore holding the robot token'), ignoreFocusOut: true },
  );
  if (picked === undefined) throw new UserCancelled();
  const store = picked.store ?? (await typedStore(title));
  const remoteKey = await input(title, vscode.l10n.t('Remote key of the robot token in the store (the token itself, or JSON with a property)'), `quay/${robot.robot.fullName.replace('+', '/')}`, (v) => (v === '' ? vscode.l10n.t('Enter the key') : undefined));
  const property = await input(title, vscode.l10n.t('Property within the key (empty when the key holds the token itself)'), '', () => undefined);
  const apiVersion = await externalSecretsVersion();
  const options = { host: instanceHost(robot.instance), robot: robot.robot.fullName, scope, store, remoteKey, property, apiVersion };
  if (target === undefined) {
    const plan = planVaultPullSecret(parseManifests(''), options);
    if (plan.status === 'refused') throw new Error(plan.reason);
    await openUntitled(plan.edits.map((e) => e.text).join(''));
    return;
  }
  assertUnchanged(target);
  const plan = planVaultPullSecret(target.parsed, { ...options, ...(addToWorkload ? { target: { offset: target.offset } } : { target: { documentIndex: target.yamlDocument?.index ?? target.parsed.documentCount - 1 }, namespace: target.yamlDocument?.namespace }) });
  if (plan.status === 'refused') throw refused(target.document, plan);
  if (plan.status === 'changed') await applyTextEdits(target, plan.edits);
  c.logger.info(`Inserted ExternalSecret ${plan.secretName} for ${robot.robot.fullName} from ${store.kind} ${store.name} key ${remoteKey} into ${target.document.uri.toString()}.`);
  vscode.window.setStatusBarMessage(vscode.l10n.t('Inserted ExternalSecret {0} reading {1} from {2}', plan.secretName, remoteKey, store.name), 5000);
}

/**
 * "Add Quay Keyless Login Step" in a GitHub Actions workflow: `id-token: write` for the job and a step that
 * exchanges the job's OIDC token at Quay and logs in; then the matching trust entry for the robot.
 */
export async function addGithubKeylessLogin(c: CommandContext, arg?: unknown): Promise<void> {
  const title = vscode.l10n.t('Add Quay Keyless Login Step');
  const target = await manifestTarget(c, isManifestArgs(arg) ? arg : undefined, true);
  const robot = await resolveRobot(c, isManifestArgs(arg) ? undefined : arg, title);
  const host = instanceHost(robot.instance);
  assertUnchanged(target);
  const plan = planGithubKeylessLogin(target.parsed, { host, robot: robot.robot.fullName, offset: target.offset });
  if (plan.status === 'refused') throw refused(target.document, plan);
  if (plan.status === 'changed') await applyTextEdits(target, plan.edits);
  if (plan.defaultsReplaced) {
    void vscode.window.showInformationMessage(
      vscode.l10n.t('Job "{0}" had the default permissions: listing permissions removes them, so contents: read was added beside id-token: write. Add any other permission the job needs.', plan.job),
    );
  }
  const git = await workspaceGit();
  const repository = git.remote?.path ?? (await input(title, vscode.l10n.t('GitHub repository (owner/repo) the workflow runs in'), '', githubRepositoryProblem));
  const [form] = githubActionsEntries(git.remote ?? repository, { branch: plan.branch });
  if (form === undefined) return;
  await offerTrust(c, robot, form.entry.subject, () => form.entry, form.entry.issuer);
}

function isTrustFixData(v: unknown): v is TrustFixData {
  const d = v as Partial<TrustFixData> | undefined;
  return typeof d?.instanceUrl === 'string' && typeof d.robot === 'string' && typeof d.namespace === 'string' && typeof d.serviceAccount === 'string';
}

/** The "Add trust for system:serviceaccount:…" quick fix of a QuayAccessToken whose robot lacks the entry. */
export async function addKeylessTrustForServiceAccount(c: CommandContext, data?: unknown): Promise<void> {
  if (!isTrustFixData(data) || !isRobotName(data.robot)) throw new Error(vscode.l10n.t('Run this from the quick fix of a QuayAccessToken warning.'));
  const instance = c.store.get(data.instanceUrl);
  if (instance === undefined) throw new Error(vscode.l10n.t('{0} is no longer a configured Quay instance.', data.instanceUrl));
  const ns = { kind: 'org' as const, name: robotNamespace(data.robot) };
  const robots = await c.clients.get(instance.url).listRobots(ns, { permissions: false, token: false });
  const found = robots.find((r) => r.fullName === data.robot);
  if (found === undefined) throw new Error(vscode.l10n.t('{0} has no robot {1}.', instance.url, data.robot));
  const robot = await resolveRobot(c, new RobotRef(instance.url, ns, found), '');
  const subject = serviceAccountSubject(data.namespace, data.serviceAccount);
  await offerTrust(c, robot, subject, (issuer) => kubernetesEntry(issuer, data.namespace, data.serviceAccount).entry, undefined, false);
}
