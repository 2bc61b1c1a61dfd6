import * as vscode from 'vscode';
import { WebviewTypes } from '../constants';
import { applyChanges, confirmPlan, showBulkReport } from '../commands/permissions/bulkChange';
import type { CommandContext } from '../commands/commandContext';
import type { MatrixChange } from '../core/matrix/accessMatrix';
import { loadMatrix, loadRow } from '../core/matrix/load';
import type { MatrixData, MatrixRow } from '../core/matrix/model';
import { matrixChangesFromPage } from './hostChecks';
import { WebviewPanelHost } from './panel';
import { isFromMatrixPage, type FromMatrixPage, type ToMatrixPage } from './protocol';
import { errorMessage } from '../core/log';

/**
 * The host of an organization's access matrix (AGENTS.md "Access matrix"). It loads the matrix once (`loadMatrix`: nothing per
 * cell) and keeps it while the panel is open, so a page re-created on show gets it back without asking Quay again.
 * "Review N changes" goes through the bulk grant's own plan quick pick, runner and report; afterwards the rows it
 * touched are read again from Quay and sent to the page.
 */
export class MatrixPanel {
  private data: MatrixData | undefined;
  private loading = false;
  /** Closed by the user: a load or a review that ends afterwards has no page to tell. */
  private closed = false;
  private readonly host: WebviewPanelHost<ToMatrixPage, FromMatrixPage>;

  /** Reveals the matrix of `org` if it is open, else opens it. */
  static open(c: CommandContext, instanceUrl: string, org: string): void {
    if (!WebviewPanelHost.reveal(WebviewTypes.matrix, `${instanceUrl}\n${org}`)) new MatrixPanel(c, instanceUrl, org);
  }

  private constructor(
    private readonly c: CommandContext,
    private readonly instanceUrl: string,
    private readonly org: string,
  ) {
    this.host = new WebviewPanelHost<ToMatrixPage, FromMatrixPage>(
      c.extensionUri,
      { viewType: WebviewTypes.matrix, page: 'matrix', title: vscode.l10n.t('Access: {0}', org), key: `${instanceUrl}\n${org}`, accepts: isFromMatrixPage },
      c.logger,
      (message) => this.onMessage(message),
    );
    this.host.onDidDispose(() => (this.closed = true));
  }

  private async post(message: ToMatrixPage): Promise<void> {
    if (!this.closed) await this.host.post(message);
  }

  private async onMessage(message: FromMatrixPage): Promise<void> {
    switch (message.type) {
      case 'ready':
        if (this.data !== undefined) await this.post({ type: 'data', ...this.data });
        else if (!this.loading) await this.load();
        else await this.post({ type: 'loading', org: this.org });
        return;
      case 'reload':
        if (!this.loading) await this.load();
        return;
      case 'review': {
        // Only principals and repositories of the host's own matrix, and the current roles of its copy.
        const checked = matrixChangesFromPage(this.data, message.changes);
        if (!checked.ok) {
          this.c.logger.warn(`Access matrix of ${this.org}: refused a review from the page: ${checked.problem}.`);
          throw new Error(vscode.l10n.t('The access matrix of {0} asked for a change it does not show ({1}): nothing was changed. Reload the matrix and review again.', this.org, checked.problem));
        }
        await this.review(checked.value);
        return;
      }
    }
  }

  private async load(): Promise<void> {
    this.loading = true;
    await this.post({ type: 'loading', org: this.org });
    try {
      this.data = await loadMatrix(this.c.clients.get(this.instanceUrl), this.org, { teams: true });
    } catch (error) {
      await this.post({ type: 'failed', message: this.c.logger.clean(errorMessage(error)) });
      throw error;
    } finally {
      this.loading = false;
    }
    this.c.logger.info(`Access matrix of ${this.org}: ${this.data.rows.length} rows, ${this.data.repositories.length} repositories.`);
    await this.post({ type: 'data', ...this.data });
  }

  private async review(changes: readonly MatrixChange[]): Promise<void> {
    const title = vscode.l10n.t('Access matrix of {0}', this.org);
    const label = (ch: MatrixChange): string => `${ch.kind === 'team' ? vscode.l10n.t('team {0}', ch.principal) : ch.principal} · ${ch.repository}`;
    await this.post({ type: 'reviewing', busy: true });
    try {
      const picked = await confirmPlan(title, changes, label);
      const report = await applyChanges(
        this.c,
        this.instanceUrl,
        { kind: 'org', name: this.org },
        picked,
        (ch) => ({ principal: ch.principal, kind: ch.kind === 'team' ? 'team' : 'user' }),
        vscode.l10n.t('Quay: changing access in {0}', this.org),
      );
      await this.reloadRows(picked);
      await showBulkReport(this.c, title, report, label);
    } finally {
      await this.post({ type: 'reviewing', busy: false });
    }
  }

  /** Reads the touched rows again (one request each) and hands them to the page and to the kept matrix. */
  private async reloadRows(changes: readonly MatrixChange[]): Promise<void> {
    const client = this.c.clients.get(this.instanceUrl);
    const ids = [...new Map(changes.map((ch) => [ch.principal, { kind: ch.kind, name: ch.principal }] as const)).values()];
    const rows = await Promise.all(ids.map((id) => loadRow(client, this.org, id)));
    if (this.data !== undefined) {
      const fresh = new Map<string, MatrixRow>(rows.map((r) => [r.name, r]));
      this.data = { ...this.data, rows: this.data.rows.map((r) => fresh.get(r.name) ?? r) };
    }
    await this.post({ type: 'rows', rows });
  }
}
