/**
 * The review's exports: Markdown for a review ticket (grouped by practice, with counts), JSON lines (one finding
 * per line: check, severity, namespace, robot, message, evidence, fix) and SARIF 2.1.0 for code scanning (one
 * rule per check id; file findings carry their locations). No token is ever part of a finding.
 */
import { escapeMarkdown, markdownCode } from '../markdown';
import type { CheckId, Finding, Practice, Severity } from './types';
import { CHECK_IDS, CHECK_PRACTICE, PRACTICES } from './types';

export const PRACTICE_TITLES: Readonly<Record<Practice, string>> = {
  'one-robot-per-environment': 'One robot per environment',
  'least-privilege': 'Least privilege',
  'rotate-quarterly': 'Rotate quarterly',
  'no-org-wide-permissions': 'Avoid organization-wide permissions',
  'eso-for-production': 'External Secrets Operator for production',
  'audit-regularly': 'Audit regularly in the usage logs',
  'descriptive-names': 'Descriptive names',
  'never-commit-tokens': 'Never commit tokens',
};

export const CHECK_DESCRIPTIONS: Readonly<Record<CheckId, string>> = {
  'pull-secret-can-write': 'A robot whose credentials are used for pulling holds write or admin on a repository.',
  'write-never-pushed': 'A robot holding write or admin pushed nothing in the look-back window.',
  'unused-robot': 'A robot never used, or not used in the look-back window.',
  'org-wide-permission': 'A default permission gives a robot a role on every new repository, or a robot is in an admin or creator team.',
  'shared-across-environments': "One robot's credentials are used in more than one environment or cluster.",
  'token-overdue': 'A robot token is older than the rotation limit.',
  'static-token-in-production': 'A static pull Secret holds a robot token for production.',
  'non-descriptive-name': 'A robot with a generic name and no description.',
  'committed-token': 'A robot credential is in a git-tracked file.',
};

/** One JSON object per line. */
export function toJsonLines(findings: readonly Finding[]): string {
  return findings
    .map(
      (f) =>
        `${JSON.stringify({ check: f.check, severity: f.severity, ...(f.host !== undefined ? { host: f.host } : {}), namespace: f.namespace, robot: f.robot, message: f.message, evidence: f.evidence, fix: f.fix ?? null })}\n`,
    )
    .join('');
}

function evidenceLines(f: Finding): string[] {
  const e = f.evidence;
  const out: string[] = [];
  if (e.repositories !== undefined && e.repositories.length > 0) out.push(`repositories: ${e.repositories.map((r) => `${markdownCode(r.repository)} (${r.role})`).join(', ')}`);
  if (e.teams !== undefined) out.push(`teams: ${e.teams.map((t) => `${markdownCode(t.team)} (${t.role})`).join(', ')}`);
  if (e.prototypes !== undefined) out.push(`default permissions: ${e.prototypes.map((p) => `${markdownCode(p.id)} (${p.role})`).join(', ')}`);
  if (e.environments !== undefined) out.push(`environments: ${e.environments.join(', ')}`);
  if (e.files !== undefined) out.push(`files: ${e.files.map((l) => `${markdownCode(`${l.path}:${l.line}:${l.column}`)}${l.encoding !== undefined ? ` (${l.encoding})` : ''}`).join(', ')}`);
  if (e.clusters !== undefined) out.push(`clusters: ${e.clusters.map((c) => markdownCode(`${c.context}/${c.namespace}/${c.name}`)).join(', ')}`);
  if (e.logs !== undefined) {
    const counts = Object.entries(e.logs.counts)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
    out.push(`logs ${e.logs.from} to ${e.logs.to}: ${counts === '' ? 'nothing counted' : counts}${e.logs.notExamined !== undefined ? `. ${e.logs.notExamined}` : ''}`);
  }
  if (e.tokenAgeDays !== undefined) out.push(`token age: ${e.tokenAgeBounded === true ? 'at least ' : ''}${e.tokenAgeDays} days`);
  return out;
}

export interface MarkdownHeader {
  readonly title?: string;
  /** e.g. "quay.example.com / acme, 2026-12-07, logs 2026-09-09 to 2026-12-07". */
  readonly subtitle?: string;
  /** Things the review could not examine. */
  readonly notes?: readonly string[];
}

