import * as vscode from 'vscode';
import type { CommandContext } from '../commandContext';
import { resolveRobot } from '../pickers';

/** "Open Robot Page" (a robot row's inline icon and context menu, or the palette): the robot's webview. */
export async function openRobotPage(c: CommandContext, node?: unknown): Promise<void> {
  c.pages.openRobot(c, await resolveRobot(c, node, vscode.l10n.t('Open Robot Page')));
}
