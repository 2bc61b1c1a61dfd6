/**
 * What every `quay-robots` command shares: the usage text, the I/O it runs with (injected in tests), the usage
 * error and the way a refusal is printed (exit 2).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import type { Kubectl } from './core/k8s/kubectl';
import { OVER_MAX_FILE_TEXT } from './core/rotation/notScanned';

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
  /** Asks a yes/no question on the terminal (`rotate` without `--yes`); absent: nobody to ask. */
  readonly confirm?: (question: string) => Promise<boolean>;
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
      Skipped, always: .git, node_modules and the --exclude globs. Listed on stderr, one line each, and
      making the scan incomplete: files ${OVER_MAX_FILE_TEXT}, unreadable files and folders, binary files holding
      the token (searched for its literal forms only), UTF-16 files, symbolic links to files outside DIR
      (never followed), and anything that is not a regular file (a FIFO, a socket, a device: never read).
      Exit 1 when it found any, 0 when none and everything was searched, 3 when none but the scan was
      incomplete (see stderr), 2 on bad input.

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

  quay-robots rotate --host HOST --robot NS+NAME [DIR...] [--context CTX]... [--successor [NAME]] [--dry-run] [--yes]
                    [--format text|json] [--exclude GLOB]... [--kubeconfig FILE] [--kubectl PATH]
  quay-robots rotate --finish --robot NS+NAME [--host HOST] [DIR...] [--context CTX]... [--format text|json]
      Rotate the robot's token everywhere it is stored: the files under each DIR (default "."; as find-token
      finds them) and the pull Secrets of each kubectl context CTX (none without --context). Prints the plan:
      each place with file:line:column and encoding, each Secret with context and namespace, what cannot be
      updated here (managed Secrets, SealedSecrets, vault-backed ExternalSecrets…) and what was not searched.
      --dry-run stops there. Without --yes it asks on the terminal, and with no terminal refuses (exit 2,
      nothing changed). Then Quay regenerates the token (or, with --successor, creates the successor NAME,
      default NAME_yyyymmdd, with the robot's permissions, teams, default permissions and federation, and the
      places move to its name and token), every place is updated (files atomically with their mode kept,
      Secrets with their resourceVersion as precondition), and registry logins check that the new credentials
      work and the old token is refused. A journal (mode 0600, $XDG_STATE_HOME/quay-robots/rotations/) is
      written before the regeneration; --finish reads it, updates what still holds the old token, and deletes
      it once nothing is left. The API token (admin on NS) comes from $QUAY_TOKEN, else standard input.
      --successor NAME: NAME is taken as a DIR when a file or folder of that name exists; --successor=NAME never.
      --format json prints one JSON object (see the README). Exit 0 every place updated; 1 something left or
      not searched (the command that finishes it is printed when it can); 2 bad input, refused, or nothing changed
      (the old token still works).

  quay-robots --help
`;


export class UsageError extends Error {}

export function printUsage(io: CliIo): number {
  io.stdout(USAGE);
  return 0;
}

export function fail(io: CliIo, message: string): number {
  io.stderr(`quay-robots: ${message}\n`);
  return 2;
}

/**
 * The Quay API token: `$QUAY_TOKEN`, else standard input (after `prompt` on stderr when it is a terminal).
 * Undefined when there is none.
 */
export async function readApiToken(io: CliIo, prompt: string): Promise<string | undefined> {
  let token = (io.env ?? process.env).QUAY_TOKEN?.trim() ?? '';
  if (token === '') {
    if (io.stdinIsTTY) io.stderr(`${prompt}\n`);
    token = (await io.readStdin()).trim();
  }
  return token === '' ? undefined : token;
}

/** The contexts given, else the kubeconfig's current one (a `KubectlError` when kubectl cannot be run). */
export async function contextsOrCurrent(kubectl: Pick<Kubectl, 'contexts'>, given: readonly string[]): Promise<readonly string[]> {
  if (given.length > 0) return given;
  const current = (await kubectl.contexts()).current;
  if (current === undefined) throw new UsageError('the kubeconfig has no current context: pass --context CTX');
  return [current];
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
    confirm: async (question) => {
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return /^y(es)?$/i.test((await rl.question(question)).trim());
      } finally {
        rl.close();
      }
    },
  };
}