/** Markdown for a review ticket: a summary table, then one section per practice with its findings. */
export function toMarkdown(findings: readonly Finding[], header: MarkdownHeader = {}): string {
  const lines: string[] = [`# ${escapeMarkdown(header.title ?? 'Robot hygiene review')}`, ''];
  if (header.subtitle !== undefined) lines.push(escapeMarkdown(header.subtitle), '');
  const bySeverity = (s: Severity): number => findings.filter((f) => f.severity === s).length;
  lines.push(`${findings.length} finding${findings.length === 1 ? '' : 's'}: ${bySeverity('error')} error, ${bySeverity('warning')} warning, ${bySeverity('info')} info.`, '');
  lines.push('| practice | findings |', '| --- | ---: |');
  for (const p of PRACTICES) lines.push(`| ${PRACTICE_TITLES[p]} | ${findings.filter((f) => CHECK_PRACTICE[f.check] === p).length} |`);
  lines.push('');
  for (const p of PRACTICES) {
    const mine = findings.filter((f) => CHECK_PRACTICE[f.check] === p);
    lines.push(`## ${PRACTICE_TITLES[p]} (${mine.length})`, '');
    if (mine.length === 0) {
      lines.push('No findings.', '');
      continue;
    }
    for (const f of mine) {
      lines.push(`- [ ] **${f.severity}** ${markdownCode(f.check)} ${markdownCode(f.robot)}: ${escapeMarkdown(f.message)}`);
      for (const e of evidenceLines(f)) lines.push(`  - ${e}`);
      if (f.fix !== undefined) lines.push(`  - fix: ${escapeMarkdown(f.fix.label)}`);
    }
    lines.push('');
  }
  if (header.notes !== undefined && header.notes.length > 0) {
    lines.push('## Not examined', '');
    for (const n of header.notes) lines.push(`- ${escapeMarkdown(n)}`);
    lines.push('');
  }
  return `${lines.join('\n')}`;
}

const SARIF_LEVEL: Readonly<Record<Severity, 'note' | 'warning' | 'error'>> = { info: 'note', warning: 'warning', error: 'error' };

export interface SarifOptions {
  readonly toolVersion?: string;
  /** Base for relative file paths (`originalUriBaseIds.SRCROOT`), a file:// URI ending in `/`. */
  readonly srcRoot?: string;
}

const encodePath = (p: string): string => p.split('/').map(encodeURIComponent).join('/');

/** SARIF 2.1.0: one run, one rule per check id; a finding with files has a location per file. */
export function toSarif(findings: readonly Finding[], o: SarifOptions = {}): object {
  const rules = CHECK_IDS.map((id) => ({
    id,
    name: id
      .split('-')
      .map((w) => (w.charAt(0).toUpperCase() + w.slice(1)))
      .join(''),
    shortDescription: { text: CHECK_DESCRIPTIONS[id] },
    fullDescription: { text: `${CHECK_DESCRIPTIONS[id]} Practice: ${PRACTICE_TITLES[CHECK_PRACTICE[id]]}.` },
    properties: { practice: CHECK_PRACTICE[id], tags: ['security', 'quay', 'robot-accounts'] },
  }));
  const results = findings.map((f) => {
    const files = f.evidence.files ?? [];
    const absolute = (p: string): boolean => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p);
    return {
      ruleId: f.check,
      ruleIndex: CHECK_IDS.indexOf(f.check),
      level: SARIF_LEVEL[f.severity],
      message: { text: f.fix !== undefined ? `${f.message} Fix: ${f.fix.label}` : f.message },
      ...(files.length > 0
        ? {
            locations: files.map((l) => ({
              physicalLocation: {
                artifactLocation: absolute(l.path)
                  ? { uri: `file://${encodePath(l.path.replace(/\\/g, '/').replace(/^(?=[A-Za-z]:)/, '/'))}` }
                  : { uri: encodePath(l.path), uriBaseId: 'SRCROOT' },
                region: { startLine: l.line, startColumn: l.column },
              },
            })),
          }
        : {}),
      partialFingerprints: { robotCheck: `${f.check}:${f.robot}` },
      properties: { robot: f.robot, namespace: f.namespace, ...(f.host !== undefined ? { host: f.host } : {}), evidence: f.evidence, ...(f.fix !== undefined ? { fix: f.fix } : {}) },
    };
  });
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'quay-robots', informationUri: 'https://github.com/quay/quay', ...(o.toolVersion !== undefined ? { version: o.toolVersion } : {}), rules } },
        ...(o.srcRoot !== undefined ? { originalUriBaseIds: { SRCROOT: { uri: o.srcRoot } } } : {}),
        results,
      },
    ],
  };
}
