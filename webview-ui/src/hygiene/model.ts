/**
 * The hygiene report page's state and how each host message changes it: plain TypeScript, no DOM (unit-tested in
 * Node, test/unit/webviews/hygieneModel.test.ts). The page renders the findings grouped under the robot guide's
 * eight practices, in the guide's order, with a count per practice; only `model.ui` is saved across hide/show.
 */
import { CHECK_PRACTICE, PRACTICES, SEVERITIES, type Finding, type Practice, type Severity } from '../../../src/core/hygiene/types';
import type { HygienePageState, ToHygienePage } from '../../../src/webviews/protocol';

export interface Report {
  readonly run: number;
  readonly org: string;
  readonly host: string;
  readonly when: string;
  readonly findings: readonly Finding[];
  readonly notes: readonly string[];
  /** Workspace folders: evidence files under one are shown relative to it. */
  readonly roots: readonly string[];
  readonly requests?: number;
  readonly robots?: number;
}

export interface HygieneModel {
  readonly ui: HygienePageState;
  /** The last finished review; kept while a re-run is in progress, so the page does not go blank. */
  readonly report?: Report;
  /** While a review runs: what it reads now. */
  readonly progress?: string;
  readonly error?: string;
  /** Indexes (of `report`) whose fix ran: marked until the next review. */
  readonly fixed: ReadonlySet<number>;
  readonly busy: boolean;
}

export const DEFAULT_UI: HygienePageState = { collapsed: [], minSeverity: 'info' };

export function initialModel(restored: HygienePageState | undefined): HygieneModel {
  return { ui: restored ?? DEFAULT_UI, fixed: new Set(), busy: false, progress: 'Starting the review…' };
}

export function update(model: HygieneModel, message: ToHygienePage): HygieneModel {
  switch (message.type) {
    case 'progress':
      return { ...withoutError(model), progress: message.message };
    case 'report': {
      const { type: _type, ...report } = message;
      const { progress: _progress, ...rest } = withoutError(model);
      return { ...rest, report, fixed: new Set() };
    }
    case 'failed': {
      const { progress: _progress, ...rest } = model;
      return { ...rest, error: message.message };
    }
    case 'fixed':
      // A mark for a finding of an earlier run means nothing in this one.
      if (model.report?.run !== message.run) return model;
      return { ...model, fixed: new Set([...model.fixed, message.index]) };
    case 'busy':
      return { ...model, busy: message.busy };
  }
}

function withoutError(model: HygieneModel): HygieneModel {
  const { error: _error, ...rest } = model;
  return rest;
}

/** The practices as the robot guide names them, with what each asks. */
export const PRACTICE_TEXT: Readonly<Record<Practice, { readonly title: string; readonly advice: string }>> = {
  'one-robot-per-environment': { title: 'One robot per environment', advice: 'A leaked development token should not open production.' },
  'least-privilege': { title: 'Least privilege', advice: 'Read-only for pull secrets, and only the repositories needed.' },
  'rotate-quarterly': { title: 'Rotate quarterly', advice: 'Tokens older than the rotation policy are regenerated.' },
  'no-org-wide-permissions': { title: 'Avoid organization-wide permissions', advice: 'No default permission or admin/creator team for robots: grant per repository.' },
  'eso-for-production': { title: 'External Secrets for production', advice: 'Production pulls through the External Secrets Operator, not static Secrets.' },
  'audit-regularly': { title: 'Audit regularly', advice: 'Robots and grants nobody uses are removed.' },
  'descriptive-names': { title: 'Descriptive names', advice: 'A robot’s name and description say where it is used.' },
  'never-commit-tokens': { title: 'Never commit tokens', advice: 'No robot credential in a git-tracked file.' },
};

export const CHECK_TITLE: Readonly<Record<Finding['check'], string>> = {
  'pull-secret-can-write': 'Pull secret can write',
  'write-never-pushed': 'Write never used to push',
  'unused-robot': 'Unused robot or grant',
  'org-wide-permission': 'Organization-wide permission',
  'shared-across-environments': 'Shared across environments',
  'token-overdue': 'Token overdue',
  'static-token-in-production': 'Static token in production',
  'non-descriptive-name': 'Non-descriptive name',
  'committed-token': 'Committed token',
};

export interface IndexedFinding {
  /** Position in the report's `findings`: what the page sends back to the host. */
  readonly index: number;
  readonly finding: Finding;
}

export interface PracticeGroup {
  readonly practice: Practice;
  readonly title: string;
  readonly advice: string;
  /** Findings shown (at or above the severity filter), most severe first, then by robot. */
  readonly findings: readonly IndexedFinding[];
  /** Every finding of the practice, whatever the filter. */
  readonly total: number;
  readonly collapsed: boolean;
}

const rank = (s: Severity): number => SEVERITIES.indexOf(s);

