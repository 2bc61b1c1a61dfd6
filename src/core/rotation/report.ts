/**
 * The rotation report from the engine's outcome: Markdown lines for the editor (the command line prints text or
 * JSON from the same outcome), the one-line summary, and the messages for a rotation that did not start and for a
 * Finish Rotation that found nothing. Paths go through the injected `displayPath`; no token is ever in a line.
 */
import { isRobotsDisallowedRefusal } from '../capabilities';
import type { RegistryLoginResult } from '../quay/registry';
import { QuayApiError } from '../quay/errors';
import { exactTime } from '../time';
import { clusterReport, type ClusterScan } from './clusters';
import type { Applied, NotRotated } from './engine';
import { notScannedSection, scanFigure } from './notScanned';
import { describeEncoding, type Usage, type WorkspaceScan } from './places';
import { errorMessage } from '../log';

/** `accepted`, `refused: …` (with why when ROBOTS_DISALLOW refuses every robot), or `could not be checked: …`. */
export function loginLine(result: RegistryLoginResult, disallowedExplanation?: string): string {
  switch (result.kind) {
    case 'ok':
      return 'accepted';
    case 'refused':
      // ROBOTS_DISALLOW refuses every robot's login: say so, rather than let it read as a wrong token.
      if (disallowedExplanation !== undefined && isRobotsDisallowedRefusal(result.message)) return `refused: ${result.message} ${disallowedExplanation}`;
      return `refused: ${result.message}`;
    case 'failed':
      return `could not be checked: ${result.error.message}`;
  }
}

export interface RotationReportInput {
  readonly title: string;
  readonly instanceUrl: string;
  readonly at: Date;
  readonly outcome: Applied;
  readonly scan: WorkspaceScan;
  /** Places the user did not tick. */
  readonly unticked: readonly Usage[];
  readonly clusters?: ClusterScan;
  /** The successor's steps, as report lines. */
  readonly steps?: readonly string[];
  /** The "Update the vault, then refresh" section (Markdown lines), and how many of those ExternalSecrets still render the old token. */
  readonly externalSecrets?: { readonly lines: readonly string[]; readonly left: number };
  /** Recent use of the old token (usage logs). */
  readonly pulls: readonly string[];
  /** Said after a login refused for ROBOTS_DISALLOW. */
  readonly disallowedExplanation?: string;
}

export interface RotationReport {
  /** Markdown, one element per line; server text in them is still to be made visible (`visibleText`) by the caller. */
  readonly lines: string[];
  /** `<title>: N places updated, M left. The registry accepts the new token and refuses the old one.` */
  readonly summary: string;
  /** A planned file or Secret failed: Finish Rotation is offered. */
  readonly failed: boolean;
}

