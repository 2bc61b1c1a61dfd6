import { execFile } from 'node:child_process';
import { isAbsolute } from 'node:path';
import * as vscode from 'vscode';
import { KeyedDebounce } from './keyedDebounce';
import { Commands } from '../constants';
import { recogniseCredentials, type RecognisedCredential } from '../core/hygiene/credentials';
import { GIT_SAFE_CONFIG, gitWorkTree } from '../core/git';
import type { Finding } from '../core/hygiene/types';
import { errorMessage, type Logger } from '../core/log';
import { splitRobotName } from '../core/robotName';
import type { HygieneResults } from '../host/hygieneResults';

export const HYGIENE_SOURCE = 'Quay hygiene';

/** Files larger than this are not searched for credentials as they are typed (the review reads them anyway). */
const MAX_TEXT = 2 * 1024 * 1024;
const DEBOUNCE_MS = 300;

/** What a hygiene quick fix hands to `quay.fixHygieneFinding`: the finding and where it was shown. */
export interface HygieneFixArgs {
  readonly finding: Finding;
  /** The instance of the review that found it; absent for a credential recognised offline (found by `finding.host`). */
  readonly instanceUrl?: string;
  readonly uri: string;
  /** 1-based. */
  readonly line: number;
}

interface Entry {
  readonly range: vscode.Range;
  readonly finding: Finding;
  readonly instanceUrl?: string;
}

/** What git says of a file: tracked (committed), untracked but not ignored (the next `git add .` commits it), ignored. */
type GitState = 'tracked' | 'untracked' | 'ignored' | 'unknown' | 'none';

function git(args: readonly string[], cwd: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    execFile('git', [...GIT_SAFE_CONFIG, ...args], { cwd, timeout: 5000 }, (error) => resolve(error === null ? 0 : typeof error.code === 'number' ? error.code : undefined));
  });
}

/** git runs only in trusted workspaces and with the safe settings (AGENTS.md); elsewhere the state is `unknown`. */
async function gitState(path: string): Promise<GitState> {
  const workTree = gitWorkTree(path);
  if (workTree === undefined) return 'none';
  if (!vscode.workspace.isTrusted) return 'unknown';
  const tracked = await git(['ls-files', '--error-unmatch', '--', path], workTree);
  if (tracked === 0) return 'tracked';
  if (tracked !== 1) return 'unknown';
  const ignored = await git(['check-ignore', '-q', '--', path], workTree);
  return ignored === 0 ? 'ignored' : ignored === 1 ? 'untracked' : 'unknown';
}

/**
 * Hygiene findings that live in files, as diagnostics in those files, whatever their language (a `.env`, a
 * Dockerfile, a CI workflow, a manifest):
 * - the file findings of the last review of each organization (`HygieneResults`), at their line and column;
 * - robot credentials recognised by their shape in the open documents, offline, as they are typed: an error when git
 *   tracks the file (committed), a warning when it does not but does not ignore it either (the next `git add .`
 *   commits it); nothing for a git-ignored file.
 * Their fixes are quick fixes ({@link HygieneCodeActions}).
 */
