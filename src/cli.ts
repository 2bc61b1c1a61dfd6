#!/usr/bin/env node
/**
 * `quay-robots`: the extension's manifest logic on the command line (same planners and builders as the
 * code actions, src/core/yaml and src/core/k8s).
 *
 *   quay-robots add-pull-secret FILE --secret NAME [--write]
 *   quay-robots pull-secret --host HOST --robot NS+NAME --scope registry|org [--namespace NS] [--name NAME]
 *   quay-robots find-token --robot NS+NAME [--exclude GLOB]... [DIR...]
 *   quay-robots keyless-pull-secret --host HOST --robot NS+NAME --namespace NS --service-account SA [--audience AUD]...
 *       [--secret NAME] [--api-version v1|v1beta1]
 *   quay-robots cluster-secrets --robot NS+NAME [--context CTX]... [--kubeconfig FILE] [--kubectl PATH]
 *   quay-robots audit --host HOST --org NS [--dir DIR]... [--context CTX]... [--days N] [--format json|sarif|markdown]
 *       [--fail-on info|warning|error]   (the robot hygiene review, src/core/hygiene)
 *   quay-robots scan-secrets [--staged] [PATH...]   (offline committed-token check)
 *
 * Exit codes: 0 done (changed or already present), 2 refused or bad arguments, 1 unexpected failure;
 * find-token: 1 when it found a usage, 0 when none; cluster-secrets: 2 when a cluster cannot be reached;
 * audit: 1 when a finding is at or above --fail-on, 2 when Quay or a cluster could not be read; scan-secrets: 1 when found.
 * The token for `pull-secret` is read from standard input and only ever written, encoded, into the manifest;
 * the token for `find-token` is read from standard input and never printed.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { findClusterSecrets } from './core/k8s/clusterSecrets';
import { isRobotName } from './core/k8s/credentials';
import { keylessManifests, V1BETA1_WARNING } from './core/k8s/externalSecrets';
import { Kubectl, KubectlError } from './core/k8s/kubectl';
import { pullSecretManifest } from './core/k8s/manifests';
import { findTokenUsages } from './core/rotation/finder';
import type { SecretScope } from './core/k8s/credentials';
import { planAddImagePullSecret } from './core/yaml/addImagePullSecret';
import type { PlannedTarget } from './core/yaml/addImagePullSecret';
import { applyEdits } from './core/yaml/edits';
import { parseManifests } from './core/yaml/parse';
import { atOrAbove, runChecks } from './core/hygiene/checks';
import { gatherClusters } from './core/hygiene/clusters';
import { DEFAULT_ENVIRONMENT_PATTERNS } from './core/hygiene/environments';
import { toJsonLines, toMarkdown, toSarif } from './core/hygiene/export';
import { gatherQuay } from './core/hygiene/gather';
import type { ClusterInputs, WorkspaceInputs } from './core/hygiene/inputs';
import { scanStaged, scanWorkingTree } from './core/hygiene/scanSecrets';
import { SEVERITIES } from './core/hygiene/types';
import type { Severity } from './core/hygiene/types';
import { gatherWorkspace } from './core/hygiene/workspace';
import { checkInstanceUrl } from './core/instances';
import { silentLogger } from './core/log';
import { QuayClient } from './core/quay/client';

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly readStdin: () => Promise<string>;
  readonly readFile: (path: string) => Promise<Uint8Array>;
  readonly writeFile: (path: string, text: string) => Promise<void>;
  /** True when standard input is a terminal (a prompt is then shown on stderr). */
  readonly stdinIsTTY: boolean;
  /** Environment variables (`QUAY_TOKEN`); default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Working folder for relative paths; default `process.cwd()`. */
  readonly cwd?: string;
  /** The clock (tests against a sandbox with its own clock); default now. */
  readonly now?: () => Date;
}

