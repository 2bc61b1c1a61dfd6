import * as vscode from 'vscode';
import { checkIssuer as runCheck, type IssuerCheck, type IssuerFinding } from '../../core/federation/issuer';
import type { InstanceConfig } from '../../core/instances';
import { visibleText } from '../../core/serverText';
import type { CommandContext } from '../commandContext';
import { UserCancelled } from '../runCommand';
import { currentTrust, entryOf, resolveKeylessRobot } from './trust';

const ICONS: Readonly<Record<IssuerFinding['severity'], string>> = { ok: '$(pass)', info: '$(info)', warning: '$(warning)', error: '$(error)' };

/** The finding as a quick-pick row: the severity and the kind as the label, the full sentence as the detail. */
export function findingItem(f: IssuerFinding): vscode.QuickPickItem {
  const titles: Readonly<Record<IssuerFinding['kind'], string>> = {
    notUrl: vscode.l10n.t('Not a URL'),
    notFetched: vscode.l10n.t('Not fetched: internal host'),
    refusedTarget: vscode.l10n.t('Not fetched: internal address or insecure redirect'),
    insecureHttp: vscode.l10n.t('http:// issuer: every exchange fails'),
    clusterInternal: vscode.l10n.t('Internal host: Quay may not reach it'),
    unreachable: vscode.l10n.t('Not reachable from the editor'),
    discoveryFailed: vscode.l10n.t('Discovery document failed'),
    issuerMatches: vscode.l10n.t('Issuer matches the discovery document'),
    issuerMismatch: vscode.l10n.t('Issuer differs from the discovery document'),
    noJwksUri: vscode.l10n.t('No jwks_uri'),
    keysFailed: vscode.l10n.t('Keys (JWKS) failed'),
    rsaKeys: vscode.l10n.t('RSA keys for RS256/RS384'),
    noRsaKeys: vscode.l10n.t('No RSA key Quay can use'),
    es256Only: vscode.l10n.t('Elliptic-curve keys only (ES256)'),
  };
  return { label: `${ICONS[f.severity]} ${titles[f.kind]}`, detail: f.message };
}

/**
 * Before the editor sends a GET to an issuer on an internal host (by name or resolved address): the URL may come
 * from a pasted token or another admin's trust entry, so the user decides (security review 2026-12, finding 5).
 * Escape cancels the command.
 */
async function askFetchInternal(issuer: string, reason: string): Promise<boolean> {
  const fetch = vscode.l10n.t('Fetch from This Machine');
  const skip = vscode.l10n.t('Check Without Fetching');
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t('The issuer {0} is on an internal host.', visibleText(issuer)),
    {
      modal: true,
      detail: vscode.l10n.t(
        '{0}. Quay usually cannot reach it. Fetching its discovery document and keys sends a GET without credentials from this machine to that host (no other internal host is fetched). Fetch them?',
        reason,
      ),
    },
    fetch,
    skip,
  );
  if (choice === undefined) throw new UserCancelled();
  return choice === fetch;
}

/** Fetches the issuer's discovery document and keys from the editor, through the instance's proxy settings and CAs. */
export async function checkIssuerFromEditor(c: CommandContext, instance: InstanceConfig, issuer: string): Promise<IssuerCheck> {
  return await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Checking the issuer {0}…', issuer), cancellable: true },
    async (_progress, token) => {
      const controller = new AbortController();
      const subscription = token.onCancellationRequested(() => controller.abort());
      try {
        const check = await runCheck(issuer, c.clients.issuerFetch(instance), controller.signal, { fetchInternal: (reason) => askFetchInternal(issuer, reason) });
        c.logger.info(`Issuer check of ${issuer}: ${check.findings.map((f) => `${f.severity} ${f.kind}`).join(', ')}.`);
        return check;
      } finally {
        subscription.dispose();
      }
    },
  );
}

/**
 * Shows the findings in a quick pick. With `accept`, its first row is that action (e.g. "Add this trust") and the
 * result says whether the user chose it; without, the list is for reading and any choice closes it.
 */
export async function showIssuerCheck(check: IssuerCheck, title: string, accept?: vscode.QuickPickItem, extra: readonly vscode.QuickPickItem[] = []): Promise<boolean> {
  if (accept === undefined) {
    await vscode.window.showQuickPick(check.findings.map(findingItem), { title, ignoreFocusOut: true, matchOnDetail: true, placeHolder: check.issuer });
    return false;
  }
  await pickAfterIssuerCheck(check, title, [accept], extra);
  return true;
}

/** The findings below `actions` (the first focused) and `extra` rows: the action chosen; anything else cancels. */
export async function pickAfterIssuerCheck<T extends vscode.QuickPickItem>(check: IssuerCheck, title: string, actions: readonly T[], extra: readonly vscode.QuickPickItem[] = []): Promise<T> {
  const items: vscode.QuickPickItem[] = [...actions, ...extra, { label: vscode.l10n.t('Issuer check'), kind: vscode.QuickPickItemKind.Separator }, ...check.findings.map(findingItem)];
  const picked = await vscode.window.showQuickPick(items, { title, ignoreFocusOut: true, matchOnDetail: true, placeHolder: check.issuer });
  const action = actions.find((a) => a === picked);
  if (action === undefined) throw new UserCancelled();
  return action;
}

/** "Check Issuer…": the issuer of an entry row, or one of the robot's, or typed. */
export async function checkIssuer(c: CommandContext, node?: unknown): Promise<void> {
  const title = vscode.l10n.t('Check Issuer');
  const target = await resolveKeylessRobot(c, node, title);
  let issuer = entryOf(node)?.issuer;
  if (issuer === undefined) {
    const entries = await currentTrust(c, target);
    const issuers = [...new Set(entries.map((e) => e.issuer))];
    const typed = vscode.l10n.t('Type an issuer URL…');
    const picked = issuers.length === 0 ? typed : await vscode.window.showQuickPick([...issuers, typed], { title, ignoreFocusOut: true });
    if (picked === undefined) throw new UserCancelled();
    issuer = picked === typed ? await vscode.window.showInputBox({ title, prompt: vscode.l10n.t('Issuer URL (the iss claim of the tokens)'), ignoreFocusOut: true, placeHolder: 'https://…' }) : picked;
    if (issuer === undefined || issuer.trim() === '') throw new UserCancelled();
  }
  const check = await checkIssuerFromEditor(c, target.instance, issuer.trim());
  await showIssuerCheck(check, vscode.l10n.t('Issuer check: {0}', check.issuer));
}
