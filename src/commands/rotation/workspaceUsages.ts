import { existsSync, lstatSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { rotationExclude } from '../../host/settings';
import { applyToFiles } from '../../core/rotation/filePlaces';
import { findTokenUsages, reachedByScan, textHash, userCredentialFiles, verifyUnchanged, type FindResult } from '../../core/rotation/finder';
import { needlesFor, scanText, type TextUsage } from '../../core/rotation/match';
import { notScannedFiles, type NotScanned } from '../../core/rotation/notScanned';
import { planReplacement, type Replacement } from '../../core/rotation/replace';
import type { SecretMatch } from '../../core/k8s/clusterSecrets';
import { UserCancelled } from '../runCommand';
import { managedReason, secretLabel, type ClusterScan } from '../../core/rotation/clusters';
import { describeEncoding, type ApplyResult, type Usage, type WorkspaceScan } from '../../core/rotation/places';
import { clusterEsLabel, readsFrom, workspaceEsLabel } from './externalSecretUsages';
import type { ClusterExternalSecret } from '../../core/k8s/clusterExternalSecrets';
import { errorMessage } from '../../core/log';
import { required } from '../prompts';

/** `folder/relative/path` inside the workspace, `~/…` under the home folder, else the absolute path. */
export function displayPath(file: string): string {
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(file));
  if (folder !== undefined) return path.relative(folder.uri.fsPath, file) || path.basename(file);
  const home = os.homedir();
  return file.startsWith(home + path.sep) ? `~${file.slice(home.length)}` : file;
}

function roots(): string[] {
  return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
}

/** The user's own credential files (`~/.docker/config.json`, `auth.json`): scanned from disk and written privately, never opened as documents. */
function credentialFiles(): Set<string> {
  return new Set(userCredentialFiles(os.homedir(), process.env));
}

/**
 * Whether an open document's unsaved text is searched: where the scan itself would look in a folder (excludes,
 * `.git`, `node_modules`, no symbolic link on the way: saving would write through it); outside the folders, a
 * file that is not a symbolic link. The user's credential files are read from disk (their writer never uses a document).
 */
function dirtyTextSearched(file: string, folders: readonly string[], excludes: readonly string[], credentials: ReadonlySet<string>): boolean {
  if (credentials.has(file)) return false;
  const folder = folders.find((f) => file.startsWith(f + path.sep));
  if (folder !== undefined) return reachedByScan(folder, file, excludes);
  try {
    return !lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * Every place `user`'s `token` is stored: the workspace folders (git-ignored files included), the user-level
 * credential files, and the open documents' unsaved text (which wins over what is on disk); `quay.rotation.exclude`
 * names what to leave out.
 */
export async function scanWorkspace(user: string, token: string, title: string): Promise<WorkspaceScan> {
  const folders = roots();
  const excludes = rotationExclude();
  const credentials = credentialFiles();
  const result: FindResult = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title, cancellable: true },
    async (progress, cancel) => {
      const controller = new AbortController();
      cancel.onCancellationRequested(() => controller.abort());
      try {
        return await findTokenUsages({
          robot: user,
          token,
          roots: folders,
          extraFiles: [...credentials],
          excludes,
          signal: controller.signal,
          onProgress: (n) => progress.report({ message: vscode.l10n.t('{0} files', n) }),
        });
      } catch (error) {
        if (controller.signal.aborted) throw new UserCancelled();
        throw error;
      }
    },
  );
  const files = new Map(result.files.map((f) => [f.file, f]));
  // Unsaved text in open editors: what the user sees is what gets edited.
  const needles = needlesFor(user, token);
  const searchedDocs = new Set<string>();
  for (const doc of vscode.workspace.textDocuments) {
    if (!doc.isDirty || doc.uri.scheme !== 'file' || !dirtyTextSearched(doc.uri.fsPath, folders, excludes, credentials)) continue;
    searchedDocs.add(doc.uri.fsPath);
    const text = doc.getText();
    const usages = scanText(text, needles);
    if (usages.length > 0) files.set(doc.uri.fsPath, { file: doc.uri.fsPath, hash: textHash(text), usages: usages.map((u) => ({ ...u, bytes: u.range })) });
    else files.delete(doc.uri.fsPath);
  }
  const inWorkspace = (file: string): boolean => folders.some((f) => file === f || file.startsWith(f + path.sep));
  const usages = [...files.values()].flatMap((f) => f.usages.map((usage): Usage => ({ file: f.file, usage, inWorkspace: inWorkspace(f.file) })));
  // A file whose unsaved text was searched above was scanned after all.
  const notScanned: NotScanned = {
    tooLarge: result.tooLarge.filter((f) => !searchedDocs.has(f)),
    unreadable: result.unreadable.filter((f) => !searchedDocs.has(f)),
    skipped: result.skipped.filter((f) => !searchedDocs.has(f.path)),
  };
  return { usages, files, nonUpdatable: result.nonUpdatable, externalSecrets: result.externalSecrets, filesScanned: result.filesScanned, notScanned };
}

