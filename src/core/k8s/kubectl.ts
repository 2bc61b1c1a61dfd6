/**
 * Talking to clusters the way the Kubernetes extension for VS Code does: run the user's own `kubectl` through
 * `execFile` (never a shell) with an explicit `--context`, and `--kubeconfig` when one is given. Every kubeconfig
 * then works (exec plugins for EKS, GKE, AKS and OpenShift, client certificates, proxies) without our own client.
 *
 * - Secrets and tokens travel on standard input or standard output only, never as arguments.
 * - Only forms kubectl 1.20 already has: `get -o json`, `get --raw`, `create --raw -f -` (TokenRequest),
 *   `replace -f -`, `apply -f -`.
 * - Errors are a {@link KubectlError} whose message says in one sentence what went wrong (kubectl missing,
 *   context unknown, cluster unreachable, forbidden, conflict) and quotes kubectl's own first error line.
 */
import { execFile } from 'node:child_process';

/** How long one kubectl call may take before it is killed. */
const DEFAULT_TIMEOUT_MS = 60_000;
/** Listing every Secret of a big cluster is large; more than this is refused rather than buffered. */
const MAX_OUTPUT_BYTES = 256 * 1024 * 1024;

/** `untrusted`: nothing was run, the workspace is not trusted ({@link KubectlOptions.refusal}). */
export type KubectlErrorKind = 'missing' | 'untrusted' | 'noContext' | 'unreachable' | 'forbidden' | 'notFound' | 'conflict' | 'failed';

export class KubectlError extends Error {
  constructor(
    readonly kind: KubectlErrorKind,
    message: string,
    /** kubectl's standard error, trimmed (kubectl never echoes a Secret's data or a token there). */
    readonly stderr: string,
  ) {
    super(message);
    this.name = 'KubectlError';
  }
}

export interface KubectlOptions {
  /** The kubectl executable: the `quay.kubectl.path` setting, else `kubectl` on the PATH. */
  readonly path?: string;
  /** A kubeconfig file; without it kubectl reads `$KUBECONFIG` or `~/.kube/config` as usual. */
  readonly kubeconfig?: string;
  readonly timeoutMs?: number;
  /**
   * When set, no kubectl is ever run: every call rejects with an `untrusted` {@link KubectlError} with this message.
   * The extension sets it in an untrusted workspace, where the program and its kubeconfig could be the workspace's
   * choice (as git is not run there, core/git.ts).
   */
  readonly refusal?: string;
}

export interface KubeContexts {
  readonly names: readonly string[];
  /** The kubeconfig's current-context, if it names one of {@link names}. */
  readonly current: string | undefined;
}

/** What a TokenRequest returns: the token (never logged) and when it expires. */
export interface ServiceAccountToken {
  readonly token: string;
  readonly expiresAt: string | undefined;
}

/**
 * How much of kubectl's standard error is looked at. Everything kubectl relays (an API server's `Status.message`,
 * an admission webhook's denial, an exec plugin's output) can be as long as its author likes; kubectl's own
 * sentences are short and come first.
 */
export const CLASSIFIED_STDERR_CHARS = 8 * 1024;
/** How much of kubectl's first error line a message quotes. */
export const QUOTED_LINE_CHARS = 300;

/**
 * What sorts a failure. Each is a literal alternation, a bounded gap (`[^\n]{0,200}`) or a run that stops at
 * the character after it (`[^"\n]*"`), never `.*`: on a hostile line repeating an alternative's prefix, the work
 * per position is bounded, so the whole is linear in the (already capped) text. `.*` here backtracked
 * quadratically: a 2.2 MiB line took 112 s.
 */
export const KUBECTL_FAILURE_PATTERNS = {
  noContext: /context was not found for specified context|context "[^"\n]*" does not exist|no context exists with the name/i,
  unreachable:
    /Unable to connect to the server|connection refused|no such host|i\/o timeout|dial tcp|TLS handshake timeout|x509:|certificate signed by unknown authority|The connection to the server [^\n]{0,200} was refused|did you specify the right host or port|Client\.Timeout exceeded|the server has asked for the client to provide credentials|Unauthorized/i,
  forbidden: /\bforbidden\b/i,
  conflict: /the object has been modified|\bConflict\b|please apply your changes to the latest version/i,
  notFound: /\bNotFound\b|\(NotFound\)|not found/i,
} as const;

