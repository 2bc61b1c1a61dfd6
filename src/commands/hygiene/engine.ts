/**
 * The one place the editor calls the headless hygiene review (`src/core/hygiene/`): the gatherer and the nine checks,
 * the shape-based credential recogniser used offline, and the exports. Everything else of the editor side (the
 * report page, diagnostics, quick fixes, tree marks) works on {@link Finding}s and does not know how they are made.
 */
import type { Finding } from '../../core/hygiene/types';
import type { InstanceConfig } from '../../core/instances';
import type { Kubectl } from '../../core/k8s/kubectl';
import type { QuayClient } from '../../core/quay/client';

export interface ReviewInput {
  readonly client: QuayClient;
  readonly instance: InstanceConfig;
  readonly org: string;
  /** Workspace folders (absolute paths) whose files are read for pull secrets and committed tokens. */
  readonly roots: readonly string[];
  /** Whether git may run (trusted workspace): committed-token needs to know what git tracks. */
  readonly runGit: boolean;
  /** kubeconfig contexts chosen for the review (none: clusters are not read). */
  readonly contexts: readonly string[];
  readonly kubectl: Kubectl;
  readonly signal: AbortSignal;
  /** What the review reads now, for the progress notification and the page. */
  readonly progress: (message: string) => void;
}

export interface ReviewOutput {
  readonly findings: readonly Finding[];
  /** What the review could not examine, said once for the whole review. */
  readonly notes: readonly string[];
  readonly requests?: number;
  readonly robots?: number;
}

/** A robot credential recognised by its shape in a text, offline. */
export interface RecognisedCredential {
  /** `namespace+short`. */
  readonly robot: string;
  /** The registry host the credential is for, when the text says (a `.dockerconfigjson` key). */
  readonly host?: string;
  /** 1-based. */
  readonly line: number;
  readonly column: number;
  /** Length of the text that holds it (for the diagnostic's range). */
  readonly length: number;
  readonly encoding: string;
}

export async function reviewOrganization(input: ReviewInput): Promise<ReviewOutput> {
  input.progress(input.org);
  return Promise.reject(new Error('The hygiene checks are not part of this build yet.'));
}

export function recogniseCredentials(_text: string): RecognisedCredential[] {
  return [];
}

export type ExportFormat = 'markdown' | 'json' | 'sarif';

export function exportFindings(_format: ExportFormat, _findings: readonly Finding[], _meta: { readonly org: string; readonly host: string; readonly at: Date }): string {
  throw new Error('The hygiene exports are not part of this build yet.');
}
