/**
 * `quay-robots rotate`: the editor's token rotation on the command line, for pipelines and cron jobs (README, "Rotate on the command line").
 * The same engine (`core/rotation/engine.ts`) over the command line's ports: the files under each DIR
 * (`core/rotation/filePlaces.ts`), the pull Secrets of each `--context` (kubectl), and a journal file
 * (`core/rotation/fileJournal.ts`) written before the regeneration, so `--finish` completes a rotation cut short.
 *
 * Exit codes: 0 every place updated, everything searched, and the registry logins prove it; 1 something is left or
 * was not searched (the exact command that finishes it is printed when the journal is kept); 2 bad input, a refusal, or nothing changed (the old token
 * still works). `--dry-run` prints the plan and exits 0.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { RobotFilter } from './core/k8s/clusterSecrets';
import { isRobotName, robotNamespace } from './core/k8s/credentials';
import { Kubectl } from './core/k8s/kubectl';
import { checkInstanceUrl, hostOf } from './core/instances';
import { errorMessage, silentLogger } from './core/log';
import { QuayClient } from './core/quay/client';
import type { Namespace } from './core/quay/types';
import { robotNameProblem, splitRobotName } from './core/robotName';
import { shellQuote } from './core/shell';
import type { ClusterScan } from './core/rotation/clusters';
import { scanContexts, updateSecrets } from './core/rotation/clusters';
import { executeRotation, finishRotation, type Applied, type RotationPorts } from './core/rotation/engine';
import { FileJournal, rotationsDir } from './core/rotation/fileJournal';
import { filePlaces } from './core/rotation/filePlaces';
import { findTokenUsages } from './core/rotation/finder';
import { prestartReaders } from './core/rotation/readerPool';
import type { PendingRotation } from './core/rotation/journal';
import type { WorkspaceScan } from './core/rotation/places';
import { recentPulls } from './core/rotation/recentUse';
import { nothingFoundMessage, notRotatedMessage, rotationReport } from './core/rotation/report';
import { readPredecessor, successorName, successorSteps, type StepResult } from './core/rotation/successorPlan';
import { testFaultFromEnv } from './core/rotation/testFault';
import { fail, printUsage, readApiToken, UsageError } from './cliCommon';
import type { CliIo } from './cliCommon';
import { appliedJson, appliedText, leftAfter, loginsProve, notRotatedJson, notSearched, planJson, planText, textBlock, updatableSecrets, type PlanView } from './cliRotateOutput';

interface Options {
  readonly origin: string;
  readonly host: string;
  readonly robot: string;
  readonly dirs: readonly string[];
  readonly roots: readonly string[];
  readonly contexts: readonly string[];
  readonly excludes: readonly string[];
  readonly kubeconfig?: string;
  readonly kubectl?: string;
  readonly json: boolean;
  readonly dryRun: boolean;
  readonly yes: boolean;
  /** A terminal to ask on: standard input is one, and it did not carry the API token (read to its end). */
  readonly canAsk: boolean;
  readonly cwd: string;
}

/**
 * `--successor [NAME]`: the next argument is NAME when it is a robot short name and no file or folder of that name
 * exists (then it is a DIR); `--successor=NAME` is always NAME.
 */
export function takeSuccessor(args: readonly string[], cwd: string): { rest: string[]; successor: string | true | undefined } {
  const rest: string[] = [];
  let successor: string | true | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (a === '--') {
      rest.push(...args.slice(i));
      break;
    }
    if (a.startsWith('--successor=')) successor = a.slice('--successor='.length);
    else if (a === '--successor') {
      const next = args[i + 1];
      if (next !== undefined && robotNameProblem(next) === undefined && !existsSync(resolve(cwd, next))) {
        successor = next;
        i++;
      } else successor = true;
    } else rest.push(a);
  }
  return { rest, successor };
}

