import { obj, optBool, optStr } from './parse';
import { repoDisplay, repoPath, seg } from './paths';
import type { Transport } from './transport';
import type { CallOptions, RepositoryRef } from './types';

/**
 * Mirror configurations, read only (quay/quay `ffba0c70`, unchanged since v3.18.0): enough to tell which mirror
 * pushes with a robot, since Quay refuses to delete such a robot (`endpoints/api/robot.py` `OrgRobot.delete`:
 * `robot_has_mirror` → 400 "Robot is being used by a mirror").
 */

/** What a mirror configuration says about its robot. */
export interface MirrorConfig {
  /** `robot_username`: the full robot name, or undefined when the mirror has none. */
  readonly robot: string | undefined;
  readonly enabled: boolean;
  /** Where it mirrors from: a repository mirror's `external_reference`, an organization mirror's `external_registry_url` + `external_namespace`. */
  readonly source: string | undefined;
}

/**
 * `GET /api/v1/repository/{repo}/mirror` — `endpoints/api/mirror.py` `RepoMirrorResource.get`: repository admin
 * (a token with `repo:admin`), else 403; 404 (problem-JSON) when the repository has no mirror, and also when
 * `FEATURE_REPO_MIRROR` is off (the path then names a repository `<name>/mirror`, which does not exist).
 */
export function getRepoMirror(t: Transport, repo: RepositoryRef, options: CallOptions = {}): Promise<MirrorConfig> {
  return t.call(
    {
      method: 'GET',
      path: `/api/v1/repository/${repoPath(repo)}/mirror`,
      operation: {
        action: 'read the mirror configuration of',
        object: repoDisplay(repo),
        hints: { forbidden: `Reading the mirror configuration of ${repoDisplay(repo)} needs admin rights on the repository and a token with the repo:admin scope.`, notFound: 'The repository has no mirror.' },
      },
      signal: options.signal,
    },
    (body) => {
      const o = obj(body, '');
      return { robot: optStr(o, 'robot_username', ''), enabled: optBool(o, 'is_enabled', '') ?? true, source: optStr(o, 'external_reference', '') };
    },
  );
}

/**
 * `GET /api/v1/organization/{org}/mirror` — `endpoints/api/org_mirror.py` `OrgMirrorConfig.get` (Quay 3.17+,
 * `FEATURE_ORG_MIRROR`): organization admin, else 403; 404 when the organization has no mirror, and Flask's HTML
 * 404 on a Quay without organization mirroring.
 */
export function getOrgMirror(t: Transport, org: string, options: CallOptions = {}): Promise<MirrorConfig> {
  return t.call(
    {
      method: 'GET',
      path: `/api/v1/organization/${seg(org)}/mirror`,
      operation: {
        action: 'read the organization mirror of',
        object: org,
        hints: { forbidden: `Reading the organization mirror of ${org} needs organization admin rights and a token with the org:admin scope.`, notFound: 'The organization has no mirror.' },
      },
      signal: options.signal,
    },
    (body) => {
      const o = obj(body, '');
      const url = optStr(o, 'external_registry_url', '');
      const ns = optStr(o, 'external_namespace', '');
      return { robot: optStr(o, 'robot_username', ''), enabled: optBool(o, 'is_enabled', '') ?? true, source: url === undefined ? undefined : ns === undefined ? url : `${url.replace(/\/+$/, '')}/${ns}` };
    },
  );
}