export const USAGE = `Usage:
  quay-robots add-pull-secret FILE --secret NAME [--write]
      Add "imagePullSecrets: - name: NAME" to every pod spec (Pod, Deployment, StatefulSet, DaemonSet,
      ReplicaSet, ReplicationController, Job, CronJob, DeploymentConfig, PodTemplate, also inside a List,
      and pod templates inside custom resources such as RayCluster, JobSet or an Argo Workflow)
      and every ServiceAccount in FILE, as minimal edits (comments and layout kept). FILE "-" reads stdin.
      Prints the result on stdout, or with --write rewrites FILE in place (only when something changed).
      Exit 0 when changed or already present; 2 when refused (invalid YAML, templates, tabs, no workload).

  quay-robots pull-secret --host HOST --robot NS+NAME --scope registry|org [--namespace NS] [--name NAME]
      Print the robot's pull Secret exactly as Quay's UI renders it (name <prefix>-pull-secret unless
      --name). The robot token is read from standard input. --scope org keys the credentials by HOST/NS,
      registry by HOST.

  quay-robots find-token --robot NS+NAME [--exclude GLOB]... [DIR...]
      Find every place the robot's token is stored under DIR (default "."), git-ignored files included:
      the token itself, "auth" values (base64 of NS+NAME:token), and Secrets' base64 data holding either
      (.dockerconfigjson, .dockercfg, other base64). The token is read from standard input and never
      printed. Prints one JSON object per usage: {"file","line","column","encoding"[,"inner"]}.
      Exit 1 when it found any, 0 when none, 2 on bad input.

  quay-robots keyless-pull-secret --host HOST --robot NS+NAME --namespace NS --service-account SA
                                 [--audience AUD]... [--secret NAME] [--api-version v1|v1beta1]
      Print a keyless pull Secret for the External Secrets Operator as one YAML stream: the ServiceAccount,
      a QuayAccessToken generator (the operator exchanges the account's token at Quay for a one-hour robot
      token) and an ExternalSecret refreshing every 55m into a kubernetes.io/dockerconfigjson Secret (name
      <prefix>-pull-secret unless --secret). No token is involved. The robot must trust
      system:serviceaccount:NS:SA from the cluster's issuer. --api-version v1beta1 only for older operators
      (current ones serve only v1 and refuse it).

  quay-robots cluster-secrets --robot NS+NAME [--context CTX]... [--kubeconfig FILE] [--kubectl PATH]
      List the pull Secrets (kubernetes.io/dockerconfigjson or dockercfg) in every namespace of each
      context (default: the current context) whose "auths" hold the robot, matched by user name (no token
      needed). Runs your kubectl (PATH, default "kubectl") with an explicit --context. Prints one JSON
      object per Secret: {"context","namespace","name","type","registry","managedBy"} (managedBy null,
      "external-secrets" or the owning controller's Kind.group). Problems go to stderr as JSON objects:
      {"context","problem":"forbidden"|"malformed"|"unreachable","namespace"?,"name"?,"reason"}.
      Exit 0, or 2 when a cluster cannot be reached (or kubectl is missing).

  quay-robots audit --host HOST --org NS [--dir DIR]... [--context CTX]... [--days N] [--max-token-age-days N]
                   [--format json|sarif|markdown] [--fail-on info|warning|error] [--kubeconfig FILE] [--kubectl PATH]
                   [--now ISO]
      Review the robot accounts of organization NS against the robot guide's best practices (checks:
      pull-secret-can-write, write-never-pushed, unused-robot, org-wide-permission, shared-across-environments,
      token-overdue, static-token-in-production, non-descriptive-name, committed-token). Reads Quay (an org admin
      API token from $QUAY_TOKEN, else standard input), the files under each DIR and the pull Secrets of each
      kubectl context CTX. Usage logs: the last N days (default 90), through aggregate counts in windows of at
      most 28 days, only for robots holding write or admin. HOST is a host name or URL; plain http:// only for
      loopback. --format json (default) prints one finding per line: {"check","severity","host","namespace",
      "robot","message","evidence","fix"}; sarif prints SARIF 2.1.0; markdown a review ticket.
      --now reviews as of another instant (the look-back window and token ages end there; for reproducible
      reports and tests). Exit 1 when a finding is at or above --fail-on (default warning), 0 when none, 2 on
      bad input or when Quay or a cluster could not be read (stderr says which).

  quay-robots scan-secrets [--staged] [--format text|json] [PATH...]
      Find Quay robot credentials of any host by their shape (namespace+name with a 64-character token), raw, as
      an "auth" value or inside a .dockerconfigjson/.dockercfg or other base64 value. Without --staged: the files
      named, and under each folder named (default ".") the files git tracks or could commit (git-ignored files
      are skipped). With --staged: the staged content of added or modified files, read from the git index.
      Prints file:line:column, the robot name and the encoding, never the token (--format json: one object per
      line {"file","line","column","robot","encoding"[,"host"]}). Exit 1 when a credential is found, 0 when
      none, 2 on bad input.

  quay-robots --help
`;

