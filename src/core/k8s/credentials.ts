/**
 * Robot credentials rendered exactly as Quay's web UIs do (quay-api-contract.md §9; quay/quay
 * `web/src/components/modals/RobotTokensModal.tsx` and the Angular `credentials-dialog.js`), so a file made
 * here is byte-identical to the one a user would download from Quay.
 */
import { shellQuoteAlways, TOKEN_VARIABLE } from '../shell';
import { splitRobotName } from '../robotName';

/** Quay's "Secret scope" selector: `org` (the UI's default "Organization") keys auths by `host/namespace`. */
export type SecretScope = 'registry' | 'org';

export interface RobotCredentials {
  /** Quay's SERVER_HOSTNAME, e.g. `quay.io` or `quay.example.com:8443` (a scheme and trailing `/` are dropped). */
  readonly host: string;
  /** Full robot name `namespace+short`. */
  readonly robot: string;
  /** The robot token. Never logged or put in an error message. */
  readonly token: string;
  readonly scope: SecretScope;
}

const HOST_PATTERN = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)(?::\d{1,5})?$/;
const ROBOT_PATTERN = /^[^\s+:/]+\+[^\s+:/]+$/;

/**
 * The UI's file-name prefix: every character outside `[A-Za-z0-9]` becomes `-`, then one leading `-` is
 * dropped; no lower-casing. `myorg+ci_bot` → `myorg-ci-bot`.
 */
export function robotPrefix(fullName: string): string {
  const escaped = fullName.replace(/[^A-Za-z0-9]/g, '-');
  return escaped.startsWith('-') ? escaped.slice(1) : escaped;
}

/** The Secret name the UI uses: `<prefix>-pull-secret`. */
export function pullSecretName(fullName: string): string {
  return `${robotPrefix(fullName)}-pull-secret`;
}

/** The namespace (organization or user) a robot belongs to: the part before `+`. */
export function robotNamespace(fullName: string): string {
  return fullName.includes('+') ? splitRobotName(fullName).namespace : fullName;
}

/** `https://quay.example.com/` → `quay.example.com`; throws when what is left is not `host[:port]`. */
export function registryHost(input: string): string {
  const host = input.trim().replace(/^[A-Za-z][A-Za-z0-9+.-]*:\/\//, '').replace(/\/+$/, '');
  if (!HOST_PATTERN.test(host)) throw new Error(`"${input}" is not a registry host (expected host or host:port, e.g. quay.io).`);
  return host;
}

/** True for a full robot name `namespace+short` (a docker config user name that is a Quay robot). */
export function isRobotName(name: string): boolean {
  return ROBOT_PATTERN.test(name);
}

/** Throws unless the name is `namespace+short`. */
export function checkRobotName(fullName: string): void {
  if (!isRobotName(fullName)) throw new Error(`"${fullName}" is not a full robot name (expected namespace+name).`);
}

/** Throws (without echoing it) unless the token is non-empty and has no whitespace or control characters. */
export function checkToken(token: string): void {
  // The message never includes the token.
  if (token.length === 0) throw new Error('The robot token is empty.');
  if ([...token].some((ch) => /\s/.test(ch) || ch.charCodeAt(0) < 32 || ch.charCodeAt(0) === 127)) throw new Error('The robot token contains whitespace or control characters.');
}

/** The `auths` key for a scope: `host` (registry) or `host/<namespace>` (org). */
export function authsKey(host: string, robot: string, scope: SecretScope): string {
  const h = registryHost(host);
  return scope === 'org' ? `${h}/${robotNamespace(robot)}` : h;
}

/** base64("<robot>:<token>"), the `auth` field both Quay and Docker use. */
export function basicAuth(robot: string, token: string): string {
  return Buffer.from(`${robot}:${token}`, 'utf8').toString('base64');
}

/**
 * The Docker configuration exactly as Quay renders it (`<prefix>-auth.json`):
 * `{"auths": {"<key>": {"auth": "<base64>", "email": ""}}}`, 2-space pretty JSON, no trailing newline.
 */
export function dockerConfigJson(c: RobotCredentials): string {
  return JSON.stringify({ auths: dockerAuths(c) }, null, 2);
}

/** An `auths` entry as Quay renders it. */
export interface DockerAuth {
  readonly auth: string;
  readonly email: string;
}

/** The `auths` of {@link dockerConfigJson}: `{"<key>": {"auth": "<base64>", "email": ""}}`. */
export function dockerAuths(c: RobotCredentials): Record<string, DockerAuth> {
  checkRobotName(c.robot);
  checkToken(c.token);
  return { [authsKey(c.host, c.robot, c.scope)]: { auth: basicAuth(c.robot, c.token), email: '' } };
}

/**
 * What `kubectl create secret docker-registry` stores instead, for comparison and for reading Secrets made that
 * way (kubectl `pkg/cmd/create/create_secret_docker.go`: Go `json.Marshal` of
 * `DockerConfigJSON{Auths: map[server]DockerConfigEntry{Username, Password, Email omitempty, Auth}}`), compact,
 * field order username, password, email (omitted when empty), auth.
 */
export function kubectlDockerConfigJson(server: string, username: string, password: string, email = ''): string {
  const entry: Record<string, string> = { username, password };
  if (email !== '') entry.email = email;
  entry.auth = basicAuth(username, password);
  return JSON.stringify({ auths: { [server]: entry } });
}

export interface DockerAuthEntry {
  readonly key: string;
  /** The user name, from `username` or else decoded from `auth`. */
  readonly username: string | undefined;
}

/**
 * The `auths` map of a Docker config: `{"auths": {...}}`, or with `legacy` the `.dockercfg` object keyed by
 * registry; else why not, naming the config `what`.
 */
export function dockerConfigAuths(json: string, legacy: boolean, what: string): { auths: Record<string, unknown> } | { reason: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return { reason: `${what} is not valid JSON` };
  }
  const auths: unknown = legacy ? parsed : (parsed as { auths?: unknown } | null)?.auths;
  if (typeof auths !== 'object' || auths === null || Array.isArray(auths)) return { reason: legacy ? `${what} is not a JSON object` : `${what} has no auths object` };
  return { auths: auths as Record<string, unknown> };
}

