import { isAbsolute } from 'node:path';
import * as vscode from 'vscode';
import { applyFix, robotRef, showPlace } from '../commands/hygiene/fixFinding';
import { exportFindings, reviewOrganization, type ReviewOutput } from '../commands/hygiene/engine';
import type { CommandContext } from '../commands/commandContext';
import { showRobotPage } from './robotPanel';
import { UserCancelled } from '../commands/runCommand';
import { StorageKeys, WebviewTypes } from '../constants';
import type { Finding } from '../core/hygiene/types';
import { instanceHost, type InstanceConfig } from '../core/instances';
import { KubectlError } from '../core/k8s/kubectl';
import { QuayApiError } from '../core/quay/errors';
import type { Namespace } from '../core/quay/types';
import { exactTime, isoDay } from '../core/time';
import { kubectlFromSettings } from '../host/kubectl';
import { maxTokenAgeDays } from '../host/settings';
import { findingOf } from './hygieneRuns';
import { WebviewPanelHost } from './panel';
import { isFromHygienePage, type FromHygienePage, type HygieneExportFormat, type ToHygienePage } from './protocol';
import { errorMessage } from '../core/log';
import { required } from '../commands/prompts';

interface Run {
  readonly run: number;
  readonly at: Date;
  readonly output: ReviewOutput;
}

/**
 * The host of an organization's robot hygiene report (AGENTS.md "Hygiene review in the editor"). It runs the review (with a cancellable progress
 * notification wired to an AbortSignal), keeps the findings of the last run while the panel is open, and answers the
 * page's fix, open and export requests.
 *
 * The page names a finding only by the run number and its index in the findings this host sent; a message naming
 * another run or an index out of range is refused. Robots, repositories, teams and files are always taken from the
 * host's own copy of the finding, never from the page.
 */
export class HygienePanel {
  private last: Run | undefined;
  private runs = 0;
  private running = false;
  private busy = false;
  private closed = false;
  private readonly host: WebviewPanelHost<ToHygienePage, FromHygienePage>;
  private readonly namespace: Namespace;

  /** Reveals the report of `org` if it is open (as it is: "Run again" reviews anew), else opens it and runs the review. */
  static open(c: CommandContext, instance: InstanceConfig, org: string): void {
    if (!WebviewPanelHost.reveal(WebviewTypes.hygiene, `${instance.url}\n${org}`)) new HygienePanel(c, instance, org);
  }

  private constructor(
    private readonly c: CommandContext,
    private readonly instance: InstanceConfig,
    private readonly org: string,
  ) {
    this.namespace = { kind: 'org', name: org };
    this.host = new WebviewPanelHost<ToHygienePage, FromHygienePage>(
      c.extensionUri,
      { viewType: WebviewTypes.hygiene, page: 'hygiene', title: vscode.l10n.t('Hygiene: {0}', org), key: `${instance.url}\n${org}`, accepts: isFromHygienePage },
      c.logger,
      (message) => this.onMessage(message),
    );
    this.host.onDidDispose(() => (this.closed = true));
  }

  private async post(message: ToHygienePage): Promise<void> {
    if (!this.closed) await this.host.post(message);
  }

  private async onMessage(message: FromHygienePage): Promise<void> {
    switch (message.type) {
      case 'ready':
        if (this.last !== undefined) await this.postReport(this.last);
        if (this.running) await this.post({ type: 'progress', org: this.org, message: vscode.l10n.t('Reviewing {0}…', this.org) });
        else if (this.last === undefined) await this.review();
        return;
      case 'rerun':
        if (!this.running) await this.review();
        return;
      case 'fix':
        return this.fix(this.finding(message.run, message.index), message.run, message.index);
      case 'openFile': {
        const file = this.finding(message.run, message.index).evidence.files?.[message.file];
        if (file === undefined) throw new Error(vscode.l10n.t('The hygiene report has no such file.'));
        await showPlace({ uri: fileUri(file.path), line: file.line });
        return;
      }
      case 'openRobot': {
        const f = this.finding(message.run, message.index);
        const ref = robotRef(this.instance, this.namespace, f.robot);
        showRobotPage(this.c, { instance: this.instance, namespace: this.namespace, robot: ref.robot });
        return;
      }
      case 'export':
        return this.export(message.format);
    }
  }

  /** The host's own copy of finding `index` of `run`; refuses any other run (a stale page) and any other index. */
  private finding(run: number, index: number): Finding {
    const last = this.last;
    const finding = findingOf(last !== undefined ? { run: last.run, findings: last.output.findings } : undefined, run, index);
    if (finding === undefined) throw new Error(vscode.l10n.t('That finding belongs to an earlier review of {0}: look at the report again.', this.org));
    return finding;
  }