export class HygieneDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('quay-hygiene');
  private readonly fromReview = new Map<string, Entry[]>();
  private readonly offline = new Map<string, Entry[]>();
  private readonly pending = new KeyedDebounce();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly results: HygieneResults,
    private readonly logger: Logger,
  ) {
    this.disposables.push(
      this.collection,
      results.onDidChange(() => this.loadReviews()),
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document, DEBOUNCE_MS)),
      vscode.workspace.onDidCloseTextDocument((d) => {
        this.offline.delete(d.uri.toString());
        this.publish(d.uri);
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => vscode.workspace.textDocuments.forEach((d) => this.schedule(d, 0))),
    );
    for (const d of vscode.workspace.textDocuments) this.schedule(d, 0);
  }

  /** The entries shown in a document (the quick fixes offer one fix per entry): the review's, then offline ones it did not report. */
  entries(uri: vscode.Uri): readonly Entry[] {
    const key = uri.toString();
    const review = this.fromReview.get(key) ?? [];
    // A credential the review reported already is not said (nor offered a fix) twice.
    const offline = (this.offline.get(key) ?? []).filter((o) => !review.some((r) => r.finding.check === o.finding.check && r.range.start.line === o.range.start.line));
    return [...review, ...offline];
  }

  private schedule(document: vscode.TextDocument, delay: number): void {
    if (document.uri.scheme !== 'file') return;
    this.pending.schedule(document.uri.toString(), delay, () => {
      this.scan(document).catch((e: unknown) => this.logger.warn(`Hygiene diagnostics of ${document.uri.fsPath}: ${errorMessage(e)}`));
    });
  }

  /** The offline `committed-token` check of one open document. */
  private async scan(document: vscode.TextDocument): Promise<void> {
    if (document.isClosed) return;
    const text = document.getText();
    const key = document.uri.toString();
    const found = text.length > MAX_TEXT ? [] : recogniseCredentials(text);
    const state = found.length > 0 ? await gitState(document.uri.fsPath) : 'none';
    const entries: Entry[] = [];
    if (state !== 'ignored') {
      for (const credential of found) entries.push({ range: credentialRange(document, credential), finding: offlineFinding(credential, document.uri.fsPath, state) });
    }
    this.offline.set(key, entries);
    this.publish(document.uri);
  }

  /** The file findings of every organization's last review, by file. */
  private loadReviews(): void {
    const before = new Set(this.fromReview.keys());
    this.fromReview.clear();
    for (const result of this.results.all()) {
      for (const finding of result.findings) {
        for (const file of finding.evidence.files ?? []) {
          if (!isAbsolute(file.path)) continue;
          const uri = vscode.Uri.file(file.path);
          const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
          const range = open !== undefined ? lineRange(open, file.line, file.column) : new vscode.Range(file.line - 1, Math.max(file.column - 1, 0), file.line - 1, 10_000);
          const list = this.fromReview.get(uri.toString()) ?? [];
          list.push({ range, finding, instanceUrl: result.instanceUrl });
          this.fromReview.set(uri.toString(), list);
        }
      }
    }
    for (const key of new Set([...before, ...this.fromReview.keys()])) this.publish(vscode.Uri.parse(key));
  }

  private publish(uri: vscode.Uri): void {
    const diagnostics = this.entries(uri).map((e) => {
      const d = new vscode.Diagnostic(e.range, e.finding.message, severity(e.finding));
      d.source = HYGIENE_SOURCE;
      d.code = e.finding.check;
      return d;
    });
    if (diagnostics.length === 0) this.collection.delete(uri);
    else this.collection.set(uri, diagnostics);
  }

  dispose(): void {
    this.pending.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

function severity(f: Finding): vscode.DiagnosticSeverity {
  return f.severity === 'error' ? vscode.DiagnosticSeverity.Error : f.severity === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information;
}

/** From the column to the end of the line's non-blank text (a line of the file as it is open now). */
function lineRange(document: vscode.TextDocument, line: number, column: number): vscode.Range {
  const l = Math.min(Math.max(line - 1, 0), Math.max(document.lineCount - 1, 0));
  const text = document.lineAt(l);
  const start = Math.min(Math.max(column - 1, text.firstNonWhitespaceCharacterIndex), text.range.end.character);
  const end = Math.max(start, text.text.trimEnd().length);
  return new vscode.Range(l, start, l, end);
}

function credentialRange(document: vscode.TextDocument, c: RecognisedCredential): vscode.Range {
  const start = new vscode.Position(Math.max(c.line - 1, 0), Math.max(c.column - 1, 0));
  const end = document.positionAt(document.offsetAt(start) + Math.max(c.length, 1));
  return new vscode.Range(start, end);
}

/** A `committed-token` finding for a credential recognised in an open file (its fix: rotate, then replace the file's credential). */
function offlineFinding(c: RecognisedCredential, path: string, state: GitState): Finding {
  const { namespace } = splitRobotName(c.robot);
  const where =
    state === 'tracked'
      ? vscode.l10n.t('git tracks this file: the token is committed, and stays in git history after any edit')
      : state === 'untracked'
        ? vscode.l10n.t('git does not ignore this file: the next commit of the folder includes the token')
        : state === 'unknown'
          ? vscode.l10n.t('whether git tracks this file is not known (untrusted workspace or git unavailable)')
          : vscode.l10n.t('the file is outside any git work tree; keep the token out of files that are shared');
  return {
    check: 'committed-token',
    severity: state === 'tracked' ? 'error' : 'warning',
    ...(c.host !== undefined ? { host: c.host } : {}),
    namespace,
    robot: c.robot,
    message: vscode.l10n.t('Robot credential of {0} ({1}): {2}. Rotate it, and reference it instead of writing it here.', c.robot, c.encoding, where),
    evidence: { files: [{ path, line: c.line, column: c.column, encoding: c.encoding }] },
    fix: { kind: 'rotate-and-dereference', label: vscode.l10n.t('Rotate the token, then replace the file’s credential by a reference.') },
  };
}

/** The quick fixes of hygiene diagnostics: each runs the finding's fix through `quay.fixHygieneFinding`. */
export class HygieneCodeActions implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  constructor(private readonly diagnostics: HygieneDiagnostics) {}

  provideCodeActions(document: vscode.TextDocument, range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const shown = context.diagnostics.filter((d) => d.source === HYGIENE_SOURCE);
    if (shown.length === 0) return [];
    const actions: vscode.CodeAction[] = [];
    for (const entry of this.diagnostics.entries(document.uri)) {
      const fix = entry.finding.fix;
      if (fix === undefined || !entry.range.intersection(range)) continue;
      const diagnostic = shown.find((d) => d.code === entry.finding.check && d.range.start.line === entry.range.start.line);
      if (diagnostic === undefined) continue;
      const action = new vscode.CodeAction(quickFixTitle(entry.finding), vscode.CodeActionKind.QuickFix);
      action.diagnostics = [diagnostic];
      action.isPreferred = entry.finding.check === 'committed-token';
      const args: HygieneFixArgs = { finding: entry.finding, ...(entry.instanceUrl !== undefined ? { instanceUrl: entry.instanceUrl } : {}), uri: document.uri.toString(), line: entry.range.start.line + 1 };
      action.command = { command: Commands.fixHygieneFinding, title: action.title, arguments: [args] };
      actions.push(action);
    }
    return actions;
  }
}

export function quickFixTitle(f: Finding): string {
  switch (f.fix?.kind) {
    case 'rotate':
    case 'rotate-and-dereference':
      return vscode.l10n.t('Rotate the token of {0}…', f.robot);
    case 'downgrade-to-read':
      return vscode.l10n.t('Downgrade {0} to read…', f.robot);
    case 'pull-only-successor':
      return vscode.l10n.t('Create a pull-only successor of {0}…', f.robot);
    case 'keyless-external-secret':
      return vscode.l10n.t('Use a keyless ExternalSecret for {0} here…', f.robot);
    case 'split-per-environment':
      return vscode.l10n.t('Split {0} per environment…', f.robot);
    default:
      return f.fix?.label ?? f.message;
  }
}
