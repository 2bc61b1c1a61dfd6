/**
 * Presets for a federation entry (contract §6.1): the issuer and subject forms of common OIDC issuers, each
 * with an explanation, and the git-remote parsing that fills in the repository for CI presets.
 */
import type { FederationEntry } from '../quay/types';
import { hasControlChars } from '../serverText';

export type PresetId = 'kubernetes' | 'githubActions' | 'gitlabCi' | 'keycloak' | 'spiffe';

/** A proposed entry and what it means. */
export interface EntryForm {
  readonly label: string;
  readonly entry: FederationEntry;
  readonly explanation: string;
}

export interface IssuerHint {
  readonly label: string;
  /** The issuer's form, placeholders in angle brackets. */
  readonly issuer: string;
  readonly note?: string;
}

// ----- git remotes ---------------------------------------------------------------------------------

export interface GitRemote {
  /** Lower-case host without port or credentials, e.g. `github.com`. */
  readonly host: string;
  /** Everything before the repository name: `owner`, or `group/subgroup` on GitLab. */
  readonly owner: string;
  /** Without `.git`. */
  readonly repo: string;
  /** `owner/repo`. */
  readonly path: string;
}

/**
 * `https://github.com/owner/repo.git`, `git@github.com:owner/repo.git`, `ssh://git@host:22/group/sub/repo`,
 * `git://host/owner/repo` → host, owner and repository. Credentials in the URL are dropped. Undefined for
 * anything else (local paths, a single path segment).
 */
export function parseGitRemote(remote: string): GitRemote | undefined {
  const text = remote.trim();
  let host: string;
  let path: string;
  const scp = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/\/)(.+)$/.exec(text);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return undefined;
    }
    if (!['https:', 'http:', 'ssh:', 'git:', 'git+ssh:', 'ssh+git:'].includes(url.protocol)) return undefined;
    host = url.hostname;
    path = decodeURIComponent(url.pathname);
  } else if (scp !== null) {
    host = scp[1] ?? '';
    path = scp[2] ?? '';
  } else return undefined;
  const segments = path.replace(/\/+$/, '').replace(/\.git$/, '').split('/').filter((s) => s !== '');
  const repo = segments.pop();
  if (repo === undefined || segments.length === 0 || host === '') return undefined;
  const owner = segments.join('/');
  return { host: host.toLowerCase(), owner, repo, path: `${owner}/${repo}` };
}

/** Why `value` names no GitHub repository (`owner/repo`, or its git remote URL); undefined when it does. */
export function githubRepositoryProblem(value: string): string | undefined {
  return /^[^/\s]+\/[^/\s]+$/.test(value.trim()) || parseGitRemote(value) !== undefined ? undefined : 'owner/repo, or the repository URL';
}

/** `refs/heads/x` → `x`: builders take branch and tag names, and tolerate full refs. */
const shortRef = (ref: string, kind: 'heads' | 'tags'): string => ref.trim().replace(new RegExp(`^refs/${kind}/`), '');

// ----- Kubernetes / OpenShift -----------------------------------------------------------------------

export const KUBERNETES_ISSUER_HINTS: readonly IssuerHint[] = [
  { label: 'Amazon EKS', issuer: 'https://oidc.eks.<region>.amazonaws.com/id/<cluster-id>' },
  { label: 'Google GKE', issuer: 'https://container.googleapis.com/v1/projects/<project>/locations/<location>/clusters/<cluster>' },
  { label: 'Azure AKS', issuer: 'https://<region>.oic.prod-aks.azure.com/<tenant-id>/<cluster-guid>/' },
  { label: 'OpenShift (ROSA with STS)', issuer: 'https://oidc.op1.openshiftapps.com/<id>' },
  {
    label: 'OpenShift and other clusters by default',
    issuer: 'https://kubernetes.default.svc',
    note: 'Reachable only inside the cluster: Quay outside it cannot fetch the keys. Publish a public service account issuer (OpenShift: spec.serviceAccountIssuer of authentication.config.openshift.io/cluster).',
  },
];

/** The subject of a ServiceAccount's tokens: `system:serviceaccount:<namespace>:<name>`. */
export function serviceAccountSubject(namespace: string, serviceAccount: string): string {
  return `system:serviceaccount:${namespace.trim()}:${serviceAccount.trim()}`;
}

/**
 * The ServiceAccount a `system:serviceaccount:<namespace>:<name>` subject names. Neither part may hold whitespace
 * or a control character: a subject stored as `…:prod:puller\ntouch ~/PWNED #` names no ServiceAccount.
 */
export function serviceAccountOf(subject: string): { readonly namespace: string; readonly name: string } | undefined {
  if (hasControlChars(subject)) return undefined;
  const m = /^system:serviceaccount:([^:\s]+):([^:\s]+)$/.exec(subject);
  return m !== null ? { namespace: m[1] ?? '', name: m[2] ?? '' } : undefined;
}

