import { basename } from 'node:path';
import * as vscode from 'vscode';
import { gitPlace } from '../../core/git';
import { pullSecretName, type SecretScope } from '../../core/k8s/credentials';
import { objectNameProblem } from '../../core/k8s/names';
import type { TextEdit } from '../../core/yaml/edits';
import type { Refusal } from '../../core/yaml/guards';
import type { ManifestDocument, ParsedManifests } from '../../core/yaml/parse';
import { filePullSecrets } from '../../core/yaml/facts';
import { findWorkloads } from '../../core/yaml/workloads';
import { authsKeyCovers, parseImageReference } from '../../core/k8s/imageReference';
import { instanceHost } from '../../core/instances';
import { toWorkspaceEdit } from '../../host/edits';
import type { CommandContext } from '../commandContext';
import type { RobotTarget } from '../pickers';
import { UserCancelled } from '../runCommand';
import { errorMessage } from '../../core/log';
import { required } from '../prompts';

/** Where a manifest command works: a YAML document and an offset in it (the cursor, or the code action's). */
export interface ManifestTarget {
  readonly document: vscode.TextDocument;
  readonly offset: number;
  /** The document version `parsed` and `offset` belong to. */
  readonly version: number;
  readonly parsed: ParsedManifests;
  /** The YAML document (of the stream) at the offset. */
  readonly yamlDocument: ManifestDocument | undefined;
}

/** Arguments the code actions pass to the manifest commands. */
export interface ManifestArgs {
  readonly uri: string;
  readonly offset: number;
}

export function isManifestArgs(value: unknown): value is ManifestArgs {
  return typeof value === 'object' && value !== null && typeof (value as ManifestArgs).uri === 'string' && typeof (value as ManifestArgs).offset === 'number';
}

/** The code action's document and offset, else the active editor's YAML document and cursor. */
export async function manifestTarget(c: CommandContext, args: unknown, required: true): Promise<ManifestTarget>;
export async function manifestTarget(c: CommandContext, args: unknown, required: false): Promise<ManifestTarget | undefined>;
export async function manifestTarget(c: CommandContext, args: unknown, required: boolean): Promise<ManifestTarget | undefined> {
  let document: vscode.TextDocument | undefined;
  let offset = 0;
  if (isManifestArgs(args)) {
    document = await vscode.workspace.openTextDocument(vscode.Uri.parse(args.uri));
    offset = args.offset;
  } else {
    const editor = vscode.window.activeTextEditor;
    if (editor !== undefined && c.editor.manifests.isManifest(editor.document)) {
      document = editor.document;
      offset = document.offsetAt(editor.selection.active);
    }
  }
  if (document === undefined) {
    if (required) throw new Error(vscode.l10n.t('Open a Kubernetes YAML manifest in the editor first, and put the cursor in the workload.'));
    return undefined;
  }
  const parsed = c.editor.manifests.parse(document);
  return { document, offset, version: document.version, parsed, yamlDocument: parsed.documentAt(offset) };
}

/** A planner's refusal as the error the command reports. */
export function refused(document: vscode.TextDocument, r: Refusal): Error {
  return new Error(vscode.l10n.t('No change to {0}: {1}', basename(document.uri.path), r.reason));
}

/**
 * Throws, before anything is planned or written, when the document was edited since the target was taken (while
 * the user answered the questions): `target.parsed` and `offset` describe the old text.
 */
export function assertUnchanged(target: ManifestTarget): void {
  const { document } = target;
  if (document.isClosed || document.version !== target.version) {
    throw new Error(vscode.l10n.t('{0} changed while the command was asking its questions; nothing was written. Run it again.', basename(document.uri.path)));
  }
}

/**
 * Applies edits planned on `target.parsed` to its document. Refuses, changing nothing, when the document was
 * edited since (while the user answered the questions): offsets planned on the old text would corrupt the new.
 */
export async function applyTextEdits(target: ManifestTarget, edits: readonly TextEdit[]): Promise<void> {
  assertUnchanged(target);
  const { document } = target;
  if (!(await vscode.workspace.applyEdit(toWorkspaceEdit(document, edits)))) {
    throw new Error(vscode.l10n.t('VS Code did not apply the change to {0} (was it changed or closed meanwhile?). Nothing was written; try again.', basename(document.uri.path)));
  }
}

/**
 * Before a robot token goes into a file: when the file lies in a git work tree (tracked or not), say so in a
 * modal and offer the alternatives. Untitled documents and files outside git go straight to `insert`.
 */
export async function tokenDestination(document: vscode.TextDocument | undefined): Promise<'insert' | 'untitled' | 'kubectl'>;
export async function tokenDestination(document: vscode.TextDocument | undefined, offerStore: true): Promise<'insert' | 'untitled' | 'kubectl' | 'vault'>;
export async function tokenDestination(document: vscode.TextDocument | undefined, offerStore = false): Promise<'insert' | 'untitled' | 'kubectl' | 'vault'> {
  if (document === undefined) return 'untitled';
  if (document.uri.scheme !== 'file') return 'insert';
  // In an untrusted workspace git is not run (its config could run programs): the warning then says only
  // that the file lies in a work tree.
  const place = await gitPlace(document.uri.fsPath, vscode.workspace.isTrusted);
  if (place === undefined) return 'insert';
  const name = basename(document.uri.fsPath);
  const insert = vscode.l10n.t('Insert Anyway');
  const untitled = vscode.l10n.t('Open in Untitled Document');
  const kubectl = vscode.l10n.t('Copy kubectl Command');
  const vault = vscode.l10n.t('Reference It from a SecretStore…');
  const choice = await vscode.window.showWarningMessage(
    place.tracked === true
      ? vscode.l10n.t('{0} is tracked by git (work tree {1}).', name, place.workTree)
      : vscode.l10n.t('{0} lies inside the git work tree {1}.', name, place.workTree),
    {
      modal: true,
      detail: vscode.l10n.t(
        'The Secret carries the robot token (base64 is not encryption): committing the file would publish it. Keep it out of git: an untitled document you apply and discard, or a kubectl command that creates the Secret directly.',
      ) + (offerStore ? ` ${vscode.l10n.t('Or reference the token in your secret store with an ExternalSecret (External Secrets Operator): no token in the file at all.')}` : ''),
    },
    ...[insert, untitled, kubectl, ...(offerStore ? [vault] : [])],
  );
  if (choice === insert) return 'insert';
  if (choice === untitled) return 'untitled';
  if (choice === kubectl) return 'kubectl';
  if (choice === vault) return 'vault';
  throw new UserCancelled();
}

