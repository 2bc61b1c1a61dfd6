/**
 * GitHub Actions keyless login to Quay (the token exchange of contract §6.2) as minimal edits of a workflow file:
 * - the job gets `permissions: id-token: write`, keeping the permissions it had. A job without its own
 *   permissions inherits the workflow's: they are copied into the job with `id-token: write`; a job with none
 *   at all had the defaults, which listing any permission removes, so `contents: read` is written too (with a
 *   comment saying why);
 * - a step requests the job's OIDC token for an audience, exchanges it at Quay's
 *   `/oauth2/federation/robot/token`, masks both tokens and logs in with `--password-stdin`. It goes before
 *   the first step that uses docker, podman, buildah or the Quay host, else after the last step.
 * Tokens never appear in a command line: curl reads its Authorization headers from standard input.
 */
import { isMap, isScalar, isSeq } from 'yaml';
import type { ParsedNode } from 'yaml';
import { blockYaml, yamlScalar } from '../k8s/blockYaml';
import { checkRobotName, registryHost } from '../k8s/credentials';
import { normalizeEdits } from './edits';
import type { TextEdit } from './edits';
import { documentRefusal, refusal } from './guards';
import type { Refusal } from './guards';
import { columnOf, contentEnd, directPair, flowStartOffset, lineAfter, seqDashOffsets, stringOf } from './nodes';
import type { MapNode, MapPair, SeqNode } from './nodes';
import type { ParsedManifests } from './parse';
import { blockStyleFor } from './style';
import { errorMessage } from '../log';

export const FEDERATION_TOKEN_PATH = '/oauth2/federation/robot/token';

/** The scopes `read-all` grants, listed so that `id-token: write` can be added to them. */
const READ_ALL_SCOPES = ['actions', 'attestations', 'checks', 'contents', 'deployments', 'discussions', 'issues', 'packages', 'pages', 'pull-requests', 'repository-projects', 'security-events', 'statuses'];

export const DEFAULTS_NOTE =
  'Listing permissions removes the defaults: contents: read keeps actions/checkout working; add what else the job needs.';

export interface WorkflowJob {
  readonly id: string;
  readonly node: MapNode;
  readonly keyOffset: number;
}

/** The jobs of a workflow (`jobs:` block map), in order. */
export function workflowJobs(parsed: ParsedManifests): WorkflowJob[] {
  const root = parsed.document(0)?.doc.contents;
  if (!isMap(root)) return [];
  const jobs = directPair(root, 'jobs')?.value;
  if (!isMap(jobs)) return [];
  return jobs.items.flatMap((p) => {
    const id = stringOf(p.key);
    return id !== undefined && isMap(p.value) && p.key !== null ? [{ id, node: p.value, keyOffset: p.key.range[0] }] : [];
  });
}

/** The branch a workflow runs on: the first literal `on.push.branches` entry, else `main`. */
export function workflowBranch(parsed: ParsedManifests): string {
  const root = parsed.document(0)?.doc.contents;
  const on = isMap(root) ? directPair(root, 'on')?.value : undefined;
  const push = isMap(on) ? directPair(on, 'push')?.value : undefined;
  const branches = isMap(push) ? directPair(push, 'branches')?.value : undefined;
  const names = isSeq(branches) ? branches.items.map((b) => stringOf(b)) : [];
  return names.find((b): b is string => b !== undefined && !/[*?[\]!]/.test(b)) ?? 'main';
}

/** Does this job's (or the workflow's) `permissions` give `id-token: write`? */
export function grantsIdToken(parsed: ParsedManifests, job: WorkflowJob): boolean {
  const own = directPair(job.node, 'permissions');
  const root = parsed.document(0)?.doc.contents;
  const value = own !== undefined ? own.value : isMap(root) ? directPair(root, 'permissions')?.value : undefined;
  if (value === undefined || value === null) return false;
  if (isScalar(value)) return value.value === 'write-all';
  return isMap(value) && stringOf(directPair(value, 'id-token')?.value ?? null) === 'write';
}