const NOT_SCANNED_SHOWN = 10;

/** The plan's lines about what the scan could not search (the first ten; the report lists them all). */
export function notScannedNotes(scan: WorkspaceScan): string[] {
  const files = notScannedFiles(scan.notScanned);
  return [
    ...files.slice(0, NOT_SCANNED_SHOWN).map((f) => vscode.l10n.t('Not scanned, may hold the token: {0} ({1})', displayPath(f.path), f.why)),
    ...(files.length > NOT_SCANNED_SHOWN ? [vscode.l10n.t('… and {0} more not scanned, listed in the report', files.length - NOT_SCANNED_SHOWN)] : []),
  ];
}

/** What the user ticked in the plan. */
export interface PickedPlan {
  readonly usages: Usage[];
  readonly secrets: SecretMatch[];
  /** Cluster ExternalSecrets to refresh (force-sync) once the user has updated the vault. */
  readonly refresh: ClusterExternalSecret[];
}

/**
 * The plan: every usage, ticked inside the workspace and unticked outside it; then the "Clusters" section, the
 * pull Secrets found in the picked contexts (ticked, except those a controller manages: they are listed to say
 * so, and never patched). Returns the ticked ones.
 */
export async function pickUsages(scan: WorkspaceScan, title: string, placeHolder: string, clusters?: ClusterScan): Promise<PickedPlan> {
  const secrets = clusters?.matches ?? [];
  const clusterEs = clusters?.externalSecrets ?? [];
  if (scan.usages.length === 0 && secrets.length === 0 && scan.externalSecrets.length === 0 && clusterEs.length === 0) return { usages: [], secrets: [], refresh: [] };
  type Item = vscode.QuickPickItem & { usage?: Usage; secret?: SecretMatch; es?: ClusterExternalSecret };
  const items: Item[] = [];
  const inside = scan.usages.filter((u) => u.inWorkspace);
  const outside = scan.usages.filter((u) => !u.inWorkspace);
  const item = (u: Usage): Item => ({
    label: `$(file) ${displayPath(u.file)}:${u.usage.line}:${u.usage.column}`,
    description: describeEncoding(u.usage),
    ...(u.inWorkspace ? {} : { detail: vscode.l10n.t('outside the workspace: tick it to update it too') }),
    picked: u.inWorkspace,
    usage: u,
  });
  const secretItem = (m: SecretMatch): Item => ({
    label: `$(cloud) ${secretLabel(m)}`,
    description: `${m.type.replace('kubernetes.io/', '')} · ${m.registry}`,
    ...(m.managedBy !== null ? { detail: managedReason(m) } : {}),
    picked: m.managedBy === null,
    secret: m,
  });
  if (inside.length > 0) items.push({ label: vscode.l10n.t('Workspace'), kind: vscode.QuickPickItemKind.Separator }, ...inside.map(item));
  if (outside.length > 0) items.push({ label: vscode.l10n.t('Your credential files'), kind: vscode.QuickPickItemKind.Separator }, ...outside.map(item));
  if (secrets.length > 0) items.push({ label: vscode.l10n.t('Clusters'), kind: vscode.QuickPickItemKind.Separator }, ...secrets.map(secretItem));
  // Vault-backed ExternalSecrets: nothing to edit here; a cluster one, ticked, is refreshed once the vault is updated.
  if (scan.externalSecrets.length > 0 || clusterEs.length > 0) {
    items.push(
      { label: vscode.l10n.t('Update the vault, then refresh'), kind: vscode.QuickPickItemKind.Separator },
      ...scan.externalSecrets.map((es): Item => ({
        label: `$(key) ${workspaceEsLabel(es, displayPath)}`,
        description: vscode.l10n.t('ExternalSecret · update the vault, then refresh'),
        detail: vscode.l10n.t('{0}; the file holds no token, so nothing is edited here', readsFrom(es)),
        picked: false,
      })),
      ...clusterEs.map((es): Item => ({
        label: `$(key) ${clusterEsLabel(es)}`,
        description: vscode.l10n.t('ExternalSecret · update the vault, then refresh'),
        detail: `${readsFrom(es)}; ${es.noForceSync ?? vscode.l10n.t('ticked, it is refreshed (force-sync) once you say the vault holds the new token')}`,
        picked: es.noForceSync === undefined,
        es,
      })),
    );
  }
  const picked = await required(vscode.window.showQuickPick(items, { title, placeHolder, canPickMany: true, ignoreFocusOut: true, matchOnDescription: true }));
  return {
    usages: picked.flatMap((p) => (p.usage !== undefined ? [p.usage] : [])),
    secrets: picked.flatMap((p) => (p.secret !== undefined ? [p.secret] : [])),
    refresh: picked.flatMap((p) => (p.es !== undefined ? [p.es] : [])),
  };
}

