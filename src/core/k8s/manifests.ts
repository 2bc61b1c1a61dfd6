/** Kubernetes manifests as text, built from strings that need no YAML quoting (names are validated first). */
import { authsKey, checkRobotName, checkToken, dockerConfigJson, pullSecretName, registryHost } from './credentials';
import type { RobotCredentials } from './credentials';
import { namespaceProblem, objectNameProblem } from './names';

export interface PullSecretOptions extends RobotCredentials {
  /** Adds `metadata.namespace` (the UI leaves it to `kubectl create --namespace=`). */
  readonly namespace?: string;
  /** Secret name; defaults to Quay's `<prefix>-pull-secret`. */
  readonly name?: string;
}

function checkName(name: string): void {
  const problem = objectNameProblem(name);
  if (problem !== undefined) throw new Error(problem);
}

function checkNamespace(namespace: string | undefined): void {
  if (namespace === undefined) return;
  const problem = namespaceProblem(namespace);
  if (problem !== undefined) throw new Error(problem);
}

/**
 * The pull Secret exactly as Quay's UI renders it (`<prefix>-secret.yml`, seven lines, no final line break),
 * with `  namespace: <ns>` after the name when a namespace is given:
 *
 * ```yaml
 * apiVersion: v1
 * kind: Secret
 * metadata:
 *   name: <prefix>-pull-secret
 * data:
 *   .dockerconfigjson: <base64 of the 2-space docker config JSON>
 * type: kubernetes.io/dockerconfigjson
 * ```
 */
export function pullSecretManifest(o: PullSecretOptions): string {
  const name = o.name ?? pullSecretName(o.robot);
  checkName(name);
  checkNamespace(o.namespace);
  const data = Buffer.from(dockerConfigJson(o), 'utf8').toString('base64');
  const lines = ['apiVersion: v1', 'kind: Secret', 'metadata:', `  name: ${name}`];
  if (o.namespace !== undefined) lines.push(`  namespace: ${o.namespace}`);
  lines.push('data:', `  .dockerconfigjson: ${data}`, 'type: kubernetes.io/dockerconfigjson');
  return lines.join('\n');
}

export interface ManifestStyle {
  /** Spaces per nesting level (default 2). */
  readonly indent?: number;
  /** Whether `- ` items sit one level under their key (default) or at the key's column, as `kubectl` prints. */
  readonly indentSequences?: boolean;
}

/**
 * A ServiceAccount that carries pull secrets, no final line break:
 *
 * ```yaml
 * apiVersion: v1
 * kind: ServiceAccount
 * metadata:
 *   name: <name>
 *   namespace: <namespace>      # only when given
 * imagePullSecrets:
 *   - name: <secret>
 * ```
 */
export function serviceAccountManifest(
  name: string,
  namespace: string | undefined,
  secretNames: readonly string[],
  style: ManifestStyle = {},
): string {
  checkName(name);
  checkNamespace(namespace);
  for (const s of secretNames) checkName(s);
  const pad = ' '.repeat(style.indent ?? 2);
  const itemPad = style.indentSequences === false ? '' : pad;
  const lines = ['apiVersion: v1', 'kind: ServiceAccount', 'metadata:', `${pad}name: ${name}`];
  if (namespace !== undefined) lines.push(`${pad}namespace: ${namespace}`);
  if (secretNames.length > 0) {
    lines.push('imagePullSecrets:');
    for (const s of secretNames) lines.push(`${itemPad}- name: ${s}`);
  }
  return lines.join('\n');
}

export interface KubectlSecretOptions extends PullSecretOptions {
  /**
   * Render `--docker-password="$VAR"` instead of the token, so the command can be shared or kept in shell
   * history without the secret in it.
   */
  readonly passwordFromEnv?: string;
}

/** Quote an argument for a POSIX shell, only when needed. */
export function shellQuote(arg: string): string {
  if (/^[A-Za-z0-9_./:@%+=,-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The argument vector of {@link kubectlCreateSecretCommand}, for running kubectl without a shell. */
export function kubectlCreateSecretArgs(o: PullSecretOptions): string[] {
  checkRobotName(o.robot);
  checkToken(o.token);
  const name = o.name ?? pullSecretName(o.robot);
  checkName(name);
  checkNamespace(o.namespace);
  registryHost(o.host);
  const args = [
    'create',
    'secret',
    'docker-registry',
    name,
    `--docker-server=${authsKey(o.host, o.robot, o.scope)}`,
    `--docker-username=${o.robot}`,
    `--docker-password=${o.token}`,
  ];
  if (o.namespace !== undefined) args.push(`--namespace=${o.namespace}`);
  args.push('--dry-run=client', '-o', 'yaml');
  return args;
}

/**
 * `kubectl create secret docker-registry NAME --docker-server=… --docker-username=… --docker-password=…
 * [--namespace=…] --dry-run=client -o yaml`. The server is the scope's auths key, so an org-scoped secret made
 * by kubectl matches the UI's. kubectl stores `{"auths":{"<server>":{"username","password","auth"}}}` (see
 * {@link kubectlDockerConfigJson}), a different shape from the UI's `{"auth","email":""}` with the same `auth`.
 */
export function kubectlCreateSecretCommand(o: KubectlSecretOptions): string {
  if (o.passwordFromEnv !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(o.passwordFromEnv)) {
    throw new Error(`"${o.passwordFromEnv}" is not an environment variable name.`);
  }
  const args = kubectlCreateSecretArgs(o.passwordFromEnv !== undefined ? { ...o, token: 'x' } : o);
  return ['kubectl', ...args]
    .map((a) => {
      if (o.passwordFromEnv !== undefined && a.startsWith('--docker-password=')) return `--docker-password="$${o.passwordFromEnv}"`;
      return shellQuote(a);
    })
    .join(' ');
}