class UsageError extends Error {}

function printUsage(io: CliIo): number {
  io.stdout(USAGE);
  return 0;
}

function fail(io: CliIo, message: string): number {
  io.stderr(`quay-robots: ${message}\n`);
  return 2;
}

export function nodeIo(): CliIo {
  return {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
      return Buffer.concat(chunks).toString('utf8');
    },
    readFile: (p) => readFile(p),
    writeFile: (p, t) => writeFile(p, t, 'utf8'),
    stdinIsTTY: process.stdin.isTTY === true,
  };
}

/** Run the CLI; resolves to the exit code. */
export async function main(argv: readonly string[], io: CliIo = nodeIo()): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      if (command === undefined) {
        io.stderr(USAGE);
        return 2;
      }
      io.stdout(USAGE);
      return 0;
    }
    if (command === 'add-pull-secret') return await addPullSecret(rest, io);
    if (command === 'pull-secret') return await pullSecret(rest, io);
    if (command === 'find-token') return await findToken(rest, io);
    if (command === 'keyless-pull-secret') return keylessPullSecret(rest, io);
    if (command === 'cluster-secrets') return await clusterSecrets(rest, io);
    if (command === 'audit') return await audit(rest, io);
    if (command === 'scan-secrets') return await scanSecrets(rest, io);
    throw new UsageError(`unknown command "${command}"`);
  } catch (e) {
    if (e instanceof UsageError || (e instanceof TypeError && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS'))) {
      return fail(io, `${e.message}\nRun "quay-robots --help" for usage.`);
    }
    throw e;
  }
}

function describe(t: PlannedTarget): string {
  const where = t.itemIndex !== undefined ? `document ${t.documentIndex + 1}, item ${t.itemIndex + 1}` : `document ${t.documentIndex + 1}`;
  return `${t.kind}${t.name !== undefined ? ` "${t.name}"` : ''} (${where})`;
}

