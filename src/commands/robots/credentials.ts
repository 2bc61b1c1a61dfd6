import { existsSync, statSync } from 'node:fs';
import * as vscode from 'vscode';
import { defaultDockerConfigPath, makePrivate, mergeDockerAuths, readOptionalFile, writePrivateFile } from '../../core/dockerConfigFile';
import { gitWorkTree } from '../../core/git';
import { instanceHost } from '../../core/instances';
import { dockerAuths, loginCommand, loginCommandWithToken, type SecretScope } from '../../core/k8s/credentials';
import { TOKEN_VARIABLE } from '../../core/shell';
import type { CommandContext } from '../commandContext';
import { resolveRobot, type RobotTarget } from '../pickers';
import { UserCancelled } from '../runCommand';
import { required } from '../prompts';

type Format = 'username' | 'token' | 'docker' | 'podman' | 'dockerWithToken' | 'podmanWithToken' | 'configRegistry' | 'configOrg';

/** The robot's token, fetched for one action and never kept; the logger redacts it from then on. */
export async function fetchRobotToken(c: CommandContext, { instance, namespace, robot }: RobotTarget): Promise<string> {
  const token = (await c.clients.get(instance.url).getRobot(namespace, robot.shortName)).token;
  if (token === undefined) throw new Error(vscode.l10n.t('Quay at {0} returned no token for {1}: only organization admins can read robot tokens.', instance.url, robot.fullName));
  c.logger.rememberSecret(token);
  return token;
}

/** Puts the robot's token on the clipboard and says the clipboard holds a secret. */
export async function copyToken(c: CommandContext, target: RobotTarget): Promise<void> {
  await vscode.env.clipboard.writeText(await fetchRobotToken(c, target));
  vscode.window.setStatusBarMessage(vscode.l10n.t('Copied the token of {0} — the clipboard now holds a secret', target.robot.fullName), 5000);
}

/**
 * Puts a command that reads the token from `$QUAY_TOKEN` on the clipboard (it holds no secret) and says how to
 * set the variable without the token reaching the shell history; "Copy Token" then puts the token on the clipboard.
 */
export async function copyTokenReadingCommand(c: CommandContext, target: RobotTarget, command: string, what: string): Promise<void> {
  await vscode.env.clipboard.writeText(command);
  const copy = vscode.l10n.t('Copy Token');
  const choice = await vscode.window.showInformationMessage(
    vscode.l10n.t(
      'Copied {0}. It reads the robot token from ${1}, so the token stays out of the shell history and the process list: in the terminal, run "read -rs {1}", paste the token ("Copy Token") and press Enter, then paste the command.',
      what,
      TOKEN_VARIABLE,
    ),
    copy,
  );
  if (choice === copy) await copyToken(c, target);
}

/**
 * "Copy Credentials…": username, token, docker/podman login (token from `$QUAY_TOKEN` on standard input, or,
 * when asked for, on the command line), or the robot's entry merged into a Docker config.json. The token is
 * fetched on demand for this action only, never kept, never logged.
 */
export async function copyCredentials(c: CommandContext, node?: unknown): Promise<void> {
  await credentialsFor(c, await resolveRobot(c, node, vscode.l10n.t('Robot Credentials')));
}

/** The credentials menu for a known robot (also offered right after "Create Robot Account"). */
export async function credentialsFor(c: CommandContext, target: RobotTarget): Promise<void> {
  const { instance, namespace, robot } = target;
  const title = vscode.l10n.t('Robot Credentials');
  const host = instanceHost(instance);
  const fromVariable = vscode.l10n.t('token from ${0}, not on the command line', TOKEN_VARIABLE);
  const onCommandLine = vscode.l10n.t('the token stays in the shell history and shows in ps');
  const items: (vscode.QuickPickItem & { format?: Format })[] = [
    { label: vscode.l10n.t('Copy username'), description: robot.fullName, format: 'username' },
    { label: vscode.l10n.t('Copy token'), description: vscode.l10n.t('the robot password'), format: 'token' },
    { label: vscode.l10n.t('Copy docker login command'), description: fromVariable, format: 'docker' },
    { label: vscode.l10n.t('Copy podman login command'), description: fromVariable, format: 'podman' },
    { label: vscode.l10n.t('Save to Docker config.json (registry scope)'), description: vscode.l10n.t('auths key {0}', host), format: 'configRegistry' },
    ...(namespace.kind === 'org'
      ? [{ label: vscode.l10n.t('Save to Docker config.json (organization scope)'), description: vscode.l10n.t('auths key {0}/{1}', host, namespace.name), format: 'configOrg' as const }]
      : []),
    { label: vscode.l10n.t('Token on the command line'), kind: vscode.QuickPickItemKind.Separator },
    { label: vscode.l10n.t('Copy docker login command with the token (-p)'), description: onCommandLine, format: 'dockerWithToken' },
    { label: vscode.l10n.t('Copy podman login command with the token (-p)'), description: onCommandLine, format: 'podmanWithToken' },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: `${title}: ${robot.fullName}`, ignoreFocusOut: true });
  if (picked?.format === undefined) throw new UserCancelled();
  const creds = { host, robot: robot.fullName };
  switch (picked.format) {
    case 'username':
      await vscode.env.clipboard.writeText(robot.fullName);
      vscode.window.setStatusBarMessage(vscode.l10n.t('Copied {0}', robot.fullName), 3000);
      return;
    case 'token':
      return copyToken(c, target);
    case 'docker':
    case 'podman':
      return copyTokenReadingCommand(c, target, loginCommand(picked.format, creds), vscode.l10n.t('the {0} login command', picked.format));
    case 'dockerWithToken':
    case 'podmanWithToken':
      await vscode.env.clipboard.writeText(loginCommandWithToken(picked.format === 'dockerWithToken' ? 'docker' : 'podman', { ...creds, token: await fetchRobotToken(c, target) }));
      vscode.window.setStatusBarMessage(vscode.l10n.t('Copied ({0}) — the clipboard now holds a secret', picked.label), 5000);
      return;
    case 'configRegistry':
    case 'configOrg':
      return saveDockerConfig(c, target, picked.format === 'configOrg' ? 'org' : 'registry');
  }
}

