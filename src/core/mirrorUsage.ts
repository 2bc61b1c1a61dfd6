/**
 * Which mirrors push with a robot, found within a small request budget (AGENTS.md "Deleting a robot"): Quay refuses to delete a
 * robot a repository mirror uses ("Robot is being used by a mirror"), and deletes an organization mirror along with
 * its robot without a word. The delete modal, Retire Predecessor, the successor flow and the hygiene review ask
 * this before they delete or advise deleting.
 *
 * What Quay allows us to know cheaply (quay/quay `ffba0c70` = v3.18.0):
 * - A repository mirror's robot is a robot of the repository's namespace, and setting it up grants the robot
 *   `write` on the repository unless it already has write or admin (`endpoints/api/mirror.py`
 *   `_validate_robot_for_mirroring`, `_setup_robot_for_mirroring`). So the candidates are the repositories where
 *   the robot's own permission list (`GET …/robots/{r}/permissions`, one request) shows write or admin.
 * - Each candidate costs one `GET /repository/{repo}/mirror` (404 when it has no mirror). At most `budget` of
 *   them are read (default {@link DEFAULT_MIRROR_BUDGET}); the rest are reported as not examined.
 * - An organization has at most one organization mirror (3.17+): one `GET /organization/{org}/mirror`.
 * So a check costs at most `budget + 2` requests. A mirror whose robot lost its write permission afterwards is
 * not found this way: the result says so in {@link MirrorUsage.limits}, and Quay's own refusal remains the truth.
 */
import { QuayApiError } from './quay/errors';
import type { MirrorConfig } from './quay/mirrors';
import type { CallOptions, Namespace, RepositoryRef, RobotPermission } from './quay/types';
import { splitRobotName } from './robotName';
import { errorMessage } from './log';

/** Mirror configurations read at most per check (plus one permission list and one organization mirror). */
export const DEFAULT_MIRROR_BUDGET = 10;

/** What the check needs of a client (a `QuayClient` fits). */
export interface MirrorClient {
  getRobotPermissions(ns: Namespace, name: string, options?: CallOptions): Promise<readonly RobotPermission[]>;
  getRepoMirror(repo: RepositoryRef, options?: CallOptions): Promise<MirrorConfig>;
  getOrgMirror(org: string, options?: CallOptions): Promise<MirrorConfig>;
}

export interface RepositoryMirrorUse {
  /** `namespace/name`. */
  readonly repository: string;
  readonly enabled: boolean;
  /** Where it mirrors from (`external_reference`). */
  readonly source: string | undefined;
}

export interface NotExamined {
  /** `namespace/name`, or undefined when the whole kind could not be examined (e.g. the permission list). */
  readonly repository?: string;
  /** `organization` when it is the organization mirror that could not be read. */
  readonly what: 'repository' | 'permissions' | 'organization';
  readonly reason: string;
}

export interface MirrorUsage {
  /** Repository mirrors that push with the robot: Quay refuses to delete it while any exists. */
  readonly repositories: readonly RepositoryMirrorUse[];
  /** The organization mirror runs with the robot: Quay deletes that mirror with the robot. */
  readonly organizationMirror: { readonly org: string; readonly enabled: boolean; readonly source: string | undefined } | undefined;
  /** What could not be read: too many candidates for the budget, refused requests, unreachable instance. */
  readonly notExamined: readonly NotExamined[];
  /** Requests made. */
  readonly requests: number;
  /** Always true: what this check cannot see however large the budget (see the module comment). */
  readonly limits: string;
}

export interface MirrorCheckOptions extends CallOptions {
  /** Mirror configurations to read at most (default {@link DEFAULT_MIRROR_BUDGET}). */
  readonly budget?: number;
}

export const MIRROR_CHECK_LIMITS =
  "Only repositories where the robot has write or admin permission are examined (Quay grants a mirror's robot write when the mirror is set up).";

