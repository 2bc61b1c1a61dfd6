import * as vscode from 'vscode';
import { Commands } from '../constants';
import { errorMessage, type RedactingLogger } from '../core/log';
import { QuayApiError } from '../core/quay/errors';

/** Thrown (or returned from a prompt) when the user backs out: never an error to report. */
export class UserCancelled extends Error {
  constructor() {
    super('Cancelled by the user');
  }
}

/**
 * The one wrapper around every command handler (house-style §7): it logs with the command's tag,
 * ignores cancellation, and shows at most one notification, with Quay's own message and "Show Log", cleaned
 * like the log line (no credential a server echoed or an error carried reaches the notification). Resolves with
 * whether the handler finished (false: cancelled or failed), so a page that runs a command by its id can tell.
 */
export function wrapCommand<A extends unknown[]>(
  id: string,
  logger: RedactingLogger,
  handler: (...args: A) => Promise<unknown>,
): (...args: A) => Promise<boolean> {
  return async (...args: A) => {
    try {
      logger.debug(`${id} started`);
      await handler(...args);
      return true;
    } catch (error) {
      if (error instanceof UserCancelled || QuayApiError.is(error, 'cancelled') || error instanceof vscode.CancellationError) {
        logger.debug(`${id} cancelled`);
        return false;
      }
      const message = errorMessage(error);
      const hint = error instanceof QuayApiError && error.userHint !== undefined ? ` ${error.userHint}` : '';
      logger.error(`${id} failed: ${message}${error instanceof Error && error.stack !== undefined ? `\n${error.stack}` : ''}`);
      const showLog = vscode.l10n.t('Show Log');
      const choice = await vscode.window.showErrorMessage(logger.clean(`${message}${hint}`), showLog);
      if (choice === showLog) await vscode.commands.executeCommand(Commands.showLog);
      return false;
    }
  };
}
