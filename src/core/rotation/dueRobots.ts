import type { QuayClient } from '../quay/client';
import type { Namespace, Robot } from '../quay/types';
import { isOverdue, type TokenAge } from './tokenAge';
import type { TokenAgeTracker } from './tokenAgeTracker';

export interface DueRobot {
  readonly instanceUrl: string;
  readonly namespace: Namespace;
  readonly robot: Robot;
  readonly age: TokenAge;
  /** The robot trusts an OIDC issuer: its workloads may pull keyless, with one-hour tokens. */
  readonly federated: boolean;
}

export interface DueScan {
  readonly due: readonly DueRobot[];
  /** Robots whose age the logs could not settle within the budget (neither overdue nor known fresh). */
  readonly undecided: number;
  /** Namespaces that could not be read, with why (no admin rights, network…). */
  readonly problems: readonly { readonly instanceUrl: string; readonly namespace: string; readonly error: unknown }[];
}

/**
 * The robots of every namespace the user administers whose token is older than `maxDays`, across instances.
 * Ages come from the shared tracker (cached an hour, at most 20 requests a namespace); only overdue robots are
 * asked for their federation (one request each).
 */
export async function dueRobots(
  instances: readonly { readonly url: string }[],
  client: (url: string) => QuayClient,
  tracker: TokenAgeTracker,
  now: Date,
  maxDays: number,
  signal?: AbortSignal,
): Promise<DueScan> {
  const due: DueRobot[] = [];
  const problems: { instanceUrl: string; namespace: string; error: unknown }[] = [];
  let undecided = 0;
  for (const instance of instances) {
    const c = client(instance.url);
    let namespaces: Namespace[];
    try {
      const user = await c.getCurrentUser({ signal });
      namespaces = [{ kind: 'user', name: user.username }, ...user.organizations.filter((o) => o.isOrgAdmin !== false).map((o): Namespace => ({ kind: 'org', name: o.name }))];
    } catch (error) {
      if (signal?.aborted === true) throw error;
      problems.push({ instanceUrl: instance.url, namespace: '', error });
      continue;
    }
    for (const ns of namespaces) {
      try {
        const robots = await c.listRobots(ns, { permissions: false, token: false }, { signal });
        if (robots.length === 0) continue;
        const { ages } = await tracker.ages(instance.url, ns, robots);
        const overdue = robots.flatMap((robot) => {
          const age = ages.get(robot.fullName);
          const verdict = age === undefined ? false : isOverdue(age, now, maxDays);
          if (verdict === undefined) undecided++;
          return verdict === true && age !== undefined ? [{ robot, age }] : [];
        });
        // The client's concurrency limit paces these.
        const federation = await Promise.all(overdue.map(({ robot }) => c.getFederation(ns, robot.shortName, { signal }).catch(() => [])));
        overdue.forEach(({ robot, age }, i) => due.push({ instanceUrl: instance.url, namespace: ns, robot, age, federated: (federation[i]?.length ?? 0) > 0 }));
      } catch (error) {
        if (signal?.aborted === true) throw error;
        problems.push({ instanceUrl: instance.url, namespace: ns.name, error });
      }
    }
  }
  return { due, undecided, problems };
}