/** `text` cut to `max` characters, with an ellipsis when something was cut. */
function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

/** The first line of kubectl's standard error that says something, without kubectl's `error: ` prefix, at most {@link QUOTED_LINE_CHARS}. */
function firstLine(stderr: string): string {
  const line = stderr.split('\n').map((l) => l.trim()).find((l) => l !== '' && !/^(?:I|W)\d{4} /.test(l)) ?? '';
  return clip(line.replace(/^error: /, ''), QUOTED_LINE_CHARS);
}

/**
 * Sorts a failed kubectl run into one of the kinds, with one clear sentence. Only the first
 * {@link CLASSIFIED_STDERR_CHARS} characters of standard error are looked at and kept, and the quoted line is cut
 * to {@link QUOTED_LINE_CHARS}.
 */
export function classifyKubectlFailure(stderr: string, context: string | undefined): KubectlError {
  const text = clip(stderr.slice(0, CLASSIFIED_STDERR_CHARS + 1).trim(), CLASSIFIED_STDERR_CHARS);
  const line = firstLine(text);
  const where = context === undefined ? 'the current context' : `context "${context}"`;
  const p = KUBECTL_FAILURE_PATTERNS;
  if (p.noContext.test(text)) return new KubectlError('noContext', `The kubeconfig has no context "${context ?? ''}".`, text);
  if (p.unreachable.test(text)) return new KubectlError('unreachable', `Cannot reach the cluster of ${where}: ${line}`, text);
  if (p.forbidden.test(text)) return new KubectlError('forbidden', `Forbidden in ${where}: ${line}`, text);
  if (p.conflict.test(text)) return new KubectlError('conflict', `Changed in ${where} since it was read: ${line}`, text);
  if (p.notFound.test(text)) return new KubectlError('notFound', `Not found in ${where}: ${line}`, text);
  return new KubectlError('failed', `kubectl failed for ${where}: ${line || 'no message'}`, text);
}

/** One kubectl executable and kubeconfig. Every call names its context explicitly. */
export class Kubectl {
  readonly path: string;
  readonly kubeconfig: string | undefined;
  private readonly timeoutMs: number;
  private readonly refusal: string | undefined;