export function rotationReport(r: RotationReportInput, displayPath: (file: string) => string): RotationReport {
  const o = r.outcome;
  const where = (u: Usage): string => `\`${displayPath(u.file)}:${u.usage.line}:${u.usage.column}\` ${describeEncoding(u.usage)}`;
  const secretsUpdated = o.secrets.filter((s) => s.outcome === 'updated').length;
  const secretsLeft = (r.clusters?.matches.length ?? 0) - secretsUpdated;
  const filesLeft = o.applied.failed.length + r.unticked.length + r.scan.nonUpdatable.length;
  const logins = [`${o.pending.newUser} with the new token: ${loginLine(o.newLogin, r.disallowedExplanation)}`];
  if (o.oldLogin !== undefined) logins.push(`${o.pending.oldUser} with the old token: ${loginLine(o.oldLogin, r.disallowedExplanation)}`);
  const lines = [
    `# ${r.title}`,
    '',
    `${r.instanceUrl} · ${exactTime(r.at)} · ${scanFigure(r.scan.filesScanned, r.scan.notScanned)}`,
    '',
    ...(r.steps !== undefined ? ['## Steps', '', ...r.steps.map((s) => `- ${s}`), ''] : []),
    // The counts of these two headings are places in files; the cluster Secrets have their own section.
    `## Files updated (${o.applied.updated.length})`,
    '',
    ...o.applied.updated.map((u) => `- ${where(u)}`),
    ...o.applied.rescanned.map((f) => `- \`${displayPath(f)}\` changed after the scan: scanned again and edited on its current text`),
    ...o.applied.unsaved.map((f) => `- \`${displayPath(f)}\` had unsaved changes: edited, not saved`),
    '',
    `## Files left (${filesLeft})`,
    '',
    ...o.applied.failed.map((f) => `- \`${displayPath(f.file)}\` failed: ${f.reason.replace(/\s+/g, ' ').trim()} — run "Quay: Finish Rotation"`),
    ...r.unticked.map((u) => `- ${where(u)} (not ticked)`),
    ...r.scan.nonUpdatable.map((n) => `- \`${displayPath(n.file)}:${n.line}\` ${n.kind}${n.secretName !== undefined ? ` of Secret ${n.secretName}` : ''}: cannot be updated from here`),
    '',
    ...notScannedSection(r.scan.notScanned, displayPath),
    ...clusterReport(r.clusters, o.secrets),
    ...(r.externalSecrets?.lines ?? []),
    '## Registry login',
    '',
    ...logins.map((l) => `- ${l}`),
    '',
    '## Recent use of the old token (usage logs, 7 days)',
    '',
    ...(r.pulls.length > 0 ? r.pulls.map((p) => `- ${p}`) : ['- none recorded']),
    '',
  ];
  const disallowed = o.newLogin.kind === 'refused' && isRobotsDisallowedRefusal(o.newLogin.message);
  // Refused for ROBOTS_DISALLOW says nothing about the old token.
  const oldRefused = o.oldLogin === undefined || (o.oldLogin.kind === 'refused' && !isRobotsDisallowedRefusal(o.oldLogin.message));
  const tail = disallowed
    ? ' (no robot may log in: ROBOTS_DISALLOW is set on this Quay)'
    : o.oldLogin !== undefined
      ? oldRefused
        ? ' and refuses the old one'
        : ' but still accepts the old one'
      : '';
  const summary = `${r.title}: ${o.applied.updated.length + secretsUpdated} places updated, ${filesLeft + secretsLeft + (r.externalSecrets?.left ?? 0)} left. The registry ${o.newLogin.kind === 'ok' ? 'accepts' : 'does not accept'} the new token${tail}.`;
  return { lines, summary, failed: o.journalKept };
}

/** Why the rotation did not start, with Quay's own message, and whether the old token still works. */
/** How the editor names the way to finish; the command line passes its own `quay-robots rotate --finish …`. */
const FINISH_IN_EDITOR = '"Quay: Finish Rotation"';

export function notRotatedMessage(o: NotRotated, finish = FINISH_IN_EDITOR): string {
  const e = o.error;
  const why = `${errorMessage(e)}${e instanceof QuayApiError && e.userHint !== undefined ? ` ${e.userHint}` : ''}`;
  if (o.oldTokenWorks) {
    const proof = o.oldLogin !== undefined ? ' (a registry login with it was accepted)' : '';
    return `${why} Nothing was changed: the old token of ${o.pending.oldUser} still works${proof}.`;
  }
  const login = o.oldLogin !== undefined ? `a registry login with the old token: ${loginLine(o.oldLogin)}` : 'the old token could not be checked';
  return `${why} Quay may have regenerated the token of ${o.pending.oldUser} before the answer was lost (${login}). Nothing was edited; run ${finish} to update the places with the current token.`;
}

/** Finish Rotation found no place with the old token. */
export function nothingFoundMessage(oldUser: string, notSearched: readonly string[], finish = FINISH_IN_EDITOR): string {
  if (notSearched.length === 0) return `No place stores the old token of ${oldUser} any more: the rotation is finished.`;
  const shown = notSearched.slice(0, 5).join('; ');
  const more = notSearched.length > 5 ? ` and ${notSearched.length - 5} more` : '';
  return `No searched place stores the old token of ${oldUser}, but ${notSearched.length} could not be searched and may: ${shown}${more}. The rotation stays pending: check them, then run ${finish} again.`;
}