export interface PermissionPlan {
  readonly edits: TextEdit[];
  /** The job had no permissions anywhere: the defaults are replaced by `contents: read` + `id-token: write`. */
  readonly defaultsReplaced: boolean;
}

function pad(n: number): string {
  return ' '.repeat(n);
}

/** Lines `key: value` for the entries of a permissions map or scalar (`read-all` spelled out). */
function permissionEntries(value: ParsedNode | null | undefined): [string, string][] | undefined {
  if (value === undefined || value === null) return undefined;
  if (isScalar(value)) return value.value === 'read-all' ? READ_ALL_SCOPES.map((s) => [s, 'read']) : undefined;
  if (!isMap(value)) return undefined;
  return value.items.flatMap((p) => {
    const k = stringOf(p.key);
    const v = stringOf(p.value);
    return k !== undefined && v !== undefined && k !== 'id-token' ? [[k, v] as [string, string]] : [];
  });
}

/** Edits giving `job` `id-token: write` (none when it has it), or a refusal for a shape it cannot edit. */
export function planIdTokenPermission(parsed: ParsedManifests, job: WorkflowJob): PermissionPlan | Refusal {
  if (grantsIdToken(parsed, job)) return { edits: [], defaultsReplaced: false };
  const text = parsed.text;
  const eol = parsed.eol;
  const d = parsed.document(0);
  if (d === undefined) return refusal('no-target', 'The workflow is empty.');
  const style = blockStyleFor(parsed, 0, job.node);
  const own = directPair(job.node, 'permissions');
  const value = own?.value ?? null;
  if (own !== undefined && isMap(value)) {
    const existing = directPair(value, 'id-token');
    const v = existing?.value ?? null;
    if (v !== null) {
      return { edits: [{ offset: v.range[0], length: v.range[1] - v.range[0], text: 'write' }], defaultsReplaced: false };
    }
    if (value.flow === true) {
      const last = value.items[value.items.length - 1] as MapPair | undefined;
      if (last === undefined) {
        const open = flowStartOffset(value);
        return open === undefined ? refusal('unknown-shape', 'Cannot locate the permissions braces.') : { edits: [{ offset: open + 1, length: 0, text: 'id-token: write' }], defaultsReplaced: false };
      }
      const end = last.value !== null ? contentEnd(last.value) : last.key !== null ? contentEnd(last.key) : value.range[0];
      return { edits: [{ offset: end, length: 0, text: ', id-token: write' }], defaultsReplaced: false };
    }
    const first = value.items[0] as MapPair | undefined;
    if (first?.key === undefined || first.key === null) return refusal('unknown-shape', 'The job permissions are empty.');
    const col = columnOf(text, first.key.range[0]);
    const point = lineAfter(text, contentEnd(value), col);
    const line = `${pad(col)}id-token: write`;
    return { edits: [{ offset: point.offset, length: 0, text: point.needsBreak ? `${eol}${line}` : `${line}${eol}` }], defaultsReplaced: false };
  }
  // No usable job-level map: write one (replacing a scalar such as read-all, or an empty value).
  const root = d.doc.contents;
  const inherited = own !== undefined ? permissionEntries(value) : isMap(root) ? permissionEntries(directPair(root, 'permissions')?.value) : undefined;
  if (own !== undefined && value !== null && inherited === undefined && !(isScalar(value) && value.value === null)) {
    return refusal('unknown-shape', `permissions: ${stringOf(value) ?? '…'} cannot be extended; add id-token: write by hand.`);
  }
  const defaultsReplaced = inherited === undefined;
  const entries: [string, string][] = [...(inherited ?? [['contents', 'read']]), ['id-token', 'write']];
  const firstKey = (job.node.items[0] as MapPair | undefined)?.key;
  if (job.node.flow === true || firstKey === undefined || firstKey === null) return refusal('unknown-shape', `Job "${job.id}" is not a block mapping.`);
  const col = columnOf(text, firstKey.range[0]);
  const body = [
    ...(defaultsReplaced ? [`${pad(col)}# ${DEFAULTS_NOTE}`] : []),
    `${pad(col)}permissions:`,
    ...entries.map(([k, v]) => `${pad(col + style.indent)}${yamlScalar(k)}: ${yamlScalar(v)}`),
  ].join(eol);
  if (own !== undefined && own.key !== null) {
    // Replace the whole `permissions: <scalar>` pair.
    const start = own.key.range[0];
    const end = value !== null ? contentEnd(value) : contentEnd(own.key);
    return { edits: [{ offset: start - col, length: end - (start - col), text: body }], defaultsReplaced };
  }
  // Before `steps:` when the job has it, else as its last key.
  const steps = directPair(job.node, 'steps');
  if (steps !== undefined && steps.key !== null) {
    const at = steps.key.range[0] - col;
    return { edits: [{ offset: at, length: 0, text: `${body}${eol}` }], defaultsReplaced };
  }
  const point = lineAfter(text, contentEnd(job.node), col);
  return { edits: [{ offset: point.offset, length: 0, text: point.needsBreak ? `${eol}${body}` : `${body}${eol}` }], defaultsReplaced };
}

