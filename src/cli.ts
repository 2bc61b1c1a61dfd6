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
 *   quay-robots rotate --host HOST --robot NS+NAME [DIR...] [--context CTX]... [--successor [NAME]] [--dry-run] [--yes]
 *       [--format text|json];  rotate --finish --robot NS+NAME [DIR...] [--context CTX]...   (src/cliRotate.ts)
 *
 * Exit codes: 0 done (changed or already present), 2 refused or bad arguments, 1 unexpected failure;
 * find-token: 1 when it found a usage, 0 when none; cluster-secrets: 2 when a cluster cannot be reached;
 * audit: 1 when a finding is at or above --fail-on, 2 when Quay or a cluster could not be read; scan-secrets: 1 when found;
 * rotate: 1 when a place is left, 2 when nothing was changed (src/cliRotate.ts).
 * The token for `pull-secret` is read from standard input and only ever written, encoded, into the manifest;
 * the token for `find-token` is read from standard input and never printed; find-token exits 3 when it found
 * none but something that could hold the token was not searched (each listed on stderr).
 */
import { parseArgs } from 'node:util';
import { searchContexts } from './core/k8s/clusterSecrets';
import { isRobotName } from './core/k8s/credentials';
import { keylessManifests, V1BETA1_WARNING } from './core/k8s/externalSecrets';
import { Kubectl, KubectlError } from './core/k8s/kubectl';
import { pullSecretManifest } from './core/k8s/manifests';
import { findTokenUsages, scanIncomplete, SKIP_REASON_TEXT } from './core/rotation/finder';
import type { SecretScope } from './core/k8s/credentials';
import { planAddImagePullSecret } from './core/yaml/addImagePullSecret';
import type { PlannedTarget } from './core/yaml/addImagePullSecret';
import { applyEdits } from './core/yaml/edits';
import { parseManifests } from './core/yaml/parse';
import { contextsOrCurrent, fail, nodeIo, printUsage, USAGE, UsageError } from './cliCommon';
import type { CliIo } from './cliCommon';
import { audit, scanSecrets } from './cliHygiene';
import { rotate } from './cliRotate';
import { errorMessage } from './core/log';
import { TOO_LARGE_TEXT } from './core/rotation/notScanned';

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
    if (command === 'rotate') return await rotate(rest, io);
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
    return fail(io, `${file}: ${errorMessage(e)}`);
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
  for (const file of result.tooLarge) io.stderr(`quay-robots: ${file}: ${TOO_LARGE_TEXT}\n`);
  for (const s of result.skipped) io.stderr(`quay-robots: ${s.path}: ${SKIP_REASON_TEXT[s.reason]}\n`);
  if (found > 0) return 1;
  if (scanIncomplete(result)) {
    io.stderr('quay-robots: no usage found, but the scan is incomplete (see above): exit 3\n');
    return 3;
  }
  return 0;
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
  let contexts: readonly string[];
  try {
    contexts = await contextsOrCurrent(kubectl, values.context ?? []);
  } catch (e) {
    if (!(e instanceof KubectlError)) throw e;
    io.stderr(line({ context: null, problem: 'unreachable', reason: e.message }));
    return 2;
  }
  const found = await searchContexts(kubectl, contexts, { robot });
  for (const m of found.matches) io.stdout(line({ context: m.context, namespace: m.namespace, name: m.name, type: m.type, registry: m.registry, managedBy: m.managedBy }));
  for (const context of contexts) {
    for (const p of found.problems.filter((q) => q.context === context)) io.stderr(line({ context, problem: p.kind, namespace: p.namespace, ...(p.name !== undefined ? { name: p.name } : {}), reason: p.reason }));
    for (const u of found.unreachable.filter((q) => q.context === context)) io.stderr(line({ context, problem: 'unreachable', reason: u.reason }));
  }
  return found.unreachable.length > 0 ? 2 : 0;
}


if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`quay-robots: ${errorMessage(e)}\n`);
      process.exitCode = 1;
    },
  );
}
