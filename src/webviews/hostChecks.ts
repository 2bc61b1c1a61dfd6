/**
 * What a host accepts from its page beyond the message's shape (security review 2026-12, finding 9): a page is
 * HTML and script the host does not control once it runs, so a message may name only what the host itself sent
 * it. The matrix takes principals and repositories from its own data and the current role (`from`) from its own
 * copy, never the page's; the robot page acts only on the repositories, teams and trust entries it loaded. No
 * `vscode` here: test/unit/webviews checks these in plain Node.
 */
import { classify } from '../core/bulk/plan';
import type { MatrixChange } from '../core/matrix/accessMatrix';
import type { MatrixData } from '../core/matrix/model';
import type { FederationRow, FromMatrixPage, RobotHostMessage } from './protocol';

type CellChange = Extract<FromMatrixPage, { readonly type: 'review' }>['changes'][number];

export type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };

/**
 * The page's pending cells as changes of the host's matrix: each principal must be a row of that kind and each
 * repository a column of `data`, and `from` is the row's role in `data` (what the page was sent), whatever the
 * page says. One unknown cell refuses the whole review: a message is never half-used.
 */
export function matrixChangesFromPage(data: MatrixData | undefined, changes: readonly CellChange[]): Checked<MatrixChange[]> {
  if (data === undefined) return { ok: false, problem: 'the matrix is not loaded' };
  const repositories = new Set(data.repositories);
  const rows = new Map(data.rows.map((r) => [`${r.kind}\n${r.name}`, r] as const));
  const out: MatrixChange[] = [];
  for (const ch of changes) {
    const row = rows.get(`${ch.kind}\n${ch.principal}`);
    if (row === undefined) return { ok: false, problem: `${ch.kind === 'team' ? 'team' : 'robot'} ${JSON.stringify(ch.principal)} is not a row of the matrix` };
    if (!repositories.has(ch.repository)) return { ok: false, problem: `repository ${JSON.stringify(ch.repository)} is not a column of the matrix` };
    const from = row.grants.find(([repository]) => repository === ch.repository)?.[1];
    const to = ch.to ?? undefined;
    out.push({ kind: row.kind, principal: row.name, repository: ch.repository, from, to, action: classify(from, to) });
  }
  return { ok: true, value: out };
}

/** What the robot page was sent: undefined while a section is loading or after it failed. */
export interface RobotPageLoaded {
  readonly repositories?: readonly string[];
  readonly teams?: readonly string[];
  readonly federation?: readonly FederationRow[];
}

/**
 * Why the robot page's request names something it was not sent (undefined: it may be acted on). A role change
 * and a revocation need a repository of the loaded permissions (a new grant goes through Grant…, which asks on
 * its own), leaving a team one of the loaded teams, removing trust one of the loaded entries.
 */
export function robotRequestProblem(loaded: RobotPageLoaded, m: RobotHostMessage): string | undefined {
  switch (m.type) {
    case 'setRole':
    case 'revoke':
      return loaded.repositories?.includes(m.repository) === true ? undefined : `repository ${JSON.stringify(m.repository)} is not among the robot's loaded permissions`;
    case 'removeFromTeam':
      return loaded.teams?.includes(m.team) === true ? undefined : `team ${JSON.stringify(m.team)} is not among the robot's loaded teams`;
    case 'removeFederation':
      return loaded.federation?.some((f) => f.issuer === m.issuer && f.subject === m.subject) === true ? undefined : 'this trust entry is not among the robot\'s loaded entries';
    default:
      return undefined;
  }
}
