/**
 * What the hygiene checks read, gathered once (gather.ts from Quay, workspace.ts from files and git,
 * clusters.ts from kubectl) and then judged by pure functions (checks.ts). Plain data, so tests build
 * inputs by hand and a benchmark can compare two ways of gathering the same inputs.
 */
import type { Prototype, Role, TeamRole } from '../quay/types';
import type { TokenAge } from '../rotation/tokenAge';
import type { UsageEncoding } from '../rotation/match';
import type { EnvironmentPatterns } from './environments';
import { DEFAULT_ENVIRONMENT_PATTERNS } from './environments';

export interface HygieneSettings {
  /** Days of usage logs a "never pushed" or "unused" verdict rests on (default 90). */
  readonly lookbackDays: number;
  /** `quay.rotation.maxTokenAgeDays` (default 90). */
  readonly maxTokenAgeDays: number;
  readonly environmentPatterns: EnvironmentPatterns;
}

export const DEFAULT_SETTINGS: HygieneSettings = { lookbackDays: 90, maxTokenAgeDays: 90, environmentPatterns: DEFAULT_ENVIRONMENT_PATTERNS };

export interface Grant {
  readonly repository: string;
  readonly role: Role;
  /** The team the role comes through; undefined for a direct grant. */
  readonly team?: string;
}

export interface RobotFacts {
  /** `namespace+short`. */
  readonly name: string;
  readonly shortName: string;
  readonly description: string;
  readonly created: Date | undefined;
  readonly lastAccessed: Date | undefined;
  /** Fingerprint of the current token (credentials.ts), when Quay listed it. */
  readonly tokenFingerprint?: string;
  readonly teams: readonly string[];
  /** Direct grants with their roles, then grants through teams. */
  readonly grants: readonly Grant[];
}

/** What the usage logs said about one robot's pushes (and pulls, where read) in the look-back window. */
export interface RobotUsage {
  /** ISO days (UTC, inclusive) the verdict covers. */
  readonly from: string;
  readonly to: string;
  /** Counts per kind over the days examined; a kind is present only where it was counted. */
  readonly counts: Readonly<Record<string, number>>;
  /**
   * How it is known: the robot's own aggregate logs (`performer`), the organization's aggregate logs (no push by
   * anyone means none by this robot), or `last_accessed` (not used since before the window: no push possible).
   */
  readonly basis: 'robot-logs' | 'org-logs' | 'last-accessed';
  /** Days or windows not examined (budget, Quay's range limit, an answer that was not the robot's). */
  readonly notExamined?: string;
}

export interface QuayInputs {
  /** `host[:port]` of the instance. */
  readonly host: string;
  readonly org: string;
  readonly now: Date;
  /** The look-back window (ISO UTC days, inclusive). */
  readonly window: { readonly from: string; readonly to: string; readonly days: number };
  readonly robots: readonly RobotFacts[];
  readonly teams: readonly { readonly name: string; readonly role: TeamRole }[];
  /** Robots of each team (from the robot list's `teams`). */
  readonly prototypes: readonly Prototype[];
  /** For robots holding write or admin only. */
  readonly usage: ReadonlyMap<string, RobotUsage>;
  readonly tokenAges: ReadonlyMap<string, TokenAge>;
  /** False when Quay reports no `last_accessed` for any robot (FEATURE_USER_LAST_ACCESSED off, or nothing used). */
  readonly lastAccessedReported: boolean;
  /** Requests sent to Quay. */
  readonly requests: number;
  /** Things the review could not examine, said once (e.g. token ages beyond the budget). */
  readonly notes: readonly string[];
}

/** A robot credential written in a workspace file. */
export interface WorkspaceCredential {
  readonly robot: string;
  /** Registry host, when a Docker config names it. */
  readonly host?: string;
  readonly path: string;
  readonly line: number;
  readonly column: number;
  readonly encoding: UsageEncoding;
  readonly fingerprint: string;
  /** Whether git tracks the file; undefined outside a work tree or when git could not be asked. */
  readonly tracked: boolean | undefined;
}

/** A robot used for pulling in a workspace file: a pull Secret holding it, or an `imagePullSecrets` entry naming one. */
export interface WorkspacePullUsage {
  readonly robot: string;
  readonly host?: string;
  readonly path: string;
  readonly line: number;
  readonly column: number;
  readonly kind: 'secret' | 'imagePullSecrets';
  /** The Secret's name. */
  readonly secret?: string;
  /** `metadata.namespace` of the Secret or the workload, when written. */
  readonly namespace?: string;
}

export interface WorkspaceInputs {
  readonly roots: readonly string[];
  readonly credentials: readonly WorkspaceCredential[];
  readonly pullUsages: readonly WorkspacePullUsage[];
  readonly filesScanned: number;
  /** Files not read (too large, unreadable). */
  readonly notExamined: readonly string[];
}

export interface ClusterPullSecret {
  readonly context: string;
  readonly namespace: string;
  readonly name: string;
  readonly robot: string;
  /** `auths` key's host. */
  readonly host: string;
  /** `null`, `external-secrets`, or the owning controller (clusterSecrets.ts `managedBy`). */
  readonly managedBy: string | null;
}

export interface ClusterInputs {
  readonly contexts: readonly string[];
  readonly secrets: readonly ClusterPullSecret[];
  /** Contexts or namespaces that could not be read. */
  readonly problems: readonly { readonly context: string; readonly namespace?: string; readonly reason: string }[];
}

export interface HygieneInputs {
  readonly quay?: QuayInputs;
  readonly workspace?: WorkspaceInputs;
  readonly clusters?: ClusterInputs;
}
