import * as vscode from 'vscode';
import { Commands } from '../../constants';
import { gitRemoteAndBranch, gitWorkTree } from '../../core/git';
import { decodeJwt, JwtFormatError, proposedEntry, summarizeJwt, type DecodedJwt } from '../../core/federation/jwt';
import {
  githubActionsEntries,
  githubRepositoryProblem,
  gitlabCiEntry,
  GITLAB_COM_ISSUER,
  keycloakEntry,
  kubernetesEntry,
  KUBERNETES_ISSUER_HINTS,
  parseGitRemote,
  spiffeEntry,
  type EntryForm,
  type GitRemote,
} from '../../core/federation/presets';
import { addEntry } from '../../core/federation/trust';
import type { FederationEntry } from '../../core/quay/types';
import { relativeTime } from '../../core/time';
import { instanceHost } from '../../core/instances';
import type { Kubectl } from '../../core/k8s/kubectl';
import { findWorkloads, isServiceAccount } from '../../core/yaml/workloads';
import type { CommandContext } from '../commandContext';
import { KeylessEntryRef, RobotRef } from '../../refs';
import type { RobotTarget } from '../pickers';
import { UserCancelled } from '../runCommand';
import { checkIssuerFromEditor, pickAfterIssuerCheck } from './checkIssuer';
import { clusterIssuer, pickContext, pickClusterServiceAccount, type ServiceAccountRef } from './cluster';
import { changeTrust, currentTrust, resolveKeylessRobot, validateIssuerInput } from './trust';
import { required } from '../prompts';

/** A proposed entry with why it looks as it does, and the rows to show beside it (a pasted token's claims). */
interface Proposal extends EntryForm {
  readonly warning?: string;
  readonly rows?: readonly vscode.QuickPickItem[];
  /** The audiences a pasted token carries: the default when the user asks Quay to check one. */
  readonly tokenAudiences?: readonly string[];
}

async function ask(title: string, prompt: string, options: { value?: string; placeHolder?: string; validate?: (v: string) => string | vscode.InputBoxValidationMessage | undefined } = {}): Promise<string> {
  const value = await required(vscode.window.showInputBox({
    title,
    prompt,
    ignoreFocusOut: true,
    ...(options.value !== undefined ? { value: options.value } : {}),
    ...(options.placeHolder !== undefined ? { placeHolder: options.placeHolder } : {}),
    validateInput: (v) => (v.trim() === '' ? vscode.l10n.t('Required') : options.validate?.(v.trim())),
  }));
  return value.trim();
}

async function pick<T extends vscode.QuickPickItem>(items: readonly T[], title: string, placeHolder: string): Promise<T> {
  const picked = await required(vscode.window.showQuickPick(items, { title, placeHolder, ignoreFocusOut: true, matchOnDescription: true, matchOnDetail: true }));
  return picked;
}

/** The git remote and branch of the first workspace folder that is a git work tree (git runs only in trusted workspaces). */
export async function workspaceGit(): Promise<{ remote?: GitRemote; branch?: string }> {
  if (!vscode.workspace.isTrusted) return {};
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const workTree = gitWorkTree(vscode.Uri.joinPath(folder.uri, '.probe').fsPath);
    if (workTree === undefined) continue;
    const { remote, branch } = await gitRemoteAndBranch(workTree);
    const parsed = remote !== undefined ? parseGitRemote(remote) : undefined;
    return { ...(parsed !== undefined ? { remote: parsed } : {}), ...(branch !== undefined ? { branch } : {}) };
  }
  return {};
}

/** ServiceAccounts of the open YAML document, for the subject. */
function serviceAccountsInEditor(c: CommandContext): (ServiceAccountRef & { why: string })[] {
  const editor = vscode.window.activeTextEditor;
  if (editor === undefined || !c.editor.manifests.isManifest(editor.document)) return [];
  return findWorkloads(c.editor.manifests.parse(editor.document))
    .filter((w) => isServiceAccount(w) && w.name !== undefined)
    .map((w) => ({ namespace: w.namespace ?? 'default', name: w.name ?? '', why: vscode.l10n.t('ServiceAccount in the open file') }));
}

/**
 * The Kubernetes service account issuer, for the wizard and for the trust offered by the External Secrets commands:
 * read from a kubeconfig context (kubectl), one of `known` (each with why it is offered), typed, or a known form
 * (EKS, GKE, AKS, OpenShift) completed by hand. With the context it was read from, when it was.
 */
