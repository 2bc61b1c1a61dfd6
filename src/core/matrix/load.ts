import type { QuayClient } from '../quay/client';
import type { CallOptions } from '../quay/types';
import type { MatrixData, MatrixRow, MatrixRowId } from './model';

/** The client calls the loader needs (a `QuayClient` satisfies it; tests may pass their own). */
export type MatrixSource = Pick<QuayClient, 'listRobots' | 'getRobotPermissions' | 'listRepositories' | 'getOrganization' | 'listTeamPermissions'>;

const byName = (a: { name: string }, b: { name: string }): number => a.name.localeCompare(b.name);

/**
 * Loads the matrix with one robot listing (`permissions=true` names the repositories each robot has a direct grant
 * on, not the role), the repository pages (100 each), and the roles of each robot that has any grant (one request
 * per such row; robots without a repository cost nothing). With `teams`, one organization read plus one request per
 * team. Nothing is asked per cell. The robot listing goes first: for a member who is not an admin it is the only request.
 */
export async function loadMatrix(client: MatrixSource, org: string, options: { readonly teams?: boolean } & CallOptions = {}): Promise<MatrixData> {
  const ns = { kind: 'org', name: org } as const;
  const call = { signal: options.signal };
  const robots = await client.listRobots(ns, { permissions: true, token: false }, call);
  // Quay ignores `permissions=true` for members who are not admins: their list has no repositories, and every
  // robot's permissions would be refused one by one (contract §3.3).
  if (robots.some((r) => r.repositories === undefined)) {
    throw new Error(`The access matrix of ${org} needs organization admin rights: Quay lists robots' repositories to admins only.`);
  }
  const reposPromise = (async () => {
    const names: string[] = [];
    for await (const page of client.listRepositories({ namespace: org }, call)) names.push(...page.repositories.map((r) => r.name));
    return names.sort((a, b) => a.localeCompare(b));
  })();
  const teamsPromise = options.teams === true ? client.getOrganization(org, call).then((o) => o.teams.map((t) => t.name)) : Promise.resolve([]);
  const robotRows = Promise.all(
    robots.map((r) => (r.repositories?.length === 0 ? Promise.resolve({ kind: 'robot' as const, name: r.fullName, grants: [] }) : loadRow(client, org, { kind: 'robot', name: r.fullName }, call))),
  );
  const teamRows = teamsPromise.then((teams) => Promise.all(teams.map((name) => loadRow(client, org, { kind: 'team', name }, call))));
  const [repositories, robotList, teamList] = await Promise.all([reposPromise, robotRows, teamRows]);
  return { org, repositories, rows: [...robotList.sort(byName), ...teamList.sort(byName)] };
}

/** One row's direct grants from Quay: what the matrix reloads for the rows a change touched. */
export async function loadRow(client: MatrixSource, org: string, row: MatrixRowId, options: CallOptions = {}): Promise<MatrixRow> {
  const grants =
    row.kind === 'robot' ? await client.getRobotPermissions({ kind: 'org', name: org }, row.name, options) : await client.listTeamPermissions(org, row.name, options);
  return { kind: row.kind, name: row.name, grants: grants.map((g) => [g.repository, g.role] as const) };
}
