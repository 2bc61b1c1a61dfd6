/**
 * The robot hygiene review's vocabulary: the robot guide's eight best practices, the checks that test them and
 * the findings they report. Shared by the headless checks (`src/core/hygiene/`), the editor's report page and
 * diagnostics, and `quay-robots audit` / `scan-secrets`. Plain data: every field is JSON-serialisable, so a
 * finding is the same object in the webview, in the JSON/SARIF/Markdown exports and on the command line.
 */

import type { Role } from '../quay/types';

/** The robot guide's eight best practices, in the guide's order. */
export const PRACTICES = [
  'one-robot-per-environment',
  'least-privilege',
  'rotate-quarterly',
  'no-org-wide-permissions',
  'eso-for-production',
  'audit-regularly',
  'descriptive-names',
  'never-commit-tokens',
] as const;
export type Practice = (typeof PRACTICES)[number];

/** One id per check; stable: exports, SARIF rule ids and `--fail-on` filters use them. */
export const CHECK_IDS = [
  'pull-secret-can-write',
  'write-never-pushed',
  'unused-robot',
  'org-wide-permission',
  'shared-across-environments',
  'token-overdue',
  'static-token-in-production',
  'non-descriptive-name',
  'committed-token',
] as const;
export type CheckId = (typeof CHECK_IDS)[number];

/** Which practice each check tests. */
export const CHECK_PRACTICE: Readonly<Record<CheckId, Practice>> = {
  'pull-secret-can-write': 'least-privilege',
  'write-never-pushed': 'least-privilege',
  'unused-robot': 'audit-regularly',
  'org-wide-permission': 'no-org-wide-permissions',
  'shared-across-environments': 'one-robot-per-environment',
  'token-overdue': 'rotate-quarterly',
  'static-token-in-production': 'eso-for-production',
  'non-descriptive-name': 'descriptive-names',
  'committed-token': 'never-commit-tokens',
};

/** Ordered: `info` < `warning` < `error` (`--fail-on` compares with `SEVERITIES.indexOf`). */
export const SEVERITIES = ['info', 'warning', 'error'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** A place in a workspace file (1-based line and column, as editors and SARIF count). */
export interface FileLocation {
  /** Relative to the scanned root on the command line; absolute in the editor. */
  readonly path: string;
  readonly line: number;
  readonly column: number;
  /** How the credential or reference is written there (e.g. `raw`, `auth`, `dockerconfigjson`, `imagePullSecrets`). */
  readonly encoding?: string;
}

/** A Secret (or a Pod spec's pull-secret reference) in a cluster. */
export interface ClusterLocation {
  readonly context: string;
  readonly namespace: string;
  readonly name: string;
}

/** What a log-based finding rests on: the window read and what it showed. */
export interface LogEvidence {
  /** ISO dates (UTC days, inclusive) of the logs examined. */
  readonly from: string;
  readonly to: string;
  /** Counts per log kind in that window, e.g. `{ push_repo: 0, pull_repo: 12 }`. */
  readonly counts: Readonly<Record<string, number>>;
  /** What could not be examined (budget spent, Quay's range limit, logs unavailable), said instead of guessed. */
  readonly notExamined?: string;
}

export interface Evidence {
  /** Repositories and the robot's role on each, where the finding is about grants. */
  readonly repositories?: readonly { readonly repository: string; readonly role: Role }[];
  readonly files?: readonly FileLocation[];
  readonly clusters?: readonly ClusterLocation[];
  readonly logs?: LogEvidence;
  /** Teams (with their role) or default permissions the finding is about. */
  readonly teams?: readonly { readonly team: string; readonly role: string }[];
  readonly prototypes?: readonly { readonly id: string; readonly role: Role }[];
  /** Environments a shared credential was seen in. */
  readonly environments?: readonly string[];
  /** Token age in days, where known; `bounded` when only "not rotated since" is known. */
  readonly tokenAgeDays?: number;
  readonly tokenAgeBounded?: boolean;
}

/** The fix on offer; the editor maps each kind to an existing plan → apply → report flow. */
export type FixKind =
  | 'downgrade-to-read'
  | 'pull-only-successor'
  | 'delete-robot'
  | 'revoke-grants'
  | 'delete-default-permission'
  | 'remove-from-team'
  | 'split-per-environment'
  | 'rotate'
  | 'keyless-external-secret'
  | 'descriptive-successor'
  | 'rotate-and-dereference';

export interface Fix {
  readonly kind: FixKind;
  /** One sentence for people: what the fix does. */
  readonly label: string;
}

export interface Finding {
  readonly check: CheckId;
  readonly severity: Severity;
  /** Quay host (`quay.example.com`), or the host found in a file for offline `committed-token` findings. */
  readonly host?: string;
  readonly namespace: string;
  /** Full robot name `namespace+short`. */
  readonly robot: string;
  /** One sentence. */
  readonly message: string;
  readonly evidence: Evidence;
  readonly fix?: Fix;
}
