/** Kubernetes manifests as text, built from strings that need no YAML quoting (names are validated first). */
import { shellQuote, shellQuoteAlways, TOKEN_VARIABLE } from '../shell';
import { authsKey, checkRobotName, dockerConfigJson, pullSecretName } from './credentials';
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

/**
 * A shell pipeline that creates or updates the pull Secret with kubectl, the token read from `$QUAY_TOKEN`:
 * the shell's `printf` builtin renders the `.dockerconfigjson` (Quay's `{"auths":{"<key>":{"auth","email"}}}`,
 * compact) onto kubectl's standard input, so the token is in no process's arguments (`ps`) and not in the shell
 * history. `--dry-run=client -o yaml | kubectl apply -f -` makes it create-or-update, as `apply` does.
 *
 * ```sh
 * printf '{"auths":{"%s":{"auth":"%s","email":""}}}' quay.io/acme "$(printf '%s:%s' 'acme+ci' "$QUAY_TOKEN" | base64 | tr -d '\n')" |
 *   kubectl create secret generic acme-ci-pull-secret --type=kubernetes.io/dockerconfigjson
 *   --from-file=.dockerconfigjson=/dev/stdin [--namespace=NS] --dry-run=client -o yaml | kubectl apply -f -
 * ```
 */
export function kubectlApplySecretCommand(o: Omit<PullSecretOptions, 'token'>): string {
  checkRobotName(o.robot);
  const name = o.name ?? pullSecretName(o.robot);
  checkName(name);
  checkNamespace(o.namespace);
  const auth = `"$(printf '%s:%s' ${shellQuoteAlways(o.robot)} "$${TOKEN_VARIABLE}" | base64 | tr -d '\\n')"`;
  const json = ['printf', shellQuote('{"auths":{"%s":{"auth":"%s","email":""}}}'), shellQuote(authsKey(o.host, o.robot, o.scope)), auth].join(' ');
  const create = ['kubectl', 'create', 'secret', 'generic', name, '--type=kubernetes.io/dockerconfigjson', '--from-file=.dockerconfigjson=/dev/stdin'];
  if (o.namespace !== undefined) create.push(`--namespace=${o.namespace}`);
  create.push('--dry-run=client', '-o', 'yaml');
  return `${json} | ${create.map(shellQuote).join(' ')} | kubectl apply -f -`;
}

/** `kubectl patch` giving a ServiceAccount the Secret `secretName` as its `imagePullSecrets`. */
export function kubectlPatchServiceAccountCommand(o: { readonly serviceAccount: string; readonly namespace: string; readonly secretName: string }): string {
  checkName(o.serviceAccount);
  checkNamespace(o.namespace);
  checkName(o.secretName);
  const patch = JSON.stringify({ imagePullSecrets: [{ name: o.secretName }] });
  return ['kubectl', 'patch', 'serviceaccount', o.serviceAccount, `--namespace=${o.namespace}`, '-p', patch].map(shellQuote).join(' ');
}