/** Docker's own config.json (`$DOCKER_CONFIG` or `~/.docker`), or another file chosen in a save dialog. */
async function pickDockerConfigPath(title: string): Promise<string> {
  const fallback = defaultDockerConfigPath();
  const items: (vscode.QuickPickItem & { path?: string })[] = [
    { label: fallback, description: existsSync(fallback) ? vscode.l10n.t('docker\'s configuration: the entry is merged in') : vscode.l10n.t('docker\'s configuration (a new file)'), path: fallback },
    { label: vscode.l10n.t('$(folder-opened) Another file…') },
  ];
  const picked = await required(vscode.window.showQuickPick(items, { title, ignoreFocusOut: true }));
  if (picked.path !== undefined) return picked.path;
  const chosen = await vscode.window.showSaveDialog({ title, defaultUri: vscode.Uri.file(fallback), saveLabel: vscode.l10n.t('Add Credentials'), filters: { JSON: ['json'] } });
  if (chosen === undefined) throw new UserCancelled();
  if (chosen.scheme !== 'file') throw new Error(vscode.l10n.t('{0} is not a local file: the Docker configuration is written with mode 0600, which needs a local path.', chosen.toString()));
  return chosen.fsPath;
}

/**
 * Merges the robot's `auths` entry into a Docker config.json, docker's own unless the user picks another. One modal
 * names the entries added or replaced in an existing file, and warns when the file lies in a git work tree. The
 * file is written atomically with mode 0600; one that is not valid JSON is refused, not overwritten.
 */
export async function saveDockerConfig(c: CommandContext, target: RobotTarget, scope: SecretScope): Promise<void> {
  const { instance, robot } = target;
  const path = await pickDockerConfigPath(vscode.l10n.t('Save the Docker credentials of {0} to', robot.fullName));
  if (existsSync(path) && statSync(path).isDirectory()) throw new Error(vscode.l10n.t('{0} is a folder.', path));
  const existing = await readOptionalFile(path);
  const token = await fetchRobotToken(c, target);
  const merge = mergeDockerAuths(existing, dockerAuths({ host: instanceHost(instance), robot: robot.fullName, token, scope }), path);
  if (merge.added.length === 0 && merge.changed.length === 0) {
    await makePrivate(path);
    void vscode.window.showInformationMessage(vscode.l10n.t('{0} already holds these credentials for {1}; its mode is now 0600.', path, robot.fullName));
    return;
  }
  const tree = gitWorkTree(path);
  if (existing !== undefined || tree !== undefined) {
    const lines = [
      ...(tree !== undefined ? [vscode.l10n.t('The file holds the robot token in clear text; committing it would publish the token. Prefer a path outside the repository, e.g. {0}.', defaultDockerConfigPath())] : []),
      ...(merge.added.length > 0 ? [vscode.l10n.t('Adds: {0}', merge.added.join(', '))] : []),
      ...(merge.changed.length > 0 ? [vscode.l10n.t('Replaces the credentials of: {0}', merge.changed.join(', '))] : []),
      ...(existing !== undefined ? [vscode.l10n.t('Keeps every other entry ({0}) and setting as they are.', merge.kept.length)] : []),
      ...merge.helpers.map((h) => vscode.l10n.t('Note: docker reads the credentials for {0} from the credential helper "{1}" this file names, not from auths.', h.key, h.helper)),
    ];
    const confirm = tree !== undefined ? vscode.l10n.t('Save Anyway') : vscode.l10n.t('Update config.json');
    const choice = await vscode.window.showWarningMessage(
      tree !== undefined ? vscode.l10n.t('{0} is inside the git work tree {1}', path, tree) : vscode.l10n.t('Update the auths of {0}?', path),
      { modal: true, detail: lines.join('\n') },
      confirm,
    );
    if (choice !== confirm) throw new UserCancelled();
    if ((await readOptionalFile(path)) !== existing) throw new Error(vscode.l10n.t('{0} changed while the command was asking; nothing was written. Run it again.', path));
  }
  await writePrivateFile(path, merge.text);
  c.logger.info(`Saved the Docker credentials of ${robot.fullName} (${scope} scope: ${[...merge.added, ...merge.changed].join(', ')}) to ${path}.`);
  void vscode.window.showInformationMessage(vscode.l10n.t('Saved the Docker config for {0} to {1}.', robot.fullName, path));
}