/**
 * The registries a `.dockerconfigjson` (`{"auths": {...}}`) or legacy `.dockercfg` (`{...}` keyed by registry)
 * holds credentials for; undefined when the JSON is not one of those. Passwords are not returned.
 */
export function readDockerConfig(json: string, legacy = false): DockerAuthEntry[] | undefined {
  const config = dockerConfigAuths(json, legacy, 'the docker config');
  if ('reason' in config) return undefined;
  return Object.entries(config.auths).map(([key, value]) => {
    let username: string | undefined;
    if (typeof value === 'object' && value !== null) {
      const v = value as Record<string, unknown>;
      if (typeof v.username === 'string') username = v.username;
      else if (typeof v.auth === 'string') {
        const decoded = Buffer.from(v.auth, 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        if (colon > 0) username = decoded.slice(0, colon);
      }
    }
    return { key, username };
  });
}

/**
 * `docker login` / `podman login` with the token on standard input, read from `$QUAY_TOKEN` by the shell's
 * `printf` builtin: the token is in no process's arguments (`ps`) and not in the shell history.
 */
export function loginCommand(tool: 'docker' | 'podman', c: Pick<RobotCredentials, 'host' | 'robot'>): string {
  checkRobotName(c.robot);
  return `printf %s "$${TOKEN_VARIABLE}" | ${tool} login --username ${shellQuoteAlways(c.robot)} --password-stdin ${registryHost(c.host)}`;
}

/**
 * The Quay UI's login command, `<tool> login -u='<robot>' -p='<token>' <host>` (single quotes, PROJQUAY-9683): the token ends up in the shell
 * history and in `ps`. Offered only as an explicitly labelled choice.
 */
export function loginCommandWithToken(tool: 'docker' | 'podman', c: Pick<RobotCredentials, 'host' | 'robot' | 'token'>): string {
  checkRobotName(c.robot);
  checkToken(c.token);
  return `${tool} login -u=${shellQuoteAlways(c.robot)} -p=${shellQuoteAlways(c.token)} ${registryHost(c.host)}`;
}
