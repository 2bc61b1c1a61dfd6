/** Pages of Quay's web UI, for "Reveal in Quay". */
const e = encodeURIComponent;

export const webUrls = {
  org: (base: string, org: string) => `${base}/organization/${e(org)}`,
  user: (base: string, user: string) => `${base}/user/${e(user)}`,
  namespaceTab: (base: string, ns: { kind: 'org' | 'user'; name: string }, tab: string) =>
    `${ns.kind === 'org' ? webUrls.org(base, ns.name) : webUrls.user(base, ns.name)}?tab=${tab}`,
  repository: (base: string, fullName: string) => `${base}/repository/${fullName.split('/').map(e).join('/')}`,
  team: (base: string, org: string, team: string) => `${base}/organization/${e(org)}/teams/${e(team)}`,
};
