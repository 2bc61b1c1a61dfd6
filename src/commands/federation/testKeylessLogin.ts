import { readFile, stat } from 'node:fs/promises';
import * as vscode from 'vscode';
import { explainExchangeError } from '../../core/federation/explain';
import { decodeJwt, MAX_JWT_LENGTH, type DecodedJwt } from '../../core/federation/jwt';
import { keylessLoginSnippet } from '../../core/federation/loginCommands';
import { precheck } from '../../core/federation/precheck';
import { entryDisplay } from '../../core/federation/display';
import { serviceAccountOf } from '../../core/federation/presets';
import { hasControlChars, visibleText } from '../../core/serverText';
import { QuayApiError } from '../../core/quay/errors';
import type { FederationEntry } from '../../core/quay/types';
import { exactTime } from '../../core/time';
import { instanceHost } from '../../core/instances';
import { isRobotsDisallowedRefusal } from '../../core/capabilities';
import { robotsDisallowedLoginExplanation } from '../../views/capabilityText';
import type { CommandContext } from '../commandContext';
import type { RobotTarget } from '../pickers';
import { UserCancelled } from '../runCommand';
import { pickContext, pickClusterServiceAccount } from './cluster';
import { askForToken, claimRows } from './setUpKeyless';
import { currentTrust, entryOf, resolveKeylessRobot } from './trust';
import { required } from '../prompts';

type Jwt = DecodedJwt & { readonly raw: string };

/** A token read from a file (e.g. a projected service account token); at most an OIDC token's size is read. */
async function tokenFromFile(title: string): Promise<Jwt> {
  const [uri] =
    (await vscode.window.showOpenDialog({ title, canSelectMany: false, openLabel: vscode.l10n.t('Use This Token') })) ?? [];
  if (uri === undefined) throw new UserCancelled();
  const size = (await stat(uri.fsPath)).size;
  if (size > MAX_JWT_LENGTH + 2) throw new Error(vscode.l10n.t('{0} holds {1} bytes: an OIDC token is at most {2}.', uri.fsPath, size, MAX_JWT_LENGTH));
  const raw = (await readFile(uri.fsPath, 'utf8')).trim();
  return { ...decodeJwt(raw), raw };
}

/**
 * A short-lived token of a ServiceAccount, requested from its cluster (TokenRequest through kubectl) for the
 * audience the user names: the token is used for this test only and never shown.
 */
async function serviceAccountToken(target: RobotTarget, entries: readonly FederationEntry[], title: string): Promise<Jwt> {
  const { kubectl, context } = await pickContext(title);
  const trusted = entries.flatMap((e) => {
    const sa = serviceAccountOf(e.subject);
    return sa !== undefined ? [{ ...sa, why: vscode.l10n.t('trusted by {0}', target.robot.fullName) }] : [];
  });
  const sa = await pickClusterServiceAccount(kubectl, context, title, trusted);
  const host = instanceHost(target.instance);
  // Entries with audiences (where Quay returns them): Quay checks aud against them.
  const checked = [...new Set(entries.flatMap((e) => e.audiences ?? []))];
  const audience = await required(vscode.window.showInputBox({
    title,
    prompt:
      checked.length > 0
        ? vscode.l10n.t("Audience of the token: Quay checks it against the entries' audiences ({0})", checked.join(', '))
        : vscode.l10n.t('Audience of the token (no entry has audiences, so Quay does not check it; use what your workloads request)'),
    value: checked[0] ?? host,
    ignoreFocusOut: true,
  }));
  const { token } = await kubectl.requestToken(context, sa.namespace, sa.name, audience.trim() === '' ? host : audience.trim());
  return { ...decodeJwt(token), raw: token };
}

/** Where the token comes from: pasted, a file, or a cluster's ServiceAccount. */
async function pickToken(target: RobotTarget, entries: readonly FederationEntry[], title: string): Promise<Jwt> {
  const paste = { label: vscode.l10n.t('$(clippy) Paste a token'), detail: vscode.l10n.t('e.g. from kubectl create token <sa> --audience … or a CI job') };
  const file = { label: vscode.l10n.t('$(file) Read it from a file…'), detail: vscode.l10n.t('e.g. a projected service account token') };
  const cluster = { label: vscode.l10n.t('$(cloud) Use a ServiceAccount token'), detail: vscode.l10n.t('requested now from a cluster of your kubeconfig (TokenRequest), never shown') };
  const picked = await required(vscode.window.showQuickPick([paste, file, cluster], { title, placeHolder: vscode.l10n.t('The OIDC token (JWT) to exchange'), ignoreFocusOut: true }));
  if (picked === cluster) return serviceAccountToken(target, entries, title);
  return picked === file ? tokenFromFile(title) : askForToken(title, vscode.l10n.t('Paste the OIDC token (JWT). It is sent only to Quay, only when you confirm, and never stored.'));
}

/**
 * "Test Keyless Login…": the token is checked locally against the robot's entries, every mismatch explained;
 * then, when the user confirms, exchanged at Quay, whose answer is shown verbatim with its explanation; a
 * minted password is proven with a registry login. Neither token is logged, stored or shown.
 */
