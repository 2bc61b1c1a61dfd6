import type { Role } from '../quay/types';

/**
 * The access matrix of an organization (AGENTS.md "Access matrix"): rows are its robots (and optionally its teams), columns its
 * repositories, each cell the row's direct role. This file is shared with the webview bundle: types and plain data
 * only, no Node or `vscode`.
 */

export type MatrixRowKind = 'robot' | 'team';

export interface MatrixRowId {
  readonly kind: MatrixRowKind;
  /** Full robot name (`org+short`) or team name. Unique in a matrix: robot names contain `+`, team names cannot. */
  readonly name: string;
}

export interface MatrixRow extends MatrixRowId {
  /**
   * Direct grants as `[repository, role]` pairs (a list rather than an object: a repository may be called
   * `__proto__`). Team-derived access of a robot is not a direct grant and is not shown (contract §3.2).
   */
  readonly grants: readonly (readonly [string, Role])[];
}

export interface MatrixData {
  readonly org: string;
  /** Repository names (without namespace), sorted. */
  readonly repositories: readonly string[];
  /** Robots first (by name), then teams (by name) when they were asked for. */
  readonly rows: readonly MatrixRow[];
}
