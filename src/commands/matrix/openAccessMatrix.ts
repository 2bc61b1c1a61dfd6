import * as vscode from 'vscode';
import type { CommandContext } from '../commandContext';
import { pickOrg } from '../pickers';

/** "Open Access Matrix" on an organization (or picked): robots × repositories with their roles, in a webview. */
export async function openAccessMatrix(c: CommandContext, node?: unknown): Promise<void> {
  const { instance, org } = await pickOrg(c, node, vscode.l10n.t('Open Access Matrix'));
  c.pages.openMatrix(c, instance.url, org);
}