/** Runs `quay-robots rotate …`; resolves to the exit code. */
export async function rotate(args: readonly string[], io: CliIo): Promise<number> {
  const cwd = io.cwd ?? process.cwd();
  const { rest, successor } = takeSuccessor(args, cwd);
  const { values, positionals } = parseArgs({
    args: rest,
    options: {
      host: { type: 'string' },
      robot: { type: 'string' },
      context: { type: 'string', multiple: true },
      exclude: { type: 'string', multiple: true },
      kubeconfig: { type: 'string' },
      kubectl: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      yes: { type: 'boolean', default: false },
      finish: { type: 'boolean', default: false },
      format: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help === true) return printUsage(io);
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError('--format must be text or json');
  const robot = values.robot;
  if (robot === undefined) throw new UsageError('--robot NS+NAME is required');
  if (!isRobotName(robot)) throw new UsageError(`"${robot}" is not a full robot name (expected namespace+name)`);
  if (values.finish && successor !== undefined) throw new UsageError('--finish takes no --successor: it finishes the rotation the journal names');
  if (typeof successor === 'string') {
    const problem = robotNameProblem(successor);
    if (problem !== undefined) throw new UsageError(`--successor "${successor}": ${problem}`);
  }
  if (values.host === undefined && !values.finish) throw new UsageError('--host HOST is required');
  const url = values.host !== undefined ? checkInstanceUrl(values.host) : undefined;
  if (url !== undefined && !url.ok) throw new UsageError(url.message);
  const dirs = positionals.length > 0 ? positionals : ['.'];
  const o: Options = {
    origin: url?.ok === true ? url.origin : '',
    host: url?.ok === true ? url.host : '',
    robot,
    dirs,
    roots: dirs.map((d) => resolve(cwd, d)),
    contexts: values.context ?? [],
    excludes: values.exclude ?? [],
    ...(values.kubeconfig !== undefined ? { kubeconfig: values.kubeconfig } : {}),
    ...(values.kubectl !== undefined ? { kubectl: values.kubectl } : {}),
    json: format === 'json',
    dryRun: values['dry-run'],
    yes: values.yes,
    canAsk: io.stdinIsTTY && io.confirm !== undefined && ((io.env ?? process.env).QUAY_TOKEN?.trim() ?? '') !== '',
    cwd,
  };
  const journal = new FileJournal(rotationsDir(io.env ?? process.env));
  const token = await readApiToken(io, 'Paste a Quay API token with admin rights on the robot\'s namespace, then press Enter and Ctrl-D:');
  if (token === undefined) return fail(io, 'no API token: set $QUAY_TOKEN or pipe the token on standard input.');
  return values.finish ? await finish(o, io, journal, token) : await start(o, io, journal, token, successor);
}

function client(origin: string, token: string): QuayClient {
  return new QuayClient({ baseUrl: origin, getToken: () => Promise.resolve(token), logger: silentLogger, maxConcurrency: 8 });
}

/** The places in the files under the roots, as the editor's scan gives them. */
async function scanFiles(o: Options, user: string, token: string): Promise<WorkspaceScan> {
  const found = await findTokenUsages({ robot: user, token, roots: o.roots, excludes: o.excludes });
  return {
    usages: found.files.flatMap((f) => f.usages.map((usage) => ({ file: f.file, usage, inWorkspace: true }))),
    files: new Map(found.files.map((f) => [f.file, f])),
    nonUpdatable: found.nonUpdatable,
    externalSecrets: found.externalSecrets,
    filesScanned: found.filesScanned,
    notScanned: { tooLarge: found.tooLarge, unreadable: found.unreadable, skipped: found.skipped },
  };
}

/** The pull Secrets (and vault-backed ExternalSecrets) of the robot in each `--context`; none asked, none searched. */
async function scanClusters(o: Options, filter: RobotFilter): Promise<ClusterScan | undefined> {
  if (o.contexts.length === 0) return undefined;
  return scanContexts(new Kubectl({ path: o.kubectl, kubeconfig: o.kubeconfig }), o.contexts, filter);
}

function ports(io: CliIo, quay: QuayClient, journal: FileJournal, scan: WorkspaceScan, clusters: ClusterScan | undefined): RotationPorts {
  const fault = testFaultFromEnv(io.env ?? process.env);
  return {
    quay,
    places: filePlaces(scan.files),
    ...(clusters !== undefined ? { clusters: { update: (matches, credentials) => updateSecrets(clusters, matches, credentials) } } : {}),
    journal,
    ...(fault !== undefined ? { fault } : {}),
  };
}

/** The exact command that finishes this rotation. */
function finishCommand(o: Options, pending: PendingRotation): string {
  return ['quay-robots', 'rotate', '--finish', '--host', pending.instanceUrl, '--robot', pending.oldUser, ...o.dirs, ...o.contexts.flatMap((c) => ['--context', c]), ...(o.kubeconfig !== undefined ? ['--kubeconfig', o.kubeconfig] : []), ...(o.kubectl !== undefined ? ['--kubectl', o.kubectl] : [])]
    .map(shellQuote)
    .join(' ');
}

/** Prints the plan; undefined to go on, else the exit code (dry run, refusal). */
async function confirmPlan(o: Options, io: CliIo, view: PlanView, doc: Record<string, unknown>, question: string): Promise<number | undefined> {
  doc.plan = planJson(view, o.cwd);
  if (!o.json) io.stdout(textBlock(planText(view, o.cwd)));
  if (o.dryRun) return done(o, io, doc, 0);
  if (o.yes) return undefined;
  if (io.confirm === undefined || !o.canAsk) {
    io.stderr('quay-robots: refusing to change anything without --yes: there is no terminal to ask (nothing was changed).\n');
    return done(o, io, doc, 2);
  }
  if (await io.confirm(question)) return undefined;
  io.stderr('quay-robots: cancelled; nothing was changed.\n');
  return done(o, io, doc, 2);
}

function done(o: Options, io: CliIo, doc: Record<string, unknown>, code: number): number {
  if (o.json) io.stdout(`${JSON.stringify({ ...doc, exitCode: code })}\n`);
  return code;
}

/** The report of places updated; exit 0 when nothing is left and the logins prove it, else 1. */
function report(o: Options, io: CliIo, view: PlanView, doc: Record<string, unknown>, outcome: Applied, steps: readonly StepResult[], title: string): number {
  const unticked: never[] = [];
  // Vault-backed ExternalSecrets are left too (update the vault): counted in the summary as in the list.
  const vault = { lines: [], left: view.scan.externalSecrets.length + (view.clusters?.externalSecrets?.length ?? 0) };
  const summary = rotationReport({ title, instanceUrl: outcome.pending.instanceUrl, at: new Date(), outcome, scan: view.scan, unticked, ...(view.clusters !== undefined ? { clusters: view.clusters } : {}), externalSecrets: vault, pulls: [] }, (f) => f).summary;
  const left = leftAfter(outcome, view, o.cwd);
  // Something not searched may still hold the old token: not a proof that every place was updated.
  const code = left.length === 0 && notSearched(view, o.cwd).length === 0 && !outcome.journalKept && loginsProve(outcome) ? 0 : 1;
  const finishing = outcome.journalKept ? finishCommand(o, outcome.pending) : null;
  doc.result = appliedJson(outcome, view, o.cwd, steps);
  doc.finishCommand = finishing;
  if (!o.json) {
    io.stdout(textBlock(appliedText(outcome, view, o.cwd, steps, summary)));
    if (finishing !== null) io.stdout(`Some places still hold the old token. Once the cause is fixed, finish with:\n  ${finishing}\n`);
  }
  return done(o, io, doc, code);
}

async function namespaceOf(quay: QuayClient, robot: string): Promise<Namespace> {
  const name = robotNamespace(robot);
  const me = await quay.getCurrentUser();
  return me.username === name ? { kind: 'user', name } : { kind: 'org', name };
}

async function start(o: Options, io: CliIo, journal: FileJournal, token: string, successor: string | true | undefined): Promise<number> {
  prestartReaders(); // the finder's threads start while Quay is asked for the token
  const quay = client(o.origin, token);
  try {
    const doc: Record<string, unknown> = { command: 'rotate', host: o.host, robot: o.robot };
    let namespace: Namespace;
    let oldToken: string | undefined;
    let steps: { name: string; steps: ReturnType<typeof successorSteps> } | undefined;
    const notes: string[] = [];
    const { shortName } = splitRobotName(o.robot);
    try {
      namespace = await namespaceOf(quay, o.robot);
      if (successor !== undefined) {
        const predecessor = await readPredecessor(quay, namespace, shortName);
        oldToken = predecessor.robot.token;
        const name = successor === true ? successorName(shortName, io.now?.() ?? new Date()) : successor;
        if (predecessor.taken.has(name)) return fail(io, `${namespace.name}+${name} exists already on ${o.host}: name another successor with --successor NAME.`);
        steps = { name, steps: successorSteps(quay, predecessor, name) };
        if (predecessor.federationUnreadable !== undefined) notes.push(`Warning: ${predecessor.federationUnreadable}`);
      } else oldToken = (await quay.getRobot(namespace, shortName)).token;
    } catch (e) {
      // QuayApiError messages name the instance and the object, never a token.
      return fail(io, `could not read ${o.robot} on ${o.host}: ${errorMessage(e)}`);
    }
    if (oldToken === undefined) return fail(io, `Quay at ${o.host} did not return the token of ${o.robot}: rotating needs an API token with admin rights on ${namespace.name}.`);
    const newRobot = steps !== undefined ? `${namespace.name}+${steps.name}` : o.robot;
    doc.newRobot = newRobot;
    doc.dryRun = o.dryRun;
    const scan = await scanFiles(o, o.robot, oldToken);
    const clusters = await scanClusters(o, { robot: o.robot, host: o.host });
    const pulls = await recentPulls(quay, namespace, o.robot, io.now?.() ?? new Date());
    if (pulls.length > 0) notes.push(`The token was used in the last 7 days by: ${pulls.slice(0, 5).join('; ')}`);
    const view: PlanView = { command: 'rotate', host: o.host, robot: o.robot, newRobot, scan, ...(clusters !== undefined ? { clusters } : {}), steps: steps?.steps.map((s) => s.label) ?? [], notes };
    const question = steps !== undefined ? `Create ${newRobot} and move these places to it? [y/N] ` : 'Regenerate the token (Quay invalidates the old one at once) and update these places? [y/N] ';
    const stop = await confirmPlan(o, io, view, doc, question);
    if (stop !== undefined) return stop;

    const p = ports(io, quay, journal, scan, clusters);
    const plan = { instanceUrl: o.origin, namespace, robot: o.robot, oldToken, ...(steps !== undefined ? { successor: steps } : {}), places: scan.usages, secrets: updatableSecrets(clusters) };
    let outcome;
    try {
      outcome = await executeRotation(p, plan);
    } catch (e) {
      // After the regeneration the journal is kept: --finish completes it.
      const pending = (await journal.list()).pending.find((q) => q.instanceUrl === o.origin && q.oldUser === o.robot);
      io.stderr(`quay-robots: ${errorMessage(e)}\n`);
      if (pending === undefined) return done(o, io, doc, 2);
      const finishing = finishCommand(o, pending);
      doc.finishCommand = finishing;
      io.stderr(`Finish with:\n  ${finishing}\n`);
      return done(o, io, doc, 1);
    }
    if (outcome.kind === 'not-rotated') {
      const message = notRotatedMessage(outcome, finishCommand(o, outcome.pending));
      doc.result = notRotatedJson(outcome, message);
      doc.finishCommand = outcome.oldTokenWorks ? null : finishCommand(o, outcome.pending);
      io.stderr(`quay-robots: ${message}\n`);
      return done(o, io, doc, outcome.oldTokenWorks ? 2 : 1);
    }
    return report(o, io, view, doc, outcome, outcome.steps, steps !== undefined ? `Successor ${newRobot} for ${o.robot}` : `Rotation of ${o.robot}`);
  } finally {
    await quay.close();
  }
}

async function finish(o: Options, io: CliIo, journal: FileJournal, token: string): Promise<number> {
  prestartReaders();
  const entries = await journal.list();
  for (const u of entries.unreadable) io.stderr(`quay-robots: ${u.where}: ${u.reason}\n`);
  const candidates = entries.pending.filter((p) => p.oldUser === o.robot && (o.origin === '' || p.instanceUrl === o.origin));
  if (candidates.length === 0) return fail(io, `no unfinished rotation of ${o.robot}${o.host !== '' ? ` on ${o.host}` : ''} in ${journal.dir}: nothing to finish.`);
  if (candidates.length > 1) throw new UsageError(`${o.robot} has unfinished rotations on ${candidates.map((p) => p.instanceUrl).join(' and ')}: pass --host HOST`);
  const pending = candidates[0];
  const host = hostOf(pending.instanceUrl);
  const oo: Options = { ...o, origin: pending.instanceUrl, host };
  const quay = client(pending.instanceUrl, token);
  try {
    const doc: Record<string, unknown> = { command: 'finish', host, robot: pending.oldUser, newRobot: pending.newUser, dryRun: o.dryRun };
    const scan = await scanFiles(oo, pending.oldUser, pending.oldToken);
    const clusters = await scanClusters(oo, { robot: pending.oldUser, host, token: pending.oldToken });
    const view: PlanView = { command: 'finish', host, robot: pending.oldUser, newRobot: pending.newUser, scan, ...(clusters !== undefined ? { clusters } : {}), steps: [], notes: [] };
    // The user agreed when the rotation started: --finish asks again only for a dry run.
    const stop = await confirmPlan({ ...oo, yes: true }, io, view, doc, '');
    if (stop !== undefined) return stop;
    const secrets = updatableSecrets(clusters);
    const unsearched = notSearched(view, oo.cwd);
    let outcome;
    try {
      outcome = await finishRotation(ports(io, quay, journal, scan, clusters), pending, { places: scan.usages, secrets, found: scan.usages.length + (clusters?.matches.length ?? 0), notSearched: unsearched });
    } catch (e) {
      return fail(io, `${errorMessage(e)} The rotation stays unfinished.`);
    }
    if (outcome.kind === 'nothing-found') {
      const message = nothingFoundMessage(pending.oldUser, outcome.notSearched, finishCommand(oo, pending));
      doc.result = { finished: !outcome.journalKept, message };
      doc.finishCommand = outcome.journalKept ? finishCommand(oo, pending) : null;
      if (!o.json) io.stdout(`${message}\n`);
      return done(oo, io, doc, outcome.journalKept ? 1 : 0);
    }
    return report(oo, io, view, doc, outcome, [], `Rotation of ${pending.oldUser} (finished)`);
  } finally {
    await quay.close();
  }
}