export interface LoginStepOptions {
  readonly host: string;
  readonly robot: string;
  /** The OIDC token's audience (default: the Quay host; Quay does not check it). */
  readonly audience?: string;
  /** `docker` (default) or `podman`. */
  readonly tool?: 'docker' | 'podman';
}

/** The step's mapping (name, env, run). Throws on invalid input. */
export function loginStep(o: LoginStepOptions): { [key: string]: string | { [key: string]: string } } {
  checkRobotName(o.robot);
  const host = registryHost(o.host);
  const tool = o.tool ?? 'docker';
  const run = [
    'set -euo pipefail',
    '# The job\'s OIDC token for the audience (needs permissions: id-token: write).',
    `oidc=$(printf 'Authorization: bearer %s\\n' "$ACTIONS_ID_TOKEN_REQUEST_TOKEN" | curl -sSf -H @- --get --data-urlencode "audience=$QUAY_AUDIENCE" "$ACTIONS_ID_TOKEN_REQUEST_URL" | jq -r .value)`,
    'echo "::add-mask::$oidc"',
    '# Exchanged at Quay for a robot token valid one hour (the robot must trust this repository).',
    `token=$(printf 'Authorization: Basic %s\\n' "$(printf '%s:%s' "$QUAY_ROBOT" "$oidc" | base64 -w0)" | curl -sSf -H @- "https://$QUAY_HOST${FEDERATION_TOKEN_PATH}" | jq -r .token)`,
    'echo "::add-mask::$token"',
    `printf '%s' "$token" | ${tool} login --username "$QUAY_ROBOT" --password-stdin "$QUAY_HOST"`,
    '',
  ].join('\n');
  return {
    name: `Log in to ${host} as ${o.robot} (keyless)`,
    env: { QUAY_HOST: host, QUAY_ROBOT: o.robot, QUAY_AUDIENCE: (o.audience ?? host).trim() || host },
    run,
  };
}

export interface GithubLoginPlan {
  readonly status: 'changed' | 'unchanged';
  readonly edits: readonly TextEdit[];
  readonly job: string;
  readonly defaultsReplaced: boolean;
  /** The branch for the trust subject `repo:<owner>/<repo>:ref:refs/heads/<branch>`. */
  readonly branch: string;
}

const USES_REGISTRY = /\b(?:docker|podman|buildah|skopeo)\b/;