/** The eight practices in the guide's order, each with its findings (possibly none: a practice that passed). */
export function groups(report: Report, ui: HygienePageState): PracticeGroup[] {
  const byPractice = new Map<Practice, IndexedFinding[]>(PRACTICES.map((p) => [p, []]));
  report.findings.forEach((finding, index) => byPractice.get(CHECK_PRACTICE[finding.check])?.push({ index, finding }));
  return PRACTICES.map((practice) => {
    const all = byPractice.get(practice) ?? [];
    const shown = all
      .filter((f) => rank(f.finding.severity) >= rank(ui.minSeverity))
      .sort((a, b) => rank(b.finding.severity) - rank(a.finding.severity) || a.finding.robot.localeCompare(b.finding.robot) || a.index - b.index);
    return { practice, ...PRACTICE_TEXT[practice], findings: shown, total: all.length, collapsed: ui.collapsed.includes(practice) };
  });
}

/** Findings per severity, for the summary line. */
export function severityCounts(findings: readonly Finding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { info: 0, warning: 0, error: 0 };
  for (const f of findings) counts[f.severity]++;
  return counts;
}

/** "3 findings (1 error, 2 warnings) about 2 robots" / "No findings". */
export function summary(report: Report): string {
  const n = report.findings.length;
  if (n === 0) return 'No findings: every check passed.';
  const c = severityCounts(report.findings);
  const parts = [c.error > 0 ? plural(c.error, 'error') : '', c.warning > 0 ? plural(c.warning, 'warning') : '', c.info > 0 ? `${c.info} info` : ''].filter((p) => p !== '');
  const robots = new Set(report.findings.map((f) => f.robot)).size;
  return `${plural(n, 'finding')} (${parts.join(', ')}) about ${plural(robots, 'robot')}`;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** One line of a finding's evidence, as the page shows it. A `file` line is a link (its index in `evidence.files`). */
export type EvidenceLine =
  | { readonly kind: 'text'; readonly label: string; readonly text: string }
  | { readonly kind: 'file'; readonly label: string; readonly text: string; readonly file: number }
  | { readonly kind: 'missing'; readonly label: string; readonly text: string };

/** A path relative to the workspace folder holding it (with the folder's name when there are several), else as it is. */
export function displayPath(path: string, roots: readonly string[]): string {
  for (const root of roots) {
    const base = root.replace(/[\\/]+$/, '');
    if (path.length > base.length + 1 && path.startsWith(base) && (path[base.length] === '/' || path[base.length] === '\\')) {
      const rel = path.slice(base.length + 1).replace(/\\/g, '/');
      return roots.length > 1 ? `${base.split(/[\\/]/).pop() ?? base}/${rel}` : rel;
    }
  }
  return path;
}

function fileText(f: { path: string; line: number; column: number; encoding?: string }, roots: readonly string[]): string {
  return `${displayPath(f.path, roots)}:${f.line}:${f.column}${f.encoding !== undefined ? ` (${f.encoding})` : ''}`;
}

/** The evidence of a finding, one line per fact, in a fixed order; what was not examined is said last. */
export function evidenceLines(finding: Finding, roots: readonly string[] = []): EvidenceLine[] {
  const e = finding.evidence;
  const lines: EvidenceLine[] = [];
  if (e.repositories !== undefined && e.repositories.length > 0) {
    lines.push({ kind: 'text', label: 'Repositories', text: e.repositories.map((r) => `${finding.namespace}/${r.repository} (${r.role})`).join(', ') });
  }
  e.files?.forEach((f, file) => lines.push({ kind: 'file', label: 'File', text: fileText(f, roots), file }));
  if (e.clusters !== undefined && e.clusters.length > 0) {
    lines.push({ kind: 'text', label: 'Clusters', text: e.clusters.map((c) => `${c.context}: ${c.namespace}/${c.name}`).join(', ') });
  }
  if (e.environments !== undefined && e.environments.length > 0) lines.push({ kind: 'text', label: 'Environments', text: e.environments.join(', ') });
  if (e.teams !== undefined && e.teams.length > 0) lines.push({ kind: 'text', label: 'Teams', text: e.teams.map((t) => `${t.team} (${t.role})`).join(', ') });
  if (e.prototypes !== undefined && e.prototypes.length > 0) {
    lines.push({ kind: 'text', label: 'Default permissions', text: e.prototypes.map((p) => `${p.role} on every new repository`).join(', ') });
  }
  if (e.tokenAgeDays !== undefined) {
    lines.push({ kind: 'text', label: 'Token age', text: e.tokenAgeBounded === true ? `at least ${plural(e.tokenAgeDays, 'day')} (not rotated since)` : plural(e.tokenAgeDays, 'day') });
  }
  if (e.logs !== undefined) {
    const counts = Object.entries(e.logs.counts)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([kind, n]) => `${kind} ${n}`)
      .join(', ');
    lines.push({ kind: 'text', label: 'Usage logs', text: `${e.logs.from} to ${e.logs.to}: ${counts === '' ? 'no entries' : counts}` });
    if (e.logs.notExamined !== undefined) lines.push({ kind: 'missing', label: 'Not examined', text: e.logs.notExamined });
  }
  return lines;
}

/** The practices collapsed after a click on one's heading. */
export function toggleCollapsed(ui: HygienePageState, practice: Practice): HygienePageState {
  const collapsed = ui.collapsed.includes(practice) ? ui.collapsed.filter((p) => p !== practice) : [...ui.collapsed, practice];
  return { ...ui, collapsed };
}
