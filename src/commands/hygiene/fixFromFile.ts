import * as vscode from 'vscode';
import { instanceHost, type InstanceConfig } from '../../core/instances';
import type { Namespace } from '../../core/quay/types';
import { isFinding } from '../../webviews/protocol';
import type { CommandContext } from '../commandContext';
import { applyFix } from './fixFinding';

/**
 * "Fix Robot Hygiene Finding" (hidden from the palette): a hygiene quick fix in a file. The instance is the review's,
 * or, for a credential recognised offline, the configured instance of the credential's host (the only one configured
 * when the file does not say). The namespace is the signed-in user's own when its name is the user's, else an
 * organization.
 */
export async function fixHygieneFinding(c: CommandContext, args?: unknown): Promise<void> {
  const a = args as { finding?: unknown; instanceUrl?: unknown; uri?: unknown; line?: unknown } | undefined;
  if (a === undefined || !isFinding(a.finding) || typeof a.uri !== 'string' || typeof a.line !== 'number') {
    throw new Error(vscode.l10n.t('Fix Robot Hygiene Finding runs from a quick fix on a hygiene diagnostic.'));
  }
  const finding = a.finding;
  const instance = instanceFor(c, typeof a.instanceUrl === 'string' ? a.instanceUrl : undefined, finding.host, finding.robot);
  let namespace: Namespace = { kind: 'org', name: finding.namespace };
  if (typeof a.instanceUrl !== 'string') {
    const user = await c.clients.get(instance.url).getCurrentUser();
    if (user.username === finding.namespace) namespace = { kind: 'user', name: finding.namespace };
  }
  await applyFix(c, instance, namespace, finding, { uri: vscode.Uri.parse(a.uri), line: a.line });
}

function instanceFor(c: CommandContext, instanceUrl: string | undefined, host: string | undefined, robot: string): InstanceConfig {
  const instances = c.store.list();
  const byUrl = instanceUrl !== undefined ? c.store.get(instanceUrl) : undefined;
  if (byUrl !== undefined) return byUrl;
  const byHost = host !== undefined ? instances.filter((i) => instanceHost(i) === host || instanceHost(i).split(':')[0] === host) : instances;
  if (byHost.length === 1) return byHost[0];
  if (byHost.length === 0) {
    throw new Error(
      host !== undefined
        ? vscode.l10n.t('No Quay instance for {0} is configured: add it (Quay: Add Instance) to rotate {1}.', host, robot)
        : vscode.l10n.t('No Quay instance is configured: add the one {0} belongs to (Quay: Add Instance).', robot),
    );
  }
  throw new Error(vscode.l10n.t('{0} could belong to any of {1} configured instances, and the file does not say which: rotate it from the tree.', robot, byHost.length));
}