/** Opens YAML text in a new untitled editor. */
export async function openUntitled(content: string): Promise<void> {
  const document = await vscode.workspace.openTextDocument({ language: 'yaml', content });
  await vscode.window.showTextDocument(document);
}

interface SecretItem extends vscode.QuickPickItem {
  readonly secretName?: string;
}

/**
 * The name of a pull Secret, picked among: docker-config Secrets in this file and the workspace (those whose
 * credentials cover the images here first), Quay's name for each robot of the images' organizations, or typed.
 */
export async function pickSecretName(c: CommandContext, target: ManifestTarget, title: string): Promise<string> {
  const images = findWorkloads(target.parsed)
    .filter((w) => target.yamlDocument === undefined || w.documentIndex === target.yamlDocument.index)
    .flatMap((w) => w.images.map((i) => parseImageReference(i.image)))
    .filter((r) => r !== undefined);
  const items = async (): Promise<SecretItem[]> => {
    const out: SecretItem[] = [];
    const seen = new Set<string>();
    const workspace = await c.editor.manifests.workspaceSecrets(target.document.uri);
    const known = [...filePullSecrets(target.parsed).map((s) => ({ ...s, where: vscode.l10n.t('this file') })), ...workspace.map((s) => ({ ...s, where: vscode.workspace.asRelativePath(s.uri) }))];
    const covers = (keys: readonly string[]) => images.some((ref) => keys.some((k) => authsKeyCovers(k, ref)));
    known.sort((a, b) => Number(covers(b.authsKeys)) - Number(covers(a.authsKeys)));
    if (known.length > 0) out.push({ label: vscode.l10n.t('Pull Secrets in the workspace'), kind: vscode.QuickPickItemKind.Separator });
    for (const s of known) {
      if (s.name === undefined || seen.has(s.name)) continue;
      seen.add(s.name);
      out.push({ label: s.name, description: s.authsKeys.join(', '), detail: s.where, secretName: s.name });
    }
    const robotItems: SecretItem[] = [];
    const namespaces = new Map<string, { host: string; namespace: string }>();
    for (const ref of images) namespaces.set(`${ref.host}/${ref.namespace}`, ref);
    for (const { host, namespace } of namespaces.values()) {
      const instance = c.editor.manifests.instanceForHost(host);
      if (instance === undefined) continue;
      try {
        for (const robot of await c.clients.get(instance.url).listRobots({ kind: 'org', name: namespace }, { permissions: false, token: false })) {
          const name = pullSecretName(robot.fullName);
          if (seen.has(name)) continue;
          seen.add(name);
          robotItems.push({ label: name, description: vscode.l10n.t('robot {0}', robot.fullName), detail: vscode.l10n.t('Quay\'s name for this robot\'s pull Secret (no manifest in the workspace yet)'), secretName: name });
        }
      } catch (error) {
        c.logger.debug(`No robots of ${namespace} at ${instance.url} for the secret picker: ${errorMessage(error)}`);
      }
    }
    if (robotItems.length > 0) out.push({ label: vscode.l10n.t('Robot accounts'), kind: vscode.QuickPickItemKind.Separator }, ...robotItems);
    out.push({ label: '', kind: vscode.QuickPickItemKind.Separator }, { label: vscode.l10n.t('$(edit) Enter a Secret name…') });
    return out;
  };
  const picked = await required(vscode.window.showQuickPick(items(), { title, placeHolder: vscode.l10n.t('Pull Secret to reference'), ignoreFocusOut: true, matchOnDescription: true }));
  if (picked.secretName !== undefined) return picked.secretName;
  const typed = await required(vscode.window.showInputBox({
    title,
    prompt: vscode.l10n.t('Name of a Secret of type kubernetes.io/dockerconfigjson'),
    validateInput: (v) => (v.trim() === '' ? vscode.l10n.t('Enter a name') : objectNameProblem(v.trim())),
    ignoreFocusOut: true,
  }));
  return typed.trim();
}

/** Secret scope, as Quay's UI offers it: organization (its default) or the whole registry; user robots have only the latter. */
export async function pickScope(t: RobotTarget, title: string): Promise<SecretScope> {
  const host = instanceHost(t.instance);
  if (t.namespace.kind !== 'org') return 'registry';
  const picked = await required(vscode.window.showQuickPick(
    [
      { label: vscode.l10n.t('Organization'), description: vscode.l10n.t('auths key {0}/{1}: only images of {1}', host, t.namespace.name), scope: 'org' as const },
      { label: vscode.l10n.t('Registry'), description: vscode.l10n.t('auths key {0}: every image on {0}', host), scope: 'registry' as const },
    ],
    { title: `${title}: ${t.robot.fullName}`, placeHolder: vscode.l10n.t('Secret scope (which images the credentials are offered for)'), ignoreFocusOut: true },
  ));
  return picked.scope;
}
