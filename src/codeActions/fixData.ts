/**
 * What a quick fix of a pull-secret diagnostic carries to its command (`src/commands/manifests/`): plain data, so
 * the commands import only these types from the editor features.
 */

/** What the "Add trust for system:serviceaccount:…" quick fix needs, kept per diagnostic. */
export interface TrustFixData {
  readonly instanceUrl: string;
  readonly robot: string;
  readonly namespace: string;
  readonly serviceAccount: string;
}

/** What the "Grant read" quick fix needs, kept per diagnostic. */
export interface CannotPullData {
  readonly instanceUrl: string;
  readonly namespace: string;
  readonly repository: string;
  readonly robot: string;
  readonly secret: string;
}