/**
 * Replaces the ticked places with the new credentials in one WorkspaceEdit (one undo step). A file that changed
 * since the scan is scanned again and edited on its current text, never on stale offsets. Files that were
 * not dirty are saved; files with unsaved changes are edited and left for the user to save.
 * The user's credential files are not part of the edit: each is rewritten on disk by `applyToFiles` (mode 0600,
 * a temporary file then a rename), never opened as a document.
 */
export async function applyReplacement(scan: WorkspaceScan, ticked: readonly Usage[], r: Replacement): Promise<ApplyResult> {
  const byFile = new Map<string, Usage[]>();
  for (const u of ticked) byFile.set(u.file, [...(byFile.get(u.file) ?? []), u]);
  const edit = new vscode.WorkspaceEdit();
  const updated: Usage[] = [];
  const rescanned: string[] = [];
  const failed: { file: string; reason: string }[] = [];
  const docs: { doc: vscode.TextDocument; wasDirty: boolean }[] = [];
  const needles = needlesFor(r.oldUser, r.oldToken);
  const credentials = credentialFiles();
  const onDisk: Usage[] = [];
  for (const [file, usages] of byFile) {
    if (!credentials.has(file)) continue;
    byFile.delete(file);
    // Looked up among the open documents, never opened: an editor with unsaved changes would overwrite the new file.
    if (vscode.workspace.textDocuments.some((d) => d.uri.scheme === 'file' && d.uri.fsPath === file && d.isDirty)) {
      failed.push({ file, reason: vscode.l10n.t('it has unsaved changes in an editor: save or revert them, then run "Quay: Finish Rotation"') });
    } else onDisk.push(...usages);
  }
  const credentialResult = await applyToFiles(scan.files, onDisk, r);
  updated.push(...credentialResult.updated);
  rescanned.push(...credentialResult.rescanned);
  failed.push(...credentialResult.failed);
  for (const [file, usages] of byFile) {
    let doc: vscode.TextDocument;
    try {
      doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    } catch (error) {
      failed.push({ file, reason: existsSync(file) ? (errorMessage(error)) : vscode.l10n.t('the file no longer exists') });
      continue;
    }
    const text = doc.getText();
    const scanned = scan.files.get(file);
    let targets: readonly TextUsage[] = usages.map((u) => u.usage);
    if (scanned === undefined || !verifyUnchanged(text, scanned)) {
      rescanned.push(file);
      targets = scanText(text, needles);
    }
    let edits;
    try {
      edits = planReplacement(text, targets, r);
    } catch (error) {
      failed.push({ file, reason: errorMessage(error) });
      continue;
    }
    for (const e of edits) edit.replace(doc.uri, new vscode.Range(doc.positionAt(e.offset), doc.positionAt(e.offset + e.length)), e.text);
    updated.push(...targets.map((usage): Usage => ({ file, usage, inWorkspace: usages[0]?.inWorkspace ?? true })));
    docs.push({ doc, wasDirty: doc.isDirty });
  }
  if (edit.size > 0 && !(await vscode.workspace.applyEdit(edit))) {
    return { updated: [], rescanned, failed: [...failed, ...docs.map((d) => ({ file: d.doc.uri.fsPath, reason: vscode.l10n.t('VS Code refused the edit') }))], unsaved: [] };
  }
  const unsaved: string[] = [];
  for (const { doc, wasDirty } of docs) {
    if (wasDirty) unsaved.push(doc.uri.fsPath);
    else if (!(await doc.save())) failed.push({ file: doc.uri.fsPath, reason: vscode.l10n.t('edited, but could not be saved') });
  }
  return { updated, rescanned, failed, unsaved };
}
