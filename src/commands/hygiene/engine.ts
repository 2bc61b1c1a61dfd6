/**
 * The one place the editor calls the headless hygiene review (`src/core/hygiene/`): the gatherer, the nine checks
 * and the exports. The offline credential recogniser of file diagnostics is core's `recogniseCredentials`. Everything
 * else of the editor side (the report page, diagnostics, quick fixes, tree marks) works on {@link Finding}s and does
 * not know how they are made.
 */
import { isAbsolute, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runChecks } from '../../core/hygiene/checks';
import { toJsonLines, toMarkdown, toSarif } from '../../core/hygiene/export';
import { gatherClusters } from '../../core/hygiene/clusters';
import { gatherQuay } from '../../core/hygiene/gather';
import { DEFAULT_SETTINGS, type ClusterInputs, type WorkspaceInputs } from '../../core/hygiene/inputs';
import type { Finding } from '../../core/hygiene/types';
import { gatherWorkspace } from '../../core/hygiene/workspace';
import { instanceHost, type InstanceConfig } from '../../core/instances';
import type { Kubectl } from '../../core/k8s/kubectl';
import type { QuayClient } from '../../core/quay/client';
import { exactTime } from '../../core/time';

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
  /** `quay.rotation.maxTokenAgeDays`. */
  readonly maxTokenAgeDays: number;
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

/** How each gathering phase reads in the progress notification. */
function phaseText(org: string, phase: 'robots' | 'permissions' | 'logs' | 'token ages', done: number, total: number): string {
  const of = total > 1 ? ` (${done}/${total})` : '';
  switch (phase) {
    case 'robots':
      return `Reading the robots, teams and default permissions of ${org}`;
    case 'permissions':
      return `Reading repository roles${of}`;
    case 'logs':
      return `Reading usage logs of robots that can push${of}`;
    case 'token ages':
      return `Reading token ages${of}`;
  }
}

/**
 * The review of one organization as the editor runs it: Quay within the budget of `gatherQuay`, then the workspace
 * folders (robot tokens listed by Quay name credentials written without a robot name), then the chosen clusters,
 * then the nine checks. Cancellation (the signal) stops it between requests.
 */
export async function reviewOrganization(input: ReviewInput): Promise<ReviewOutput> {
  const { org, signal } = input;
  const host = instanceHost(input.instance);
  const lookbackDays = DEFAULT_SETTINGS.lookbackDays;
  const quay = await gatherQuay(input.client, {
    host,
    org,
    now: new Date(),
    lookbackDays,
    signal,
    onProgress: (phase, done, total) => input.progress(phaseText(org, phase, done, total)),
  });
  signal.throwIfAborted();
  const knownTokens = new Map<string, string>();
  for (const r of quay.robots) if (r.tokenFingerprint !== undefined) knownTokens.set(r.tokenFingerprint, r.name);
  let workspace: WorkspaceInputs | undefined;
  if (input.roots.length > 0) {
    input.progress('Reading the workspace');
    workspace = await gatherWorkspace({ roots: input.roots, runGit: input.runGit, knownTokens, signal, onProgress: (n) => input.progress(`Reading the workspace (${n} files)`) });
  }
  signal.throwIfAborted();
  let clusters: ClusterInputs | undefined;
  if (input.contexts.length > 0) {
    input.progress(`Reading pull Secrets in ${input.contexts.join(', ')}`);
    clusters = await gatherClusters(input.kubectl, input.contexts);
  }
  signal.throwIfAborted();
  const findings = runChecks({ quay, ...(workspace !== undefined ? { workspace } : {}), ...(clusters !== undefined ? { clusters } : {}) }, { ...DEFAULT_SETTINGS, lookbackDays, maxTokenAgeDays: input.maxTokenAgeDays });
  const notes = [
    ...quay.notes,
    ...(input.roots.length === 0 ? ['No workspace folder is open: committed tokens and pull secrets in files were not examined.'] : []),
    ...(workspace?.notExamined ?? []).map((f) => `Not read: ${f}`),
    ...(clusters?.problems ?? []).map((p) => `Cluster ${p.context}${p.namespace !== undefined ? ` namespace ${p.namespace}` : ''}: ${p.reason}`),
  ];
  return { findings, notes, requests: quay.requests, robots: quay.robots.length };
}

export type ExportFormat = 'markdown' | 'json' | 'sarif';

export interface ExportMeta {
  readonly org: string;
  readonly host: string;
  readonly at: Date;
  readonly notes: readonly string[];
  /** The workspace folder (absolute path): file paths under it are written relative to it (SARIF's `SRCROOT`). */
  readonly root?: string;
}

/** A finding with its file paths relative to `root` where they lie under it (a ticket or a CI upload names repository paths). */
function relativeTo(root: string | undefined, f: Finding): Finding {
  const files = f.evidence.files;
  if (root === undefined || files === undefined) return f;
  const rel = files.map((file) => {
    const r = relative(root, file.path);
    return r !== '' && !r.startsWith('..') && !isAbsolute(r) ? { ...file, path: r.split(sep).join('/') } : file;
  });
  return { ...f, evidence: { ...f.evidence, files: rel } };
}

/** The last review as a file: hygcore's Markdown (a review ticket), JSON lines (as `quay-robots audit`) or SARIF 2.1.0. */
export function exportFindings(format: ExportFormat, findings: readonly Finding[], meta: ExportMeta): string {
  const shown = findings.map((f) => relativeTo(meta.root, f));
  switch (format) {
    case 'markdown':
      return toMarkdown(shown, { title: `Robot hygiene review of ${meta.org}`, subtitle: `${meta.host} / ${meta.org}, ${exactTime(meta.at)}`, notes: meta.notes });
    case 'json':
      return toJsonLines(shown);
    case 'sarif':
      return `${JSON.stringify(toSarif(shown, meta.root !== undefined ? { srcRoot: `${pathToFileURL(meta.root).href.replace(/\/?$/, '/')}` } : {}), null, 2)}\n`;
  }
}