  private async review(): Promise<void> {
    this.running = true;
    try {
      await this.post({ type: 'progress', org: this.org, message: vscode.l10n.t('Reviewing {0}…', this.org) });
      const { kubectl, contexts } = await this.pickContexts();
      const roots = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
      const output = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Quay: reviewing the robots of {0}', this.org), cancellable: true },
        async (progress, token) => {
          const controller = new AbortController();
          const cancel = token.onCancellationRequested(() => controller.abort());
          try {
            return await reviewOrganization({
              client: this.c.clients.get(this.instance.url),
              instance: this.instance,
              org: this.org,
              roots,
              runGit: vscode.workspace.isTrusted,
              contexts,
              kubectl,
              maxTokenAgeDays: maxTokenAgeDays(),
              signal: controller.signal,
              progress: (message) => {
                progress.report({ message });
                void this.post({ type: 'progress', org: this.org, message });
              },
            });
          } finally {
            cancel.dispose();
          }
        },
      );
      const run: Run = { run: ++this.runs, at: new Date(), output };
      this.last = run;
      this.c.hygiene.set({ instanceUrl: this.instance.url, org: this.org, at: run.at, findings: output.findings });
      this.c.logger.info(
        `Hygiene review of ${this.org} on ${this.instance.url}: ${output.findings.length} findings${output.robots !== undefined ? `, ${output.robots} robots` : ''}${output.requests !== undefined ? `, ${output.requests} requests` : ''}.`,
      );
      await this.postReport(run);
    } catch (error) {
      const cancelled =
        error instanceof UserCancelled || error instanceof vscode.CancellationError || QuayApiError.is(error, 'cancelled') || (error instanceof Error && error.name === 'AbortError');
      const text = cancelled
        ? vscode.l10n.t('The review was cancelled{0}.', this.last !== undefined ? vscode.l10n.t(': the report below is the previous one') : '')
        : this.c.logger.clean(errorMessage(error));
      await this.post({ type: 'failed', message: text });
      if (!cancelled) throw error;
    } finally {
      this.running = false;
    }
  }

  /** The contexts to read: none without kubectl or contexts; else picked, the last choice preselected. */
  private async pickContexts(): Promise<{ kubectl: ReturnType<typeof kubectlFromSettings>; contexts: string[] }> {
    const kubectl = kubectlFromSettings();
    let names: readonly string[];
    try {
      ({ names } = await kubectl.contexts());
    } catch (error) {
      if (!(error instanceof KubectlError)) throw error;
      this.c.logger.info(`Hygiene review of ${this.org}: no clusters (${error.message})`);
      return { kubectl, contexts: [] };
    }
    if (names.length === 0) return { kubectl, contexts: [] };
    const last = new Set(this.c.state.get<string[]>(StorageKeys.hygieneContexts, []));
    const picked = await required(vscode.window.showQuickPick(
      names.map((name) => ({ label: name, picked: last.has(name) })),
      {
        title: vscode.l10n.t('Review the robots of {0}', this.org),
        placeHolder: vscode.l10n.t('Clusters whose pull Secrets the review reads (none: workspace and Quay only)'),
        canPickMany: true,
        ignoreFocusOut: true,
      },
    ));
    const contexts = picked.map((p) => p.label);
    await this.c.state.update(StorageKeys.hygieneContexts, contexts);
    return { kubectl, contexts };
  }

  private async postReport(run: Run): Promise<void> {
    await this.post({
      type: 'report',
      run: run.run,
      org: this.org,
      host: instanceHost(this.instance),
      when: exactTime(run.at),
      findings: run.output.findings,
      notes: run.output.notes,
      roots: (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath),
      ...(run.output.requests !== undefined ? { requests: run.output.requests } : {}),
      ...(run.output.robots !== undefined ? { robots: run.output.robots } : {}),
    });
  }

  /** Runs the finding's fix through its existing flow; the page marks it done until the next review. */
  private async fix(finding: Finding, run: number, index: number): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    await this.post({ type: 'busy', busy: true });
    try {
      const file = finding.evidence.files?.[0];
      await applyFix(this.c, this.instance, this.namespace, finding, file !== undefined && isAbsolute(file.path) ? { uri: fileUri(file.path), line: file.line } : undefined);
      this.c.logger.info(`Hygiene fix ${finding.fix?.kind ?? ''} for ${finding.check} of ${finding.robot} ran.`);
      await this.post({ type: 'fixed', run, index });
    } finally {
      this.busy = false;
      await this.post({ type: 'busy', busy: false });
    }
  }

  private async export(format: HygieneExportFormat): Promise<void> {
    const last = this.last;
    if (last === undefined) throw new Error(vscode.l10n.t('Run the review of {0} first: there is nothing to export yet.', this.org));
    const extension = format === 'markdown' ? 'md' : format === 'json' ? 'json' : 'sarif';
    const filters: Record<HygieneExportFormat, Record<string, string[]>> = {
      markdown: { Markdown: ['md'] },
      json: { 'JSON Lines': ['json', 'jsonl'] },
      sarif: { SARIF: ['sarif', 'json'] },
    };
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const name = `${this.org}-robot-hygiene-${isoDay(last.at)}.${extension}`;
    const target = await vscode.window.showSaveDialog({
      title: vscode.l10n.t('Export the hygiene review of {0}', this.org),
      filters: filters[format],
      ...(folder !== undefined ? { defaultUri: vscode.Uri.joinPath(folder, name) } : {}),
    });
    if (target === undefined) return;
    const root = folder?.scheme === 'file' ? folder.fsPath : undefined;
    const text = exportFindings(format, last.output.findings, { org: this.org, host: instanceHost(this.instance), at: last.at, notes: last.output.notes, ...(root !== undefined ? { root } : {}) });
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
    this.c.logger.info(`Exported the hygiene review of ${this.org} (${format}) to ${target.toString()}.`);
    void vscode.window.showInformationMessage(vscode.l10n.t('Exported {0} findings to {1}.', last.output.findings.length, vscode.workspace.asRelativePath(target)));
  }
}

/** An evidence path: absolute in the editor (types.ts); a relative one is taken from the first workspace folder. */
function fileUri(path: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  return isAbsolute(path) || folder === undefined ? vscode.Uri.file(path) : vscode.Uri.joinPath(folder, path);
}