export async function pickKubernetesIssuer(
  title: string,
  known: readonly { issuer: string; why: string }[],
): Promise<{ issuer: string; cluster?: { kubectl: Kubectl; context: string } }> {
  type IssuerItem = vscode.QuickPickItem & { issuer?: string; template?: string; cluster?: true };
  const hints = KUBERNETES_ISSUER_HINTS.map((h): IssuerItem => ({ label: h.label, description: h.issuer, ...(h.note !== undefined ? { detail: h.note } : {}), template: h.issuer }));
  const fromCluster: IssuerItem = {
    label: vscode.l10n.t('$(cloud) Read it from a cluster (kubectl)…'),
    detail: vscode.l10n.t('kubectl get --raw /.well-known/openid-configuration in a context of your kubeconfig'),
    cluster: true,
  };
  const typed: IssuerItem = { label: vscode.l10n.t('$(edit) Type the issuer URL…'), template: '' };
  const issuerItem = await pick<IssuerItem>(
    [fromCluster, ...known.map((k): IssuerItem => ({ label: k.issuer, description: k.why, issuer: k.issuer })), typed, { label: vscode.l10n.t('Known issuer forms'), kind: vscode.QuickPickItemKind.Separator }, ...hints],
    title,
    vscode.l10n.t("The cluster's service account issuer"),
  );
  if (issuerItem.cluster === true) {
    const cluster = await pickContext(title);
    return { issuer: await clusterIssuer(cluster.kubectl, cluster.context), cluster };
  }
  const issuer =
    issuerItem.issuer ??
    (await ask(title, vscode.l10n.t("The cluster's service account issuer URL (replace the <…> parts)"), {
      value: issuerItem.template ?? '',
      validate: (v) => (/[<>]/.test(v) ? vscode.l10n.t('Replace the <…> parts with your cluster’s values') : validateIssuerInput(v)),
    }));
  return { issuer };
}

async function kubernetesProposal(c: CommandContext, title: string, trusted: readonly FederationEntry[]): Promise<Proposal> {
  const { issuer, cluster } = await pickKubernetesIssuer(
    title,
    [...new Set(trusted.map((e) => e.issuer))].map((issuer) => ({ issuer, why: vscode.l10n.t('trusted by this robot') })),
  );
  // A ServiceAccount of that cluster or of the open YAML, or typed.
  const fromYaml = serviceAccountsInEditor(c);
  if (cluster !== undefined) {
    const sa = await pickClusterServiceAccount(cluster.kubectl, cluster.context, title, fromYaml);
    return kubernetesEntry(issuer, sa.namespace, sa.name);
  }
  type SaItem = vscode.QuickPickItem & { sa?: ServiceAccountRef };
  const typedSa: SaItem = { label: vscode.l10n.t('$(edit) Type the namespace and name…') };
  const picked = fromYaml.length > 0 ? await pick<SaItem>([...fromYaml.map((s) => ({ label: `${s.namespace}/${s.name}`, description: s.why, sa: s })), typedSa], title, vscode.l10n.t('The service account whose tokens log in')) : typedSa;
  const namespace = picked.sa?.namespace ?? (await ask(title, vscode.l10n.t('Namespace of the service account'), { value: 'default' }));
  const name = picked.sa?.name ?? (await ask(title, vscode.l10n.t('Name of the service account')));
  return kubernetesEntry(issuer, namespace, name);
}

async function githubProposal(title: string): Promise<Proposal> {
  const git = await workspaceGit();
  const repository = await ask(title, vscode.l10n.t('GitHub repository (owner/repo) whose workflows log in'), {
    ...(git.remote !== undefined ? { value: git.remote.path } : {}),
    placeHolder: 'owner/repo',
    validate: githubRepositoryProblem,
  });
  type FormItem = vscode.QuickPickItem & { form: 'branch' | 'environment' | 'pull_request' | 'tag' };
  const forms = githubActionsEntries(repository, { branch: git.branch ?? 'main', environment: '<environment>', tag: '<tag>' });
  const kinds: FormItem['form'][] = ['branch', 'environment', 'pull_request', 'tag'];
  const chosen = await pick<FormItem>(
    forms.map((f, i) => ({ label: f.label, description: f.entry.subject, detail: f.explanation, form: kinds[i] ?? 'branch' })),
    title,
    vscode.l10n.t('Which workflow runs may log in'),
  );
  if (chosen.form === 'pull_request') return forms[2] ?? forms[0];
  const value = await ask(title, chosen.form === 'branch' ? vscode.l10n.t('Branch') : chosen.form === 'tag' ? vscode.l10n.t('Tag') : vscode.l10n.t('Deployment environment'), {
    ...(chosen.form === 'branch' ? { value: git.branch ?? 'main' } : {}),
  });
  const [form] = githubActionsEntries(repository, { [chosen.form]: value });
  if (form === undefined) throw new UserCancelled();
  return form;
}

