import type { Role } from '../quay/types';

export type ChangeAction = 'add' | 'upgrade' | 'downgrade' | 'unchanged' | 'remove';

export interface PlannedChange {
  readonly repository: string;
  readonly from: Role | undefined;
  readonly to: Role | undefined;
  readonly action: ChangeAction;
}

const RANK: Record<Role, number> = { read: 1, write: 2, admin: 3 };

/** What setting `to` on a repository whose current role is `from` would do. `to` undefined = revoke. */
export function classify(from: Role | undefined, to: Role | undefined): ChangeAction {
  if (to === undefined) return from === undefined ? 'unchanged' : 'remove';
  if (from === undefined) return 'add';
  if (from === to) return 'unchanged';
  return RANK[to] > RANK[from] ? 'upgrade' : 'downgrade';
}

/**
 * The plan of a bulk change: one entry per repository, from the current direct roles. Running it applies only
 * the entries that change something, so running the same bulk action twice changes nothing the second time.
 */
export function planBulk(repositories: readonly string[], current: ReadonlyMap<string, Role>, to: Role | undefined): PlannedChange[] {
  return [...new Set(repositories)]
    .sort((a, b) => a.localeCompare(b))
    .map((repository) => {
      const from = current.get(repository);
      return { repository, from, to, action: classify(from, to) };
    });
}

export function summarizePlan(plan: readonly PlannedChange[]): Record<ChangeAction, number> {
  const counts: Record<ChangeAction, number> = { add: 0, upgrade: 0, downgrade: 0, unchanged: 0, remove: 0 };
  for (const change of plan) counts[change.action]++;
  return counts;
}

/** "3 to add, 1 to upgrade, 12 unchanged": the plan in one line, zero counts left out. */
export function describePlan(plan: readonly PlannedChange[]): string {
  const c = summarizePlan(plan);
  const parts = [
    c.add > 0 ? `${c.add} to add` : '',
    c.upgrade > 0 ? `${c.upgrade} to upgrade` : '',
    c.downgrade > 0 ? `${c.downgrade} to downgrade` : '',
    c.remove > 0 ? `${c.remove} to revoke` : '',
    c.unchanged > 0 ? `${c.unchanged} unchanged` : '',
  ].filter((p) => p !== '');
  return parts.length > 0 ? parts.join(', ') : 'nothing to do';
}