  constructor(options: KubectlOptions = {}) {
    this.refusal = options.refusal;
    this.path = options.path !== undefined && options.path.trim() !== '' ? options.path.trim() : 'kubectl';
    this.kubeconfig = options.kubeconfig !== undefined && options.kubeconfig.trim() !== '' ? options.kubeconfig.trim() : undefined;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /**
   * Runs `kubectl [--kubeconfig F] [--context C] <args>` with `input` on standard input; resolves with standard
   * output, rejects with a {@link KubectlError}.
   */
  run(context: string | undefined, args: readonly string[], input?: string): Promise<string> {
    if (this.refusal !== undefined) return Promise.reject(new KubectlError('untrusted', this.refusal, ''));
    const all = [
      ...(this.kubeconfig !== undefined ? [`--kubeconfig=${this.kubeconfig}`] : []),
      ...(context !== undefined ? [`--context=${context}`] : []),
      ...args,
    ];
    return new Promise<string>((resolve, reject) => {
      const child = execFile(
        this.path,
        all,
        { encoding: 'utf8', maxBuffer: MAX_OUTPUT_BYTES, timeout: this.timeoutMs, windowsHide: true },
        (error, stdout, stderr) => {
          if (error === null) {
            resolve(stdout);
            return;
          }
          const code = (error as NodeJS.ErrnoException).code;
          if (code === 'ENOENT' || code === 'EACCES') {
            reject(new KubectlError('missing', `kubectl was not found at "${this.path}". Install kubectl or set quay.kubectl.path to its location.`, ''));
          } else if (error.killed === true) {
            reject(new KubectlError('unreachable', `kubectl did not answer within ${Math.round(this.timeoutMs / 1000)} s for ${context === undefined ? 'the current context' : `context "${context}"`}.`, stderr.slice(0, CLASSIFIED_STDERR_CHARS)));
          } else {
            reject(classifyKubectlFailure(stderr, context));
          }
        },
      );
      child.stdin?.on('error', () => undefined); // kubectl may exit before reading its input; the callback reports why
      child.stdin?.end(input ?? '');
    });
  }

  /** The kubeconfig's contexts and its current-context. */
  async contexts(): Promise<KubeContexts> {
    const names = (await this.run(undefined, ['config', 'get-contexts', '-o', 'name'])).split('\n').map((l) => l.trim()).filter((l) => l !== '');
    let current: string | undefined;
    try {
      current = (await this.run(undefined, ['config', 'current-context'])).trim();
    } catch (e) {
      if (!(e instanceof KubectlError) || e.kind === 'missing' || e.kind === 'untrusted') throw e;
      current = undefined; // "current-context is not set"
    }
    return { names, current: current !== undefined && names.includes(current) ? current : undefined };
  }

  /**
   * `kubectl get -o json <args>`, parsed. Names taken from an API answer go after `--` in `args`
   * (`['-n', ns, '--', 'secret', name]`), so that none can be read as a flag.
   */
  async getJson(context: string, args: readonly string[]): Promise<unknown> {
    return parseJson(await this.run(context, ['get', '-o', 'json', ...args]), context);
  }

  /** `kubectl get --raw <path>`: the API server's answer as text (e.g. `/.well-known/openid-configuration`). */
  getRaw(context: string, path: string): Promise<string> {
    return this.run(context, ['get', '--raw', path]);
  }

  /** `kubectl create --raw <path> -f -` with `body` on standard input, parsed. */
  async createRaw(context: string, path: string, body: unknown): Promise<unknown> {
    return parseJson(await this.run(context, ['create', '--raw', path, '-f', '-'], JSON.stringify(body)), context);
  }

  /**
   * `kubectl replace -f -` with the object on standard input. With `metadata.resourceVersion` set, the API server
   * refuses it (a `conflict` {@link KubectlError}) when the object changed since it was read.
   */
  async replace(context: string, object: unknown): Promise<unknown> {
    return parseJson(await this.run(context, ['replace', '-o', 'json', '-f', '-'], JSON.stringify(object)), context);
  }

  /** `kubectl apply -f -` (YAML or JSON on standard input); `dryRun: 'server'` validates without storing. */
  apply(context: string, manifest: string, options: { dryRun?: 'server' } = {}): Promise<string> {
    return this.run(context, ['apply', ...(options.dryRun === 'server' ? ['--dry-run=server'] : []), '-f', '-'], manifest);
  }

  /**
   * A short-lived token for a ServiceAccount (TokenRequest through `create --raw`, which kubectl 1.20 has;
   * `kubectl create token` came only in 1.24). The token is returned, never logged.
   */
  async requestToken(context: string, namespace: string, serviceAccount: string, audience: string, expirationSeconds = 600): Promise<ServiceAccountToken> {
    const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/serviceaccounts/${encodeURIComponent(serviceAccount)}/token`;
    const answer = await this.createRaw(context, path, {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: { audiences: [audience], expirationSeconds },
    });
    const status = (answer as { status?: { token?: unknown; expirationTimestamp?: unknown } } | null)?.status;
    if (typeof status?.token !== 'string' || status.token === '') {
      throw new KubectlError('failed', `The TokenRequest for ServiceAccount ${namespace}/${serviceAccount} in context "${context}" returned no token.`, '');
    }
    return { token: status.token, expiresAt: typeof status.expirationTimestamp === 'string' ? status.expirationTimestamp : undefined };
  }
}

function parseJson(text: string, context: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new KubectlError('failed', `kubectl printed something other than JSON for context "${context}".`, '');
  }
}