async function gitlabProposal(title: string): Promise<Proposal> {
  const git = await workspaceGit();
  const project = await ask(title, vscode.l10n.t('GitLab project path (group/project), or its git URL'), {
    ...(git.remote !== undefined ? { value: git.remote.host !== 'gitlab.com' && git.remote.host !== '' ? `https://${git.remote.host}/${git.remote.path}` : git.remote.path } : {}),
  });
  const branch = await ask(title, vscode.l10n.t('Branch whose jobs log in'), { value: git.branch ?? 'main' });
  const form = gitlabCiEntry(project, { branch });
  const issuer = await ask(title, vscode.l10n.t('GitLab issuer: {0}, or your self-managed GitLab URL', GITLAB_COM_ISSUER), { value: form.entry.issuer, validate: validateIssuerInput });
  return { ...form, entry: { ...form.entry, issuer } };
}

async function keycloakProposal(title: string): Promise<Proposal> {
  const host = await ask(title, vscode.l10n.t('Keycloak host (https://keycloak.example.com)'));
  const realm = await ask(title, vscode.l10n.t('Realm'));
  const id = await ask(title, vscode.l10n.t("The id (a UUID) of the client's service-account user: not the client name"), { placeHolder: '00000000-0000-0000-0000-000000000000' });
  return keycloakEntry(host, realm, id);
}

async function spiffeProposal(title: string): Promise<Proposal> {
  const url = await ask(title, vscode.l10n.t("URL of SPIRE's OIDC discovery provider (the issuer Quay fetches)"), { placeHolder: 'https://oidc-discovery.example.org', validate: validateIssuerInput });
  const domain = await ask(title, vscode.l10n.t('Trust domain'), { placeHolder: 'example.org' });
  const namespace = await ask(title, vscode.l10n.t('Kubernetes namespace of the workload'));
  const sa = await ask(title, vscode.l10n.t('Service account of the workload'));
  return spiffeEntry(url, domain, namespace, sa);
}

/** Reads a pasted token, decoding it locally without verifying it; the token leaves nothing behind. */
export async function askForToken(title: string, prompt: string): Promise<DecodedJwt & { readonly raw: string }> {
  const raw = await required(vscode.window.showInputBox({
    title,
    prompt,
    password: true,
    ignoreFocusOut: true,
    validateInput: (v) => {
      try {
        decodeJwt(v);
        return undefined;
      } catch (error) {
        return error instanceof JwtFormatError ? error.message : String(error);
      }
    },
  }));
  return { ...decodeJwt(raw), raw: raw.trim().replace(/^bearer\s+/i, '') };
}

/** The claims a person checks (never the token itself), as read-only rows. */
export function claimRows(jwt: DecodedJwt): vscode.QuickPickItem[] {
  const s = summarizeJwt(jwt);
  const none = vscode.l10n.t('(none)');
  const exp = s.expiresAt !== undefined ? `${s.expiresAt.toISOString()} (${relativeTime(s.expiresAt, new Date())})` : none;
  return [
    { label: vscode.l10n.t('Token claims (not verified)'), kind: vscode.QuickPickItemKind.Separator },
    { label: `iss  ${s.iss ?? none}` },
    { label: `sub  ${s.sub ?? none}` },
    { label: `aud  ${s.aud.length > 0 ? s.aud.join(', ') : none}` },
    { label: `exp  ${exp}` },
    { label: `alg  ${s.alg ?? none}`, description: s.kid !== undefined ? `kid ${s.kid}` : vscode.l10n.t('no kid') },
  ];
}

