/**
 * `quay-robots audit` and `quay-robots scan-secrets`: the robot hygiene review (src/core/hygiene) on the command
 * line. Exit codes are in src/cli.ts's header.
 */
import { resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Kubectl, KubectlError } from './core/k8s/kubectl';
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
import { errorMessage, silentLogger } from './core/log';
import { QuayClient } from './core/quay/client';
import { fail, printUsage, readApiToken, UsageError } from './cliCommon';
import type { CliIo } from './cliCommon';
import { isoDay } from './core/time';

function positiveInt(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^[1-9][0-9]*$/.test(value)) throw new UsageError(`${flag} takes a whole number of days above 0, not "${value}"`);
  return Number(value);
}

export async function audit(args: readonly string[], io: CliIo): Promise<number> {
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
  const cwd = io.cwd ?? process.cwd();
  const now = asOf ?? io.now?.() ?? new Date();

  const token = await readApiToken(io, 'Paste an API token of an administrator of the organization, then press Enter and Ctrl-D:');
  if (token === undefined) return fail(io, 'no API token: set $QUAY_TOKEN or pipe the token on standard input.');

  const client = new QuayClient({ baseUrl: url.origin, getToken: () => Promise.resolve(token), logger: silentLogger, maxConcurrency: 8 });
  let quay;
  try {
    quay = await gatherQuay(client, { host: url.host, org, now, lookbackDays });
  } catch (e) {
    // QuayApiError messages name the instance and the object, never the token.
    return fail(io, `could not read Quay at ${url.host}: ${errorMessage(e)}`);
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
      return fail(io, errorMessage(e));
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
  else io.stdout(toMarkdown(findings, { subtitle: `${url.host} / ${org}, ${isoDay(now)}; usage logs ${quay.window.from} to ${quay.window.to}`, notes }));
  for (const n of notes) io.stderr(`quay-robots: not examined: ${n}\n`);
  const failing = findings.filter((f) => atOrAbove(f, failOn)).length;
  io.stderr(
    `quay-robots: ${findings.length} finding${findings.length === 1 ? '' : 's'} (${failing} at or above ${failOn}) for ${quay.robots.length} robots of ${org}; ${quay.requests} requests to ${url.host}${workspace !== undefined ? `; ${workspace.filesScanned} files read` : ''}${clusters !== undefined ? `; ${clusters.contexts.length} cluster${clusters.contexts.length === 1 ? '' : 's'}` : ''}.\n`,
  );
  return failing > 0 ? 1 : 0;
}

export async function scanSecrets(args: readonly string[], io: CliIo): Promise<number> {
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
    return fail(io, errorMessage(e));
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