/** Where the step goes: before the first step using a container tool or the host, else after the last step. */
function stepInsertion(parsed: ParsedManifests, steps: SeqNode, host: string): { offset: number; dashCol: number } | undefined {
  const text = parsed.text;
  const dashes = seqDashOffsets(steps);
  const firstDash = dashes[0];
  if (firstDash === undefined) return undefined;
  const dashCol = columnOf(text, firstDash);
  for (const [i, item] of steps.items.entries()) {
    const dash = dashes[i];
    const src = item !== null && 'range' in item ? text.slice((item).range[0], contentEnd(item)) : '';
    if (dash !== undefined && (USES_REGISTRY.test(src) || src.includes(host))) return { offset: dash - dashCol, dashCol };
  }
  const point = lineAfter(text, contentEnd(steps), dashCol);
  return { offset: point.needsBreak ? -1 : point.offset, dashCol };
}

/** Plan the permission and the login step for the job under `offset` (else the only job, else the first with steps). */
export function planGithubKeylessLogin(parsed: ParsedManifests, o: LoginStepOptions & { readonly offset?: number; readonly job?: string }): GithubLoginPlan | Refusal {
  const d = parsed.document(0);
  if (d === undefined) return refusal('no-target', 'The workflow is empty.');
  const problem = documentRefusal(parsed, d);
  if (problem !== undefined) return problem;
  const jobs = workflowJobs(parsed);
  const job =
    (o.job !== undefined ? jobs.find((j) => j.id === o.job) : undefined) ??
    (o.offset !== undefined ? jobs.find((j) => j.keyOffset <= (o.offset ?? 0) && (o.offset ?? 0) <= j.node.range[1]) : undefined) ??
    (jobs.length === 1 ? jobs[0] : jobs.find((j) => isSeq(directPair(j.node, 'steps')?.value)));
  if (job === undefined) return refusal('no-target', 'No job with steps in this workflow (jobs.<id>.steps).');
  const steps = directPair(job.node, 'steps')?.value;
  if (!isSeq(steps) || steps.flow === true) return refusal('unknown-shape', `Job "${job.id}" has no block list of steps.`);
  let step;
  try {
    step = loginStep(o);
  } catch (e) {
    return refusal('invalid-name', errorMessage(e));
  }
  const edits: TextEdit[] = [];
  const permission = planIdTokenPermission(parsed, job);
  if ('status' in permission) return permission;
  edits.push(...permission.edits);
  const host = registryHost(o.host);
  const already = steps.items.some((s) => s !== null && parsed.text.slice((s).range[0], contentEnd(s)).includes(FEDERATION_TOKEN_PATH));
  if (!already) {
    const at = stepInsertion(parsed, steps, host);
    if (at === undefined) return refusal('unknown-shape', 'Cannot locate the steps.');
    const style = blockStyleFor(parsed, 0, job.node);
    const lines = blockYaml(step, { indent: style.indent, indentSequences: true }).split('\n');
    const body = lines.map((l, i) => (l === '' ? '' : `${pad(at.dashCol)}${i === 0 ? '- ' : '  '}${l}`)).join(parsed.eol);
    edits.push(at.offset < 0 ? { offset: parsed.text.length, length: 0, text: `${parsed.eol}${body}` } : { offset: at.offset, length: 0, text: `${body}${parsed.eol}` });
  }
  const normalized = normalizeEdits(edits);
  return { status: normalized.length > 0 ? 'changed' : 'unchanged', edits: normalized, job: job.id, defaultsReplaced: permission.defaultsReplaced, branch: workflowBranch(parsed) };
}

/** For diagnostics: jobs whose steps exchange at Quay's federation endpoint without `id-token: write`. */
export function jobsExchangingWithoutIdToken(parsed: ParsedManifests): WorkflowJob[] {
  return workflowJobs(parsed).filter((j) => {
    const steps = directPair(j.node, 'steps')?.value;
    return isSeq(steps) && parsed.text.slice(steps.range[0], steps.range[1]).includes(FEDERATION_TOKEN_PATH) && !grantsIdToken(parsed, j);
  });
}