export async function testKeylessLogin(c: CommandContext, node?: unknown): Promise<void> {
  const target: RobotTarget = await resolveKeylessRobot(c, node, vscode.l10n.t('Test Keyless Login'));
  const robot = target.robot.fullName;
  const title = vscode.l10n.t('Test Keyless Login as {0}', robot);
  const client = c.clients.get(target.instance.url);
  const entries = await currentTrust(c, target);
  const jwt = await pickToken(target, entries, title);

  const pre = precheck(jwt, entries, Date.now());
  const rows: vscode.QuickPickItem[] = [];
  if (pre.match !== undefined) rows.push({ label: vscode.l10n.t('$(pass) Matches the entry {0}', visibleText(pre.match.subject)), description: visibleText(pre.match.issuer) });
  else if (pre.closest !== undefined) {
    rows.push({
      label: vscode.l10n.t('$(warning) Closest entry: {0}', visibleText(pre.closest.entry.subject)),
      description: visibleText(pre.closest.entry.issuer),
      detail: pre.closest.differences.map((d) => `${d.field}: ${d.how}`).join('; '),
    });
  }
  for (const issue of pre.issues) rows.push({ label: `$(error) ${issue.quayMessage ?? issue.problem}`, detail: `${issue.explanation}${issue.detail !== undefined ? ` (${issue.detail})` : ''}` });
  const exchange = {
    label: pre.issues.length === 0 ? vscode.l10n.t('$(play) Exchange at Quay') : vscode.l10n.t('$(play) Exchange at Quay anyway'),
    detail: pre.issues.length === 0 ? vscode.l10n.t('Nothing to object to locally: Quay checks the signature and the issuer.') : vscode.l10n.t('{0} problems found locally: see Quay’s own answer.', pre.issues.length),
  };
  const picked = await vscode.window.showQuickPick(
    [exchange, { label: vscode.l10n.t('Pre-check'), kind: vscode.QuickPickItemKind.Separator }, ...rows, ...claimRows(jwt)],
    { title, ignoreFocusOut: true, matchOnDetail: true },
  );
  if (picked !== exchange) throw new UserCancelled();

  let minted: Awaited<ReturnType<typeof client.exchangeFederatedToken>>;
  try {
    minted = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Exchanging the token at {0}…', target.instance.url) }, () =>
      client.exchangeFederatedToken(robot, jwt.raw),
    );
  } catch (error) {
    if (!(error instanceof QuayApiError) || error.status === undefined) throw error;
    const why = explainExchangeError({ status: error.status, serverMessage: error.serverMessage });
    c.logger.info(`Keyless login test of ${robot}: Quay answered ${error.status} (${why.problem}).`);
    await vscode.window.showErrorMessage(
      vscode.l10n.t('Quay refused the token for {0}: HTTP {1} {2}', robot, error.status, why.quayMessage !== undefined ? `"${why.quayMessage}"` : vscode.l10n.t('(no message)')),
      { modal: true, detail: c.logger.clean(why.explanation) },
    );
    return;
  }
  const login = await client.registryLogin(robot, minted.token);
  const expiry = minted.expiresAt !== undefined ? vscode.l10n.t('valid until {0} (one hour)', exactTime(minted.expiresAt)) : vscode.l10n.t('valid one hour');
  const loginLine =
    login.kind === 'ok'
      ? vscode.l10n.t('Registry login as {0} with it: accepted.', robot)
      : login.kind === 'refused'
        ? vscode.l10n.t('Registry login as {0} with it: refused: {1}', robot, login.message) +
          (isRobotsDisallowedRefusal(login.message) ? ` ${robotsDisallowedLoginExplanation(instanceHost(target.instance))}` : '')
        : vscode.l10n.t('Registry login as {0} with it failed: {1}', robot, login.error.message);
  c.logger.info(`Keyless login test of ${robot}: exchanged; registry login ${login.kind}.`);
  const detail = c.logger.clean(`${vscode.l10n.t('Quay exchanged the token for a registry password {0}.', expiry)}\n${loginLine}`);
  if (login.kind === 'ok') await vscode.window.showInformationMessage(vscode.l10n.t('Keyless login works for {0}.', robot), { modal: true, detail });
  else await vscode.window.showErrorMessage(vscode.l10n.t('Quay exchanged the token, but the registry login as {0} did not work.', robot), { modal: true, detail });
}

/** "Copy Login Command" on an entry (or the group: pick the entry): the workload's login, no token in it. */
export async function copyKeylessLogin(c: CommandContext, node?: unknown): Promise<void> {
  const title = vscode.l10n.t('Copy Login Command');
  const target = await resolveKeylessRobot(c, node, title);
  let entry = entryOf(node);
  if (entry === undefined) {
    const entries = await currentTrust(c, target);
    if (entries.length === 0) throw new Error(vscode.l10n.t('{0} trusts no issuer yet: run Set Up Keyless Access… first.', target.robot.fullName));
    const picked = entries.length === 1 ? { entry: entries[0] } : await vscode.window.showQuickPick(entries.map((e) => ({ ...entryDisplay(e, vscode.l10n.t('contains control characters (shown escaped)')), entry: e })), { title, ignoreFocusOut: true });
    if (picked === undefined) throw new UserCancelled();
    entry = picked.entry;
  }
  const snippet = keylessLoginSnippet({ origin: target.instance.url, robot: target.robot.fullName }, entry);
  await vscode.env.clipboard.writeText(snippet.text);
  void vscode.window.showInformationMessage(
    snippet.kind === 'githubWorkflow'
      ? vscode.l10n.t('Copied a GitHub Actions job fragment that logs in as {0} without a stored token.', target.robot.fullName)
      : hasControlChars(entry.subject) || hasControlChars(entry.issuer)
        ? vscode.l10n.t('Copied a login as {0} for the entry {1}, which contains control characters (shown escaped in the script\'s comments): check who set it before using it.', target.robot.fullName, visibleText(entry.subject))
        : vscode.l10n.t('Copied a login as {0} that exchanges an OIDC token of {1} (no token in it).', target.robot.fullName, entry.subject),
  );
}