async function addPullSecret(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: { secret: { type: 'string' }, write: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help === true) return printUsage(io);
  if (positionals.length !== 1) throw new UsageError('add-pull-secret takes exactly one FILE');
  const file = positionals[0] ?? '';
  const secret = values.secret;
  if (secret === undefined || secret === '') throw new UsageError('--secret NAME is required');
  if (file === '-' && values.write) throw new UsageError('--write needs a FILE, not stdin');

  let bytes: Uint8Array;
  try {
    bytes = file === '-' ? Buffer.from(await io.readStdin(), 'utf8') : await io.readFile(file);
  } catch (e) {
    return fail(io, `${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  let text: string;
  try {
    // ignoreBOM keeps a byte-order mark in the text, so it is written back as it was.
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return fail(io, `${file}: not UTF-8 text; refusing to edit it.`);
  }
  const plan = planAddImagePullSecret(parseManifests(text), secret);
  if (plan.status === 'refused') return fail(io, `${file}: ${plan.reason}`);
  const added = plan.targets.filter((t) => t.outcome === 'added');
  const present = plan.targets.filter((t) => t.outcome === 'present');
  const output = plan.status === 'changed' ? applyEdits(text, plan.edits) : text;
  if (values.write) {
    if (plan.status === 'changed') await io.writeFile(file, output);
  } else io.stdout(output);
  const parts: string[] = [];
  if (added.length > 0) parts.push(`added "${secret}" to ${added.map(describe).join(', ')}`);
  if (present.length > 0) parts.push(`already present in ${present.map(describe).join(', ')}`);
  io.stderr(`quay-robots: ${file}: ${parts.join('; ')}${values.write && plan.status === 'changed' ? ' (written)' : ''}\n`);
  return 0;
}

async function pullSecret(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      host: { type: 'string' },
      robot: { type: 'string' },
      scope: { type: 'string' },
      namespace: { type: 'string' },
      name: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: false,
    strict: true,
  });
  if (values.help === true) return printUsage(io);
  if (positionals.length > 0) throw new UsageError('pull-secret takes no positional arguments (the token comes from stdin)');
  const { host, robot, scope, namespace, name } = values;
  if (host === undefined) throw new UsageError('--host HOST is required');
  if (robot === undefined) throw new UsageError('--robot NS+NAME is required');
  if (scope !== 'registry' && scope !== 'org') throw new UsageError('--scope must be "registry" or "org"');
  if (io.stdinIsTTY) io.stderr('Paste the robot token, then press Enter and Ctrl-D:\n');
  const token = (await io.readStdin()).trim();
  if (token === '') return fail(io, 'no token on standard input (pipe it in, e.g. from your secret manager).');
  let manifest: string;
  try {
    manifest = pullSecretManifest({ host, robot, token, scope: scope satisfies SecretScope, namespace, name });
  } catch (e) {
    // Builder messages never contain the token.
    return fail(io, e instanceof Error ? e.message : 'invalid arguments');
  }
  io.stdout(`${manifest}\n`);
  return 0;
}

function keylessPullSecret(args: readonly string[], io: CliIo): number {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      host: { type: 'string' },
      robot: { type: 'string' },
      namespace: { type: 'string' },
      'service-account': { type: 'string' },
      audience: { type: 'string', multiple: true },
      secret: { type: 'string' },
      'api-version': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: false,
    strict: true,
  });
  if (values.help === true) return printUsage(io);
  if (positionals.length > 0) throw new UsageError('keyless-pull-secret takes no positional arguments');
  const { host, robot, namespace, secret } = values;
  const serviceAccount = values['service-account'];
  const apiVersion = values['api-version'] ?? 'v1';
  if (host === undefined) throw new UsageError('--host HOST is required');
  if (robot === undefined) throw new UsageError('--robot NS+NAME is required');
  if (namespace === undefined) throw new UsageError('--namespace NS is required (the trusted subject is system:serviceaccount:NS:SA)');
  if (serviceAccount === undefined) throw new UsageError('--service-account SA is required');
  if (apiVersion !== 'v1' && apiVersion !== 'v1beta1') throw new UsageError('--api-version must be "v1" or "v1beta1"');
  let m;
  try {
    m = keylessManifests({ host, robot, namespace, serviceAccount, audiences: values.audience, secretName: secret, apiVersion });
  } catch (e) {
    return fail(io, e instanceof Error ? e.message : 'invalid arguments');
  }
  if (apiVersion === 'v1beta1') io.stderr(`quay-robots: warning: ${V1BETA1_WARNING}\n`);
  io.stdout(`${[m.serviceAccount, m.generator, m.externalSecret].join('\n---\n')}\n`);
  return 0;
}

async function findToken(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: { robot: { type: 'string' }, exclude: { type: 'string', multiple: true }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help === true) return printUsage(io);
  const robot = values.robot;
  if (robot === undefined) throw new UsageError('--robot NS+NAME is required');
  if (!isRobotName(robot)) throw new UsageError(`"${robot}" is not a full robot name (expected namespace+name)`);
  if (io.stdinIsTTY) io.stderr('Paste the robot token, then press Enter and Ctrl-D:\n');
  const token = (await io.readStdin()).trim();
  if (token === '') return fail(io, 'no token on standard input (pipe it in, e.g. from your secret manager).');
  const roots = positionals.length > 0 ? positionals : ['.'];
  let result;
  try {
    result = await findTokenUsages({ robot, token, roots, excludes: values.exclude ?? [] });
  } catch (e) {
    // The finder's messages never contain the token.
    return fail(io, e instanceof Error ? e.message : 'invalid input');
  }
  let found = 0;
  for (const f of result.files) {
    for (const u of f.usages) {
      found++;
      io.stdout(`${JSON.stringify({ file: f.file, line: u.line, column: u.column, encoding: u.encoding, ...(u.inner !== undefined ? { inner: u.inner } : {}) })}\n`);
    }
  }
  for (const file of result.unreadable) io.stderr(`quay-robots: ${file}: not readable, not searched\n`);
  for (const file of result.tooLarge) io.stderr(`quay-robots: ${file}: over 5 MiB, not searched\n`);
  return found > 0 ? 1 : 0;
}

async function clusterSecrets(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      robot: { type: 'string' },
      context: { type: 'string', multiple: true },
      kubeconfig: { type: 'string' },
      kubectl: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: false,
    strict: true,
  });
  if (values.help === true) {
    io.stdout(USAGE);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError('cluster-secrets takes no positional arguments');
  const robot = values.robot;
  if (robot === undefined) throw new UsageError('--robot NS+NAME is required');
  if (!isRobotName(robot)) throw new UsageError(`"${robot}" is not a full robot name (expected namespace+name)`);
  const kubectl = new Kubectl({ path: values.kubectl, kubeconfig: values.kubeconfig });
  const line = (o: Record<string, unknown>): string => `${JSON.stringify(o)}\n`;
  let contexts = values.context ?? [];
  try {
    if (contexts.length === 0) {
      const current = (await kubectl.contexts()).current;
      if (current === undefined) throw new UsageError('the kubeconfig has no current context: pass --context CTX');
      contexts = [current];
    }
  } catch (e) {
    if (!(e instanceof KubectlError)) throw e;
    io.stderr(line({ context: null, problem: 'unreachable', reason: e.message }));
    return 2;
  }
  let unreachable = false;
  for (const context of contexts) {
    try {
      const found = await findClusterSecrets(kubectl, context, { robot });
      for (const m of found.matches) io.stdout(line({ context, namespace: m.namespace, name: m.name, type: m.type, registry: m.registry, managedBy: m.managedBy }));
      for (const p of found.problems) io.stderr(line({ context, problem: p.kind, namespace: p.namespace, ...(p.name !== undefined ? { name: p.name } : {}), reason: p.reason }));
    } catch (e) {
      if (!(e instanceof KubectlError)) throw e;
      unreachable = true;
      io.stderr(line({ context, problem: 'unreachable', reason: e.message }));
    }
  }
  return unreachable ? 2 : 0;
}

function positiveInt(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^[1-9][0-9]*$/.test(value)) throw new UsageError(`${flag} takes a whole number of days above 0, not "${value}"`);
  return Number(value);
}

async function audit(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      host: { type: 'string' },
      org: { type: 'string' },
      dir: { type: 'string', multiple: true },
      context: { type: 'string', multiple: true },
      days: { type: 'string' },
      'max-token-age-days': { type: 'string' },
      format: { type: 'string' },
      'fail-on': { type: 'string' },
      kubeconfig: { type: 'string' },
      kubectl: { type: 'string' },
      now: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: false,
    strict: true,
  });
  if (values.help === true) return printUsage(io);
  if (positionals.length > 0) throw new UsageError('audit takes no positional arguments');
  const asOf = values.now !== undefined ? new Date(values.now) : undefined;
  if (asOf !== undefined && Number.isNaN(asOf.getTime())) throw new UsageError(`--now takes an ISO date and time (2026-11-15T12:00:00Z), not "${values.now ?? ''}"`);
  if (values.host === undefined) throw new UsageError('--host HOST is required');
  if (values.org === undefined || values.org === '') throw new UsageError('--org NS is required');
  const format = values.format ?? 'json';
  if (format !== 'json' && format !== 'sarif' && format !== 'markdown') throw new UsageError('--format must be json, sarif or markdown');
  const failOn = (values['fail-on'] ?? 'warning') as Severity;
  if (!SEVERITIES.includes(failOn)) throw new UsageError('--fail-on must be info, warning or error');
  const lookbackDays = positiveInt(values.days, '--days', 90);
  const maxTokenAgeDays = positiveInt(values['max-token-age-days'], '--max-token-age-days', 90);
  const url = checkInstanceUrl(values.host);
  if (!url.ok) throw new UsageError(url.message);
  const org = values.org;
  const env = io.env ?? process.env;
  const cwd = io.cwd ?? process.cwd();
  const now = asOf ?? io.now?.() ?? new Date();

  let token = env.QUAY_TOKEN?.trim() ?? '';
  if (token === '') {
    if (io.stdinIsTTY) io.stderr('Paste an API token of an administrator of the organization, then press Enter and Ctrl-D:\n');
    token = (await io.readStdin()).trim();
  }
  if (token === '') return fail(io, 'no API token: set $QUAY_TOKEN or pipe the token on standard input.');

  const client = new QuayClient({ baseUrl: url.origin, getToken: () => Promise.resolve(token), logger: silentLogger, maxConcurrency: 8 });
  let quay;
  try {
    quay = await gatherQuay(client, { host: url.host, org, now, lookbackDays });
  } catch (e) {
    // QuayApiError messages name the instance and the object, never the token.
    return fail(io, `could not read Quay at ${url.host}: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    await client.close();
  }
  const knownTokens = new Map(quay.robots.flatMap((r) => (r.tokenFingerprint !== undefined ? [[r.tokenFingerprint, r.name] as const] : [])));
  let workspace: WorkspaceInputs | undefined;
  const dirs = values.dir ?? [];
  if (dirs.length > 0) {
    try {
      workspace = await gatherWorkspace({ roots: dirs.map((d) => resolvePath(cwd, d)), relativeTo: cwd, knownTokens });
    } catch (e) {
      return fail(io, e instanceof Error ? e.message : String(e));
    }
  }
  let clusters: ClusterInputs | undefined;
  const contexts = values.context ?? [];
  if (contexts.length > 0) {
    const kubectl = new Kubectl({ path: values.kubectl, kubeconfig: values.kubeconfig });
    try {
      clusters = await gatherClusters(kubectl, contexts);
    } catch (e) {
      if (!(e instanceof KubectlError)) throw e;
      return fail(io, `could not read a cluster: ${e.message}`);
    }
  }
  const findings = runChecks({ quay, workspace, clusters }, { lookbackDays, maxTokenAgeDays, environmentPatterns: DEFAULT_ENVIRONMENT_PATTERNS });
  const notes = [
    ...quay.notes,
    ...(workspace === undefined ? ['no --dir: no files were read (committed-token, and pull Secrets written in manifests, were not checked)'] : []),
    ...(workspace?.notExamined.map((f) => `${f}: not read`) ?? []),
    ...(clusters?.problems.map((p) => `cluster ${p.context}${p.namespace !== undefined ? ` namespace ${p.namespace}` : ''}: ${p.reason}`) ?? []),
  ];
  if (format === 'json') io.stdout(toJsonLines(findings));
  else if (format === 'sarif') io.stdout(`${JSON.stringify(toSarif(findings, { srcRoot: `${pathToFileURL(cwd).href}/` }), null, 2)}\n`);
  else io.stdout(toMarkdown(findings, { subtitle: `${url.host} / ${org}, ${now.toISOString().slice(0, 10)}; usage logs ${quay.window.from} to ${quay.window.to}`, notes }));
  for (const n of notes) io.stderr(`quay-robots: not examined: ${n}\n`);
  const failing = findings.filter((f) => atOrAbove(f, failOn)).length;
  io.stderr(
    `quay-robots: ${findings.length} finding${findings.length === 1 ? '' : 's'} (${failing} at or above ${failOn}) for ${quay.robots.length} robots of ${org}; ${quay.requests} requests to ${url.host}${workspace !== undefined ? `; ${workspace.filesScanned} files read` : ''}${clusters !== undefined ? `; ${clusters.contexts.length} cluster${clusters.contexts.length === 1 ? '' : 's'}` : ''}.\n`,
  );
  return failing > 0 ? 1 : 0;
}

async function scanSecrets(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: { staged: { type: 'boolean', default: false }, format: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help === true) return printUsage(io);
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError('--format must be text or json');
  const cwd = io.cwd ?? process.cwd();
  let result;
  try {
    result = values.staged ? await scanStaged(positionals, cwd) : await scanWorkingTree(positionals.length > 0 ? positionals : ['.'], cwd);
  } catch (e) {
    return fail(io, e instanceof Error ? e.message : String(e));
  }
  for (const h of result.hits) {
    if (format === 'json') io.stdout(`${JSON.stringify({ file: h.file, line: h.line, column: h.column, robot: h.robot, encoding: h.encoding, ...(h.host !== undefined ? { host: h.host } : {}) })}\n`);
    else io.stdout(`${h.file}:${h.line}:${h.column}: credential of robot ${h.robot} (${h.encoding}${h.host !== undefined ? `, for ${h.host}` : ''})\n`);
  }
  for (const f of result.skipped) io.stderr(`quay-robots: ${f}: not searched\n`);
  if (result.hits.length > 0) {
    io.stderr(
      `quay-robots: ${result.hits.length} robot credential${result.hits.length === 1 ? '' : 's'} found${values.staged ? ' in the staged changes' : ''}. Rotate each token and keep it out of git (an ExternalSecret, or a Secret in a git-ignored file); git history keeps what was committed.\n`,
    );
  }
  return result.hits.length > 0 ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`quay-robots: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
