import type { Namespace } from '../core/quay/types';
import { hostOf } from '../core/instances';

/**
 * Stable node ids (`quay://<host>/org/<org>/robot/<name>`), built in one place so commands can name the
 * nodes a change touches and refresh exactly those.
 */
const e = encodeURIComponent;

export const nodeIds = {
  instance: (instanceUrl: string) => `quay://${hostOf(instanceUrl)}`,
  namespace: (instanceUrl: string, ns: Namespace) => `${nodeIds.instance(instanceUrl)}/${ns.kind}/${e(ns.name)}`,
  robots: (instanceUrl: string, ns: Namespace) => `${nodeIds.namespace(instanceUrl, ns)}/robots`,
  robot: (instanceUrl: string, ns: Namespace, shortName: string) => `${nodeIds.namespace(instanceUrl, ns)}/robot/${e(shortName)}`,
  repositories: (instanceUrl: string, ns: Namespace) => `${nodeIds.namespace(instanceUrl, ns)}/repos`,
  repository: (instanceUrl: string, ns: Namespace, name: string) => `${nodeIds.namespace(instanceUrl, ns)}/repo/${e(name)}`,
  prototypes: (instanceUrl: string, ns: Namespace) => `${nodeIds.namespace(instanceUrl, ns)}/prototypes`,
  teams: (instanceUrl: string, ns: Namespace) => `${nodeIds.namespace(instanceUrl, ns)}/teams`,
  team: (instanceUrl: string, ns: Namespace, team: string) => `${nodeIds.namespace(instanceUrl, ns)}/team/${e(team)}`,
  // Cache keys of a node's loads, below its id: refreshing the node (LoadCache.invalidate) forgets them too.
  /** A repository's permissions (`nodeIds.repository`). */
  access: (repositoryId: string) => `${repositoryId}/access`,
  /** A team's members (`nodeIds.team`). */
  members: (teamId: string) => `${teamId}/members`,
  /** A robot's keyless trust entries (`nodeIds.robot`). */
  federation: (robotId: string) => `${robotId}/federation`,
  /** A robot's repository permissions (`nodeIds.robot`). */
  permissions: (robotId: string) => `${robotId}/permissions`,
};
