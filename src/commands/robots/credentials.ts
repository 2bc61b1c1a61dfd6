import { existsSync, statSync } from 'node:fs';
import * as vscode from 'vscode';
import { gitWorkTree } from '../../core/git';
import { dockerConfigJson, loginCommand, robotPrefix, type SecretScope } from '../../core/k8s/credentials';
import type { CommandContext } from '../commandContext';
import { resolveRobot, type RobotTarget } from '../pickers';
import { UserCancelled } from '../runCommand';

type Format = 'username' | 'token' | 'docker' | 'podman' | 'configRegistry' | 'configOrg';

/** The robot's token, fetched for one action and never kept; the logger redacts it from then on. */
export async function fetchRobotToken(c: CommandContext, { instance, namespace, robot }: RobotTarget): Promise<string> {
  const token = (await c.clients.get(instance.url).getRobot(namespace, robot.shortName)).token;
  if (token === undefined) throw new Error(vscode.l10n.t('Quay at {0} returned no token for {1}: only organization admins can read robot tokens.', instance.url, robot.fullName));
  c.logger.rememberSecret(token);
  return token;
}

/**
 * "Copy Credentials…": username, token, docker/podman login, or a Docker config.json saved where the user
 * picks. The token is fetched on demand for this action only, never kept, never logged.
 */
export async function copyCredentials(c: CommandContext, node?: unknown): Promise<void> {
  await credentialsFor(c, await resolveRobot(c, node, vscode.l10n.t('Robot Credentials')));
}

/** The credentials menu for a known robot (also offered right after "Create Robot Account"). */
export async function credentialsFor(c: CommandContext, { instance, namespace, robot }: RobotTarget): Promise<void> {
  const title = vscode.l10n.t('Robot Credentials');
  const items: (vscode.QuickPickItem & { format: Format })[] = [
    { label: vscode.l10n.t('Copy username'), description: robot.fullName, format: 'username' },
    { label: vscode.l10n.t('Copy token'), description: vscode.l10n.t('the robot password'), format: 'token' },
    { label: vscode.l10n.t('Copy docker login command'), format: 'docker' },
    { label: vscode.l10n.t('Copy podman login command'), format: 'podman' },
    { label: vscode.l10n.t('Save Docker config.json (registry scope)'), description: vscode.l10n.t('auths key {0}', new URL(instance.url).host), format: 'configRegistry' },
    ...(namespace.kind === 'org'
      ? [{ label: vscode.l10n.t('Save Docker config.json (organization scope)'), description: vscode.l10n.t('auths key {0}/{1}', new URL(instance.url).host, namespace.name), format: 'configOrg' as const }]
      : []),
  ];
  const picked = await vscode.window.showQuickPick(items, { title: `${title}: ${robot.fullName}`, ignoreFocusOut: true });
  if (picked === undefined) throw new UserCancelled();
  if (picked.format === 'username') {
    await vscode.env.clipboard.writeText(robot.fullName);
    vscode.window.setStatusBarMessage(vscode.l10n.t('Copied {0}', robot.fullName), 3000);
    return;
  }
  const token = await fetchRobotToken(c, { instance, namespace, robot });
  const creds = { host: new URL(instance.url).host, robot: robot.fullName, token };
  if (picked.format === 'token' || picked.format === 'docker' || picked.format === 'podman') {
    await vscode.env.clipboard.writeText(picked.format === 'token' ? token : loginCommand(picked.format, creds));
    vscode.window.setStatusBarMessage(vscode.l10n.t('Copied ({0}) — the clipboard now holds a secret', picked.label), 5000);
    return;
  }
  const scope: SecretScope = picked.format === 'configOrg' ? 'org' : 'registry';
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const target = await vscode.window.showSaveDialog({
    title: vscode.l10n.t('Save Docker config.json for {0}', robot.fullName),
    ...(folder !== undefined ? { defaultUri: vscode.Uri.joinPath(folder, `${robotPrefix(robot.fullName)}-auth.json`) } : {}),
    filters: { JSON: ['json'] },
  });
  if (target === undefined) throw new UserCancelled();
  const tree = target.scheme === 'file' ? gitWorkTree(target.fsPath) : undefined;
  if (tree !== undefined) {
    const save = vscode.l10n.t('Save Anyway');
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t('{0} is inside the git work tree {1}', target.fsPath, tree),
      { modal: true, detail: vscode.l10n.t('The file holds the robot token in clear text; committing it would publish the token. Prefer a path outside the repository, e.g. ~/.docker/config.json.') },
      save,
    );
    if (choice !== save) throw new UserCancelled();
  }
  if (target.scheme === 'file' && existsSync(target.fsPath) && statSync(target.fsPath).isDirectory()) throw new Error(vscode.l10n.t('{0} is a folder.', target.fsPath));
  await vscode.workspace.fs.writeFile(target, Buffer.from(`${dockerConfigJson({ ...creds, scope })}\n`, 'utf8'));
  c.logger.info(`Saved a Docker config.json for ${robot.fullName} (${scope} scope) to ${target.fsPath}.`);
  void vscode.window.showInformationMessage(vscode.l10n.t('Saved the Docker config for {0} to {1}.', robot.fullName, target.fsPath));
}
