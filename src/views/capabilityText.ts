import * as vscode from 'vscode';
import { feature, type Capabilities } from '../core/capabilities';
import { versionAtLeast } from '../core/quay/clientConfig';
import { escapeMarkdown } from '../core/markdown';

/** The short form, for row descriptions. */
export function robotCreationDisabledShort(): string {
  return vscode.l10n.t('creation disabled (ROBOTS_DISALLOW)');
}

/** Why Create Robot and Rotate with a Successor are off, and what to do. */
export function robotCreationDisabledReason(instance: string): string {
  return vscode.l10n.t(
    'Robot creation is disabled on this Quay ({0}): its administrator set ROBOTS_DISALLOW, so Quay refuses to create robot accounts (and refuses registry logins of robots it does not list in ROBOTS_WHITELIST). Use an existing robot, or ask the administrator to lift it.',
    instance,
  );
}

/** What a robot login refused with Quay's ROBOTS_DISALLOW message means (contract §12.3 #1). */
export function robotsDisallowedLoginExplanation(instance: string): string {
  return vscode.l10n.t(
    'Quay at {0} has ROBOTS_DISALLOW set: it refuses every registry login of a robot that its ROBOTS_WHITELIST does not list, whatever the token. The token itself may be right. Ask the Quay administrator to add the robot to ROBOTS_WHITELIST or to lift ROBOTS_DISALLOW.',
    instance,
  );
}

/** Why token ages are not shown on an instance that reports log aggregation off; undefined otherwise. */
export function logsAggregationOffReason(caps: Capabilities | undefined): string | undefined {
  return feature(caps, 'AGGREGATED_LOG_COUNT_RETRIEVAL') === false
    ? vscode.l10n.t('Token age unknown: this Quay does not aggregate usage logs (FEATURE_AGGREGATED_LOG_COUNT_RETRIEVAL is off), which token ages are read from.')
    : undefined;
}

/** Markdown lines for the instance's tooltip: its version and the capabilities that change what is offered. */
export function capabilityLines(caps: Capabilities | undefined): string[] {
  if (caps === undefined) return [];
  if (caps.kind === 'unknown') {
    const why =
      caps.why === 'noConfig'
        ? vscode.l10n.t('this Quay answers 404 to GET /config (an older Quay, or a proxy in front that does not pass it)')
        : vscode.l10n.t('GET /config failed: {0}', caps.detail ?? '');
    return [`$(question) ${escapeMarkdown(vscode.l10n.t('Capabilities unknown: {0}. Every action is offered; Quay refuses what it does not allow.', why))}`];
  }
  const config = caps.config;
  const lines = [
    config.version !== undefined
      ? `${vscode.l10n.t('Version')}: **${escapeMarkdown(`Quay ${config.version}`)}**`
      : escapeMarkdown(vscode.l10n.t('Version: not shown (billing is on, as on quay.io)')),
  ];
  if (config.robotsDisallow === true) lines.push(`$(circle-slash) ${escapeMarkdown(vscode.l10n.t('Robot creation is disabled (ROBOTS_DISALLOW): Create Robot and Rotate with a Successor are off.'))}`);
  else if (config.robotsDisallow === undefined && versionAtLeast(config, 3, 17) === false) {
    lines.push(escapeMarkdown(vscode.l10n.t('ROBOTS_DISALLOW: not reported before Quay 3.17; Create Robot stays offered.')));
  }
  if (feature(caps, 'AGGREGATED_LOG_COUNT_RETRIEVAL') === false) lines.push(escapeMarkdown(vscode.l10n.t('Usage log aggregation is off (FEATURE_AGGREGATED_LOG_COUNT_RETRIEVAL): token ages are not available.')));
  const mirror = feature(caps, 'REPO_MIRROR');
  if (mirror !== undefined) lines.push(escapeMarkdown(mirror ? vscode.l10n.t('Repository mirroring: on') : vscode.l10n.t('Repository mirroring: off')));
  return lines;
}