async function tokenProposal(title: string): Promise<Proposal> {
  const jwt = await askForToken(title, vscode.l10n.t('Paste an OIDC token (JWT) of the workload. It is decoded here, not verified, and sent nowhere.'));
  const entry = proposedEntry(jwt);
  if (entry === undefined) throw new Error(vscode.l10n.t('The token has no iss and sub claims to build an entry from.'));
  const aud = summarizeJwt(jwt).aud;
  return { label: vscode.l10n.t('From a pasted token'), entry, explanation: vscode.l10n.t("The token's iss and sub claims, as Quay compares them."), rows: claimRows(jwt), tokenAudiences: aud };
}

/** The audiences an entry asks Quay to check (comma-separated), prefilled with `initial`. */
async function askAudiences(title: string, initial: readonly string[]): Promise<string[]> {
  const text = await ask(title, vscode.l10n.t("Audiences Quay should require in the tokens' aud claim, comma-separated"), { value: initial.join(', ') });
  return [...new Set(text.split(',').map((a) => a.trim()).filter((a) => a !== ''))];
}

/** "Set Up Keyless Access…": a preset (or a pasted token) → the entry → the issuer checked from here → added by read-modify-write. */
export async function setUpKeyless(c: CommandContext, node?: unknown): Promise<void> {
  const target: RobotTarget = await resolveKeylessRobot(c, node, vscode.l10n.t('Set Up Keyless Access'));
  const title = vscode.l10n.t('Set Up Keyless Access for {0}', target.robot.fullName);
  const basis = await currentTrust(c, target);
  type PresetItem = vscode.QuickPickItem & { run: () => Promise<Proposal> };
  const preset = await pick<PresetItem>(
    [
      { label: '$(server-environment) Kubernetes / OpenShift service account', detail: 'system:serviceaccount:<namespace>:<name>, from the cluster’s service account issuer', run: () => kubernetesProposal(c, title, basis) },
      { label: '$(github) GitHub Actions', detail: 'repo:<owner>/<repo>:…, from token.actions.githubusercontent.com', run: () => githubProposal(title) },
      { label: '$(git-merge) GitLab CI', detail: 'project_path:<group>/<project>:ref_type:branch:ref:<branch>', run: () => gitlabProposal(title) },
      { label: '$(key) Keycloak client', detail: 'the service-account user’s id, from https://<host>/realms/<realm>', run: () => keycloakProposal(title) },
      { label: '$(workspace-trusted) SPIFFE / SPIRE', detail: 'spiffe://<trust-domain>/ns/<ns>/sa/<sa>, from the OIDC discovery provider', run: () => spiffeProposal(title) },
      { label: '$(clippy) Paste a token…', detail: 'decode a JWT here and propose its issuer and subject', run: () => tokenProposal(title) },
    ],
    title,
    vscode.l10n.t('Where do the tokens come from?'),
  );
  const proposal = await preset.run();
  const check = await checkIssuerFromEditor(c, target.instance, proposal.entry.issuer);
  const add: vscode.QuickPickItem = {
    label: vscode.l10n.t('$(add) Add trust: {0}', proposal.entry.subject),
    description: proposal.entry.issuer,
    detail: [proposal.explanation, proposal.warning].filter((t) => t !== undefined).join(' '),
  };
  const withAudience: vscode.QuickPickItem = {
    label: vscode.l10n.t('$(add) Add trust and ask Quay to check the audience…'),
    detail: vscode.l10n.t(
      'Quay logs that trust without an audience is deprecated. Quay 3.18 accepts an audiences field but does not store it yet: what Quay keeps is read back and said.',
    ),
  };
  const action = await pickAfterIssuerCheck(check, title, [add, withAudience], proposal.rows);
  const entry = action === withAudience ? { ...proposal.entry, audiences: await askAudiences(title, proposal.tokenAudiences?.length ? proposal.tokenAudiences : [instanceHost(target.instance)]) } : proposal.entry;
  const after = await changeTrust(c, target, addEntry(entry), basis);
  const test = vscode.l10n.t('Test Keyless Login…');
  const copy = vscode.l10n.t('Copy Login Command');
  const choice = await vscode.window.showInformationMessage(
    vscode.l10n.t('{0} now trusts {1} from {2} ({3} entries).', target.robot.fullName, entry.subject, entry.issuer, after.length),
    test,
    copy,
  );
  const robot = new RobotRef(target.instance.url, target.namespace, target.robot);
  if (choice === test) await vscode.commands.executeCommand(Commands.testKeylessLogin, robot);
  if (choice === copy) await vscode.commands.executeCommand(Commands.copyKeylessLogin, new KeylessEntryRef(robot, entry));
}