export function kubernetesEntry(issuer: string, namespace: string, serviceAccount: string): EntryForm {
  return {
    label: 'Kubernetes service account',
    entry: { issuer, subject: serviceAccountSubject(namespace, serviceAccount) },
    explanation:
      "Tokens of the service account in that namespace (a projected service account token). The issuer is the cluster's service account issuer (kubectl get --raw /.well-known/openid-configuration); Quay must be able to fetch its discovery document and keys.",
  };
}

// ----- GitHub Actions -------------------------------------------------------------------------------

export const GITHUB_ACTIONS_ISSUER = 'https://token.actions.githubusercontent.com';

export interface GithubSubjectOptions {
  readonly branch?: string;
  readonly environment?: string;
  readonly tag?: string;
}

/** The subject forms of a GitHub Actions token for `owner/repo` (`repository` may be a git remote URL). */
export function githubActionsEntries(repository: string | GitRemote, options: GithubSubjectOptions = {}): EntryForm[] {
  const path = typeof repository === 'string' ? (parseGitRemote(repository)?.path ?? repository.trim()) : repository.path;
  const base = `repo:${path}`;
  const form = (label: string, subject: string, explanation: string): EntryForm => ({ label, entry: { issuer: GITHUB_ACTIONS_ISSUER, subject }, explanation });
  const out: EntryForm[] = [];
  if (options.branch !== undefined && options.branch.trim() !== '') {
    out.push(form('Branch', `${base}:ref:refs/heads/${shortRef(options.branch, 'heads')}`, 'Workflow runs on pushes to this branch (and other events on it) that use no environment. A job with an environment gets the environment form instead.'));
  }
  if (options.environment !== undefined && options.environment.trim() !== '') {
    out.push(form('Environment', `${base}:environment:${options.environment.trim()}`, 'Jobs that declare this deployment environment, whatever the branch: the environment replaces the ref in the subject.'));
  }
  out.push(form('Pull request', `${base}:pull_request`, 'Workflows triggered by pull_request events (any pull request of the repository, forks included where they may run workflows).'));
  if (options.tag !== undefined && options.tag.trim() !== '') {
    out.push(form('Tag', `${base}:ref:refs/tags/${shortRef(options.tag, 'tags')}`, 'Workflow runs for this tag, e.g. a release.'));
  }
  return out;
}

// ----- GitLab CI --------------------------------------------------------------------------------------

export const GITLAB_COM_ISSUER = 'https://gitlab.com';

/** GitLab's id_token subject for a branch (or a tag) of `group/project`; the issuer is gitlab.com or the remote's host. */
export function gitlabCiEntry(repository: string | GitRemote, ref: { readonly branch: string } | { readonly tag: string }): EntryForm {
  const remote = typeof repository === 'string' ? parseGitRemote(repository) : repository;
  const path = remote?.path ?? (typeof repository === 'string' ? repository.trim() : '');
  const issuer = remote === undefined || remote.host === 'gitlab.com' ? GITLAB_COM_ISSUER : `https://${remote.host}`;
  const [type, name] = 'branch' in ref ? ['branch', shortRef(ref.branch, 'heads')] : ['tag', shortRef(ref.tag, 'tags')];
  return {
    label: `GitLab CI ${type}`,
    entry: { issuer, subject: `project_path:${path}:ref_type:${type}:ref:${name}` },
    explanation: `Jobs of ${path} running for the ${type} ${name} (id_tokens in .gitlab-ci.yml). Self-managed GitLab issues tokens with its own URL as issuer.`,
  };
}

// ----- Keycloak -----------------------------------------------------------------------------------------

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function keycloakEntry(host: string, realm: string, serviceAccountUserId: string): EntryForm & { readonly warning?: string } {
  const origin = /^https?:\/\//i.test(host.trim()) ? host.trim().replace(/\/+$/, '') : `https://${host.trim().replace(/\/+$/, '')}`;
  const subject = serviceAccountUserId.trim();
  return {
    label: 'Keycloak client (service account)',
    entry: { issuer: `${origin}/realms/${realm.trim()}`, subject },
    explanation:
      "Tokens a Keycloak client obtains with its service account (client credentials). The subject is the id of the client's service-account user (a UUID, shown under Service account roles → the user), not the client's name.",
    ...(UUID.test(subject) ? {} : { warning: `"${subject}" is not a UUID: Keycloak puts the service-account user's id in sub, not the client id or the user name (service-account-<client>).` }),
  };
}

// ----- SPIFFE / SPIRE ----------------------------------------------------------------------------------

export function spiffeEntry(discoveryProviderUrl: string, trustDomain: string, namespace: string, serviceAccount: string): EntryForm {
  return {
    label: 'SPIFFE ID (SPIRE)',
    entry: { issuer: discoveryProviderUrl.trim(), subject: `spiffe://${trustDomain.trim()}/ns/${namespace.trim()}/sa/${serviceAccount.trim()}` },
    explanation:
      "JWT-SVIDs of that workload. The issuer is the URL of SPIRE's OIDC discovery provider (it must serve the discovery document and keys to Quay); the subject is the workload's SPIFFE ID.",
  };
}
