import * as vscode from 'vscode';
import { visibleText } from '../../core/serverText';
import { ACTIVITY_DAYS, concernsRobot, describeLogEntry } from '../../core/activity';
import type { LogEntry } from '../../core/quay/types';
import { logTarget } from '../../core/quay/logs';
import type { CommandContext } from '../commandContext';
import { resolveRobot } from '../pickers';
import { isoDay } from '../../core/time';

const MAX_PAGES = 50;

/**
 * "Show Activity": the usage logs of the robot's namespace over the last 30 days, kept when the robot performed
 * the action or is its subject (robot, permission, prototype, team and federation events), newest first.
 */
export async function showActivity(c: CommandContext, node?: unknown): Promise<void> {
  const { instance, namespace, robot } = await resolveRobot(c, node, vscode.l10n.t('Show Robot Activity'));
  const client = c.clients.get(instance.url);
  const end = new Date();
  const start = new Date(end.getTime() - ACTIVITY_DAYS * 86_400_000);
  const target = logTarget(namespace);
  const { entries, pages, complete } = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Reading the usage logs of {0}…', namespace.name), cancellable: true },
    async (_progress, token) => {
      const controller = new AbortController();
      token.onCancellationRequested(() => controller.abort());
      const found: LogEntry[] = [];
      let read = 0;
      for await (const page of client.listLogs(target, { starttime: start, endtime: end }, { signal: controller.signal })) {
        read++;
        found.push(...page.logs.filter((e) => concernsRobot(e, robot.fullName)));
        if (read >= MAX_PAGES) return { entries: found, pages: read, complete: false };
      }
      return { entries: found, pages: read, complete: true };
    },
  );
  const lines = [
    `# Activity of ${robot.fullName}`,
    '',
    `${instance.url} · usage logs of ${namespace.name} from ${isoDay(start)} to ${isoDay(end)} · ${entries.length} entries concern this robot (${pages} pages read${complete ? '' : `, stopped after ${MAX_PAGES}`})`,
    '',
    ...(entries.length === 0 ? ['No activity in this period.'] : entries.map((e) => `- ${describeLogEntry(e)}`)),
    '',
  ];
  // One entry, one line: control characters in the logs' metadata (server text) are shown escaped.
  const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: lines.map(visibleText).join('\n') });
  await vscode.window.showTextDocument(doc, { preview: true });
}
