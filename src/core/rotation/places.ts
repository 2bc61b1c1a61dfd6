/**
 * The places a rotation updates, as the plan lists them and the places port applies them: the same types for the
 * editor (a `WorkspaceEdit`) and the command line (the file system).
 */
import type { FileVaultExternalSecret } from './externalSecrets';
import type { NonUpdatable, ScannedFile } from './finder';
import type { TextUsage, UsageEncoding } from './match';
import type { NotScanned } from './notScanned';

/** One place the old credentials are stored, as the plan lists it. */
export interface Usage {
  readonly file: string;
  readonly usage: TextUsage;
  /** Inside a workspace folder (ticked by default), or a user-level credential file (unticked). */
  readonly inWorkspace: boolean;
}

/** A vault-backed ExternalSecret found in a file. */
export type WorkspaceExternalSecret = FileVaultExternalSecret & { readonly file: string };

export interface WorkspaceScan {
  readonly usages: readonly Usage[];
  readonly files: ReadonlyMap<string, ScannedFile>;
  readonly nonUpdatable: readonly NonUpdatable[];
  /** Vault-backed ExternalSecrets of the robot: update the vault, then refresh. */
  readonly externalSecrets: readonly WorkspaceExternalSecret[];
  readonly filesScanned: number;
  /** What the scan could not search (too large, unreadable, skipped): listed in the plan and the report. */
  readonly notScanned: NotScanned;
}

export interface ApplyResult {
  /** Places updated, by file. */
  readonly updated: readonly Usage[];
  /** Files changed since the scan: scanned again before editing. */
  readonly rescanned: readonly string[];
  /** Files that could not be edited, with why. */
  readonly failed: readonly { readonly file: string; readonly reason: string }[];
  /** Files edited but left unsaved (they had unsaved changes before). */
  readonly unsaved: readonly string[];
}

const ENCODING_LABELS: Record<UsageEncoding, string> = {
  raw: 'token',
  auth: 'auth (base64 of user:token)',
  dockerconfigjson: 'Secret data (.dockerconfigjson, base64)',
  dockercfg: 'Secret data (.dockercfg, base64)',
  base64: 'base64 value',
};

export function describeEncoding(u: TextUsage): string {
  return ENCODING_LABELS[u.encoding] + (u.inner === 'auth' ? ' · auth inside' : '');
}

const samePlace = (a: Usage, b: Usage): boolean => a.file === b.file && a.usage.range.start === b.usage.range.start;

/** The scan's usages the user did not tick. */
export function untickedUsages(scan: WorkspaceScan, ticked: readonly Usage[]): Usage[] {
  return scan.usages.filter((u) => !ticked.some((t) => samePlace(t, u)));
}
