import * as vscode from 'vscode';
import { Commands } from '../../constants';
import { instanceHost, type InstanceConfig } from '../../core/instances';
import type { QuayClient } from '../../core/quay/client';
import type { ClusterExternalSecret } from '../../core/k8s/clusterExternalSecrets';
import { managedReason, problemLines, secretLabel, updateSecrets, type ClusterScan } from '../../core/rotation/clusters';
import type { Applied, RotationPorts } from '../../core/rotation/engine';
import { untickedUsages, type Usage, type WorkspaceScan } from '../../core/rotation/places';
import { rotationReport } from '../../core/rotation/report';
import { visibleText } from '../../core/serverText';
import { robotsDisallowedLoginExplanation } from '../../views/capabilityText';
import type { CommandContext } from '../commandContext';
import { externalSecretReport, offerForceSync } from './externalSecretUsages';
import { applyReplacement, displayPath } from './workspaceUsages';

/**
 * The editor's side of the rotation engine (`core/rotation/engine.ts`): its ports (one WorkspaceEdit over the
 * scanned files, kubectl for the picked contexts, the keychain journal, the test-only fault point) and the report.
 */
export function rotationPorts(c: CommandContext, client: QuayClient, scan: WorkspaceScan, clusters: ClusterScan | undefined): RotationPorts {
  return {
    quay: client,
    places: { apply: (usages, r) => applyReplacement(scan, usages, r) },
    ...(clusters !== undefined ? { clusters: { update: (matches, credentials) => updateSecrets(clusters, matches, credentials) } } : {}),
    journal: c.pendingRotations,
    ...(c.testFault !== undefined ? { fault: c.testFault } : {}),
  };
}

/** The modal's lines about clusters: managed Secrets (listed, never patched, even when ticked) and what could not be searched. */
export function clusterNotes(clusters: ClusterScan): string[] {
  return [
    ...clusters.matches.filter((m) => m.managedBy !== null).map((m) => vscode.l10n.t('Not updatable here: {0} ({1})', secretLabel(m), managedReason(m))),
    ...problemLines(clusters),
  ];
}

export interface ShownRotation {
  readonly title: string;
  readonly instance: InstanceConfig;
  readonly outcome: Applied;
  readonly scan: WorkspaceScan;
  readonly ticked: readonly Usage[];
  readonly clusters?: { readonly scan: ClusterScan; readonly refresh: readonly ClusterExternalSecret[] };
  readonly pulls: readonly string[];
  readonly steps?: readonly string[];
}

/**
 * After the places were updated: vault-backed ExternalSecrets (the user updates the vault, then the picked cluster
 * ones are refreshed), then the report as a Markdown document (no token in it) and a notification with its summary,
 * offering Finish Rotation when a file or Secret failed.
 */
export async function showRotationReport(c: CommandContext, r: ShownRotation): Promise<void> {
  const o = r.outcome;
  const clusterEs = r.clusters?.scan.externalSecrets ?? [];
  const esCount = r.scan.externalSecrets.length + clusterEs.length;
  const synced = await offerForceSync(r.clusters?.scan.kubectl, r.clusters?.refresh ?? [], esCount, o.newToken, { oldUser: o.pending.oldUser, newUser: o.pending.newUser });
  if (synced !== undefined) c.logger.info(`force-sync: ${synced.map((s) => `${s.es.context}/${s.es.namespace}/${s.es.name} ${s.outcome}${s.reason !== undefined ? ` (${s.reason})` : ''}`).join('; ')}`);
  const report = rotationReport(
    {
      title: r.title,
      instanceUrl: r.instance.url,
      at: new Date(),
      outcome: o,
      scan: r.scan,
      unticked: untickedUsages(r.scan, r.ticked),
      ...(r.clusters !== undefined ? { clusters: r.clusters.scan } : {}),
      ...(r.steps !== undefined ? { steps: r.steps } : {}),
      externalSecrets: { lines: externalSecretReport(r.scan.externalSecrets, clusterEs, synced, displayPath), left: esCount - (synced?.filter((s) => s.outcome === 'annotated').length ?? 0) },
      pulls: r.pulls,
      disallowedExplanation: robotsDisallowedLoginExplanation(instanceHost(r.instance)),
    },
    displayPath,
  );
  // One element, one line: server text (usage logs, kubectl's and Quay's messages) cannot add lines or headings.
  const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: report.lines.map(visibleText).join('\n') });
  await vscode.window.showTextDocument(doc, { preview: true });
  const finish = vscode.l10n.t('Finish Rotation');
  const choice = report.failed ? await vscode.window.showWarningMessage(report.summary, finish) : await vscode.window.showInformationMessage(report.summary);
  if (choice === finish) await vscode.commands.executeCommand(Commands.finishRotation);
}
