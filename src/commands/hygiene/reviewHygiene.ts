import * as vscode from 'vscode';
import type { CommandContext } from '../commandContext';
import { pickOrg } from '../pickers';

/**
 * "Review Robot Hygiene…" on an organization (or picked): checks the robots against the robot guide's eight best
 * practices and shows the findings, with a fix for each, in a webview report.
 */
export async function reviewHygiene(c: CommandContext, node?: unknown): Promise<void> {
  const { instance, org } = await pickOrg(c, node, vscode.l10n.t('Review Robot Hygiene'));
  c.pages.openHygiene(c, instance, org);
}
