import { classify, type PlannedChange } from '../bulk/plan';
import type { Role } from '../quay/types';
import type { MatrixData, MatrixRow, MatrixRowKind } from './model';

/**
 * The matrix as the page edits it: the roles Quay holds, the pending changes over them, and the filters. Plain
 * TypeScript (shared by the webview bundle and the Node unit tests); rows and repositories are addressed by name.
 */

/** One pending cell as a bulk plan entry, with the row it belongs to. */
export interface MatrixChange extends PlannedChange {
  readonly kind: MatrixRowKind;
  /** Full robot name or team name. */
  readonly principal: string;
}

/** `[row, repository, role or null for none]`: the pending changes in a form `setState` can keep. */
export type PendingEntry = readonly [string, string, Role | null];

export interface MatrixFilter {
  /** Case-insensitive substring of the row name (full robot name or team name). */
  readonly row: string;
  /** Case-insensitive substring of the repository name. */
  readonly repository: string;
  /** Only repositories on which some robot has a direct grant. */
  readonly onlyAccessedRepositories: boolean;
  /** Only rows without any direct grant. */
  readonly onlyRowsWithoutAccess: boolean;
  /** Show the organization's teams below the robots (when they were loaded). */
  readonly teams: boolean;
}

export const NO_FILTER: MatrixFilter = { row: '', repository: '', onlyAccessedRepositories: false, onlyRowsWithoutAccess: false, teams: true };

/** What a click does: none → read → write → admin → none. */
export function nextRole(role: Role | undefined): Role | undefined {
  switch (role) {
    case undefined:
      return 'read';
    case 'read':
      return 'write';
    case 'write':
      return 'admin';
    case 'admin':
      return undefined;
  }
}

interface RowState {
  readonly kind: MatrixRowKind;
  readonly name: string;
  roles: Map<string, Role>;
}

export class AccessMatrix {
  readonly org: string;
  readonly repositories: readonly string[];
  private readonly rowList: RowState[];
  private readonly rowsByName = new Map<string, RowState>();
  /** row name → repository → wanted role (`null` = none). Only cells that differ from Quay's role. */
  private readonly pending = new Map<string, Map<string, Role | null>>();
  private pendingCount = 0;
  /** Repositories on which some robot has a direct grant (for the "only accessed" filter). */
  private accessed = new Set<string>();

  constructor(data: MatrixData) {
    this.org = data.org;
    this.repositories = data.repositories;
    this.rowList = data.rows.map((r) => ({ kind: r.kind, name: r.name, roles: new Map(r.grants) }));
    for (const r of this.rowList) this.rowsByName.set(r.name, r);
    this.recomputeAccessed();
  }

  get rows(): readonly { readonly kind: MatrixRowKind; readonly name: string }[] {
    return this.rowList;
  }

  /** The role Quay holds (as loaded). */
  current(row: string, repository: string): Role | undefined {
    return this.rowsByName.get(row)?.roles.get(repository);
  }

  /** The role the cell shows: the pending one where there is one, else Quay's. */
  role(row: string, repository: string): Role | undefined {
    const wanted = this.pending.get(row)?.get(repository);
    return wanted === undefined ? this.current(row, repository) : (wanted ?? undefined);
  }

  isChanged(row: string, repository: string): boolean {
    return this.pending.get(row)?.has(repository) === true;
  }

  get changeCount(): number {
    return this.pendingCount;
  }

  /** Sets the role a cell should have; setting Quay's own role drops the pending change. Unknown rows are ignored. */
  set(row: string, repository: string, role: Role | undefined): void {
    if (!this.rowsByName.has(row)) return;
    let cells = this.pending.get(row);
    const had = cells?.has(repository) === true;
    if (role === this.current(row, repository)) {
      if (had) {
        cells?.delete(repository);
        this.pendingCount--;
        if (cells?.size === 0) this.pending.delete(row);
      }
      return;
    }
    if (cells === undefined) this.pending.set(row, (cells = new Map<string, Role | null>()));
    cells.set(repository, role ?? null);
    if (!had) this.pendingCount++;
  }

  /** A click: the next role in the cycle. Returns the role the cell now shows. */
  cycle(row: string, repository: string): Role | undefined {
    const role = nextRole(this.role(row, repository));
    this.set(row, repository, role);
    return role;
  }

  /** One role on every cell of a selected range. */
  setRange(rows: readonly string[], repositories: readonly string[], role: Role | undefined): void {
    for (const row of rows) for (const repository of repositories) this.set(row, repository, role);
  }

  discard(): void {
    this.pending.clear();
    this.pendingCount = 0;
  }

  /** The pending changes as bulk plan entries, by row then repository. */
  changes(): MatrixChange[] {
    const out: MatrixChange[] = [];
    for (const row of this.rowList) {
      const cells = this.pending.get(row.name);
      if (cells === undefined) continue;
      for (const [repository, wanted] of [...cells].sort(([a], [b]) => a.localeCompare(b))) {
        const from = row.roles.get(repository);
        const to = wanted ?? undefined;
        out.push({ kind: row.kind, principal: row.name, repository, from, to, action: classify(from, to) });
      }
    }
    return out;
  }

  pendingEntries(): PendingEntry[] {
    return [...this.pending].flatMap(([row, cells]) => [...cells].map(([repo, role]) => [row, repo, role] as const));
  }

  restorePending(entries: readonly PendingEntry[]): void {
    for (const [row, repo, role] of entries) this.set(row, repo, role ?? undefined);
  }

  /**
   * Rows reloaded from Quay after an apply: their roles are replaced, and a pending change that Quay now holds is
   * dropped (one that failed stays pending and highlighted).
   */
  replaceRows(rows: readonly MatrixRow[]): void {
    for (const fresh of rows) {
      const row = this.rowsByName.get(fresh.name);
      if (row === undefined) continue;
      row.roles = new Map(fresh.grants);
      for (const [repo, wanted] of [...(this.pending.get(row.name) ?? [])]) this.set(row.name, repo, wanted ?? undefined);
    }
    this.recomputeAccessed();
  }

  /** The rows and repositories the filter keeps, as indices into `rows` and `repositories`. Reads Quay's roles, not pending ones, so rows do not vanish while being edited. */
  filter(f: MatrixFilter): { rows: number[]; columns: number[] } {
    const rowText = f.row.trim().toLowerCase();
    const repoText = f.repository.trim().toLowerCase();
    const rows: number[] = [];
    this.rowList.forEach((r, i) => {
      if (r.kind === 'team' && !f.teams) return;
      if (rowText !== '' && !r.name.toLowerCase().includes(rowText)) return;
      if (f.onlyRowsWithoutAccess && r.roles.size > 0) return;
      rows.push(i);
    });
    const columns: number[] = [];
    this.repositories.forEach((repo, i) => {
      if (repoText !== '' && !repo.toLowerCase().includes(repoText)) return;
      if (f.onlyAccessedRepositories && !this.accessed.has(repo)) return;
      columns.push(i);
    });
    return { rows, columns };
  }

  private recomputeAccessed(): void {
    this.accessed = new Set(this.rowList.filter((r) => r.kind === 'robot').flatMap((r) => [...r.roles.keys()]));
  }
}
