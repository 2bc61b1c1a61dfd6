import { TtlPromiseCache } from './cache';
import type { InstanceConfig } from './instances';
import { errorMessage, type Logger } from './log';
import type { QuayClient } from './quay/client';
import { QuayApiError } from './quay/errors';
import type { Permission, Repository, RepositoryPage, RepositoryRef, Role } from './quay/types';

/** Whether a robot can pull from a repository, as Quay answers it. */
export type PullCheck =
  | { readonly kind: 'can'; readonly roles: readonly Role[]; readonly isPublic: boolean }
  | { readonly kind: 'cannot' }
  /** The question could not be answered (no admin rights, repository not visible, network…): no warning. */
  | { readonly kind: 'unknown'; readonly reason: string };

/** A robot that can pull a repository: directly, or as a member of a team. */
export interface Puller {
  readonly robot: string;
  readonly role: Role;
  readonly team?: string;
}

export interface RepositoryFacts {
  readonly repository: Repository | undefined;
  readonly pullers: readonly Puller[] | undefined;
  /** Why `pullers` is missing (typically: the token is not an admin of the organization). */
  readonly pullersProblem?: string;
}

/** How long an answer is trusted: permissions may change in Quay's UI meanwhile. */
const TTL_MS = 60_000;

/**
 * Answers the editor features' questions about Quay repositories (can this robot pull? who can?), each at
 * most once a minute per repository: diagnostics re-run as the user types and must not hit the API each time.
 * A command that changes a permission calls `invalidate`.
 */
export class RepositoryAccess {
  /** Answers by `instance|namespace/name|question`, a minute each; a failure is not remembered: the next question asks again. */
  private readonly pullChecks: TtlPromiseCache<string, PullCheck>;
  private readonly repositoryFacts: TtlPromiseCache<string, RepositoryFacts>;
  /** Per namespace, the repositories listed so far and the pages not read yet. */
  private readonly listings = new Map<string, { at: number; byName: Map<string, Repository>; pages: AsyncGenerator<RepositoryPage, void> | undefined; done: Promise<void> }>();

  constructor(
    /** The client of an instance (by URL). */
    private readonly client: (instanceUrl: string) => QuayClient,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.pullChecks = new TtlPromiseCache(TTL_MS, now);
    this.repositoryFacts = new TtlPromiseCache(TTL_MS, now);
  }

  /** Forgets what is known about one repository of an instance (after a permission change). */
  invalidate(instance: InstanceConfig, repo: RepositoryRef): void {
    const prefix = `${instance.url}|${repo.namespace}/${repo.name}|`;
    for (const answers of [this.pullChecks, this.repositoryFacts]) answers.deleteWhere((key) => key.startsWith(prefix));
    this.listings.delete(`${instance.url}|${repo.namespace}|index`);
  }

  /** Can `robot` (`ns+name`) pull `repo`? Direct and team grants count, and anyone can pull a public repository. */
  canPull(instance: InstanceConfig, repo: RepositoryRef, robot: string): Promise<PullCheck> {
    return this.pullChecks.get(`${instance.url}|${repo.namespace}/${repo.name}|pull|${robot}`, async (): Promise<PullCheck> => {
      const client = this.client(instance.url);
      try {
        const roles = await client.getTransitivePermissions(repo, robot);
        if (roles.length > 0) return { kind: 'can', roles, isPublic: false };
      } catch (error) {
        // 404 is Quay's answer for "no access" (and for an unknown robot or repository).
        if (!QuayApiError.is(error, 'notFound')) {
          this.logger.debug(`Could not check ${robot} on ${repo.namespace}/${repo.name} at ${instance.url}: ${errorMessage(error)}`);
          return { kind: 'unknown', reason: errorMessage(error) };
        }
      }
      const found = await this.repository(instance, repo).catch(() => undefined);
      if (found === undefined) return { kind: 'unknown', reason: `${repo.namespace}/${repo.name} is not a repository the token can see` };
      return found.isPublic ? { kind: 'can', roles: [], isPublic: true } : { kind: 'cannot' };
    });
  }

  /**
   * The repository as listed in its namespace (visibility, description); undefined when the token cannot see it.
   * Pages are read only until the name turns up (an organization may have thousands), and later questions
   * about the same namespace go on from there.
   */
  async repository(instance: InstanceConfig, repo: RepositoryRef): Promise<Repository | undefined> {
    const key = `${instance.url}|${repo.namespace}|index`;
    let listing = this.listings.get(key);
    if (listing === undefined || this.now() - listing.at >= TTL_MS) {
      listing = { at: this.now(), byName: new Map(), pages: this.client(instance.url).listRepositories({ namespace: repo.namespace, public: true }), done: Promise.resolve() };
      this.listings.set(key, listing);
    }
    const l = listing;
    // One reader of the pages at a time.
    const read = l.done.then(async () => {
      while (!l.byName.has(repo.name) && l.pages !== undefined) {
        const page = await l.pages.next();
        if (page.done === true) l.pages = undefined;
        else for (const r of page.value.repositories) if (r.namespace === repo.namespace) l.byName.set(r.name, r);
      }
    });
    l.done = read.catch(() => {
      // A failed page: the next question starts the listing again.
      if (this.listings.get(key) === l) this.listings.delete(key);
    });
    await read;
    return l.byName.get(repo.name);
  }

  /** The repository, and the robots that can pull it (direct grants, then team grants through members). */
  facts(instance: InstanceConfig, repo: RepositoryRef): Promise<RepositoryFacts> {
    return this.repositoryFacts.get(`${instance.url}|${repo.namespace}/${repo.name}|facts`, async (): Promise<RepositoryFacts> => {
      const client = this.client(instance.url);
      const pullers = async (): Promise<Omit<RepositoryFacts, 'repository'>> => {
        try {
          const [users, teams] = await Promise.all([client.listRepoUserPermissions(repo), client.listRepoTeamPermissions(repo)]);
          const direct: Puller[] = users.filter((p) => p.kind === 'robot').map((p) => ({ robot: p.name, role: p.role }));
          const viaTeams = await Promise.all(
            teams.map(async (t: Permission) => (await client.listTeamMembers(repo.namespace, t.name)).filter((m) => m.isRobot).map((m) => ({ robot: m.name, role: t.role, team: t.name }))),
          );
          return { pullers: [...direct, ...viaTeams.flat()] };
        } catch (error) {
          return { pullers: undefined, pullersProblem: errorMessage(error) };
        }
      };
      // Both at once; a repository listing that fails leaves the repository unknown, not the whole answer.
      const [repository, who] = await Promise.all([this.repository(instance, repo).catch(() => undefined), pullers()]);
      return { repository, ...who };
    });
  }
}