function reasonOf(error: unknown): string {
  if (error instanceof QuayApiError) return error.serverMessage !== undefined ? `${error.serverMessage} (HTTP ${error.status ?? '?'})` : error.message;
  return errorMessage(error);
}

/** A 404 means "no mirror here" (also on a Quay without the feature); anything else is a question left open. */
function isNoMirror(error: unknown): boolean {
  return QuayApiError.is(error, 'notFound');
}

/**
 * The mirrors of `namespace` that push with `robot` (full `ns+short` or short name), reading at most
 * `budget` repository mirror configurations. Never throws for a refused or failed request: it lands in
 * `notExamined`. A cancelled signal rejects.
 */
export async function mirrorsUsingRobot(client: MirrorClient, namespace: Namespace, robot: string, options: MirrorCheckOptions = {}): Promise<MirrorUsage> {
  const budget = Math.max(0, Math.floor(options.budget ?? DEFAULT_MIRROR_BUDGET));
  const fullName = robot.includes('+') ? robot : `${namespace.name}+${robot}`;
  const short = splitRobotName(fullName).shortName;
  const call: CallOptions = options.signal !== undefined ? { signal: options.signal } : {};
  const notExamined: NotExamined[] = [];
  let requests = 0;

  const orgCheck = async (): Promise<MirrorUsage['organizationMirror']> => {
    if (namespace.kind !== 'org') return undefined;
    requests++;
    try {
      const m = await client.getOrgMirror(namespace.name, call);
      return m.robot === fullName ? { org: namespace.name, enabled: m.enabled, source: m.source } : undefined;
    } catch (error) {
      options.signal?.throwIfAborted();
      if (!isNoMirror(error)) notExamined.push({ what: 'organization', reason: reasonOf(error) });
      return undefined;
    }
  };

  const repoCheck = async (): Promise<RepositoryMirrorUse[]> => {
    let grants: readonly RobotPermission[];
    requests++;
    try {
      grants = await client.getRobotPermissions(namespace, short, call);
    } catch (error) {
      options.signal?.throwIfAborted();
      notExamined.push({ what: 'permissions', reason: reasonOf(error) });
      return [];
    }
    // write before admin (the mirror's own grant is write), then by name: stable and cheapest first.
    const candidates = grants
      .filter((g) => g.role === 'write' || g.role === 'admin')
      .sort((a, b) => (a.role === b.role ? a.repository.localeCompare(b.repository) : a.role === 'write' ? -1 : 1))
      .map((g) => g.repository);
    const examined = candidates.slice(0, budget);
    for (const repository of candidates.slice(budget)) {
      notExamined.push({ what: 'repository', repository: `${namespace.name}/${repository}`, reason: `beyond the budget of ${budget} mirror reads` });
    }
    const found = await Promise.all(
      examined.map(async (name): Promise<RepositoryMirrorUse | undefined> => {
        requests++;
        try {
          const m = await client.getRepoMirror({ namespace: namespace.name, name }, call);
          return m.robot === fullName ? { repository: `${namespace.name}/${name}`, enabled: m.enabled, source: m.source } : undefined;
        } catch (error) {
          options.signal?.throwIfAborted();
          if (!isNoMirror(error)) notExamined.push({ what: 'repository', repository: `${namespace.name}/${name}`, reason: reasonOf(error) });
          return undefined;
        }
      }),
    );
    return found.filter((f): f is RepositoryMirrorUse => f !== undefined);
  };

  const [organizationMirror, repositories] = await Promise.all([orgCheck(), repoCheck()]);
  return { repositories, organizationMirror, notExamined, requests, limits: MIRROR_CHECK_LIMITS };
}

/** Quay's refusal to delete a robot a repository mirror uses (`endpoints/api/robot.py`, 400 problem-JSON). */
export function isMirrorRefusal(error: unknown): error is QuayApiError {
  return QuayApiError.is(error, 'invalidRequest') && /being used by a mirror/i.test(error.serverMessage ?? '');
}
