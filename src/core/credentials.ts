/**
 * Robot credentials in the formats the Quay UI offers (contract §9): docker/podman login commands and a Docker
 * `config.json`, for the registry (`host`) or the organization (`host/org`) scope.
 */
export type SecretScope = 'registry' | 'org';

export interface RobotCredentials {
  /** Registry host as Quay's SERVER_HOSTNAME: `quay.io`, `quay.example.com:8443`. */
  readonly host: string;
  /** Full robot name `ns+short`. */
  readonly username: string;
  readonly token: string;
}

/** Quay's file-name prefix: every char not [A-Za-z0-9] becomes '-', one leading '-' dropped (`acme+ci_bot` → `acme-ci-bot`). */
export function robotPrefix(fullName: string): string {
  return fullName.replace(/[^A-Za-z0-9]/g, '-').replace(/^-/, '');
}

/** The pull-secret name the Quay UI uses: `<prefix>-pull-secret`. */
export function pullSecretName(fullName: string): string {
  return `${robotPrefix(fullName)}-pull-secret`;
}

/** Single-quoted for a POSIX shell. */
function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export function loginCommand(tool: 'docker' | 'podman', c: RobotCredentials): string {
  return `${tool} login -u=${shellQuote(c.username)} -p=${shellQuote(c.token)} ${c.host}`;
}

/** The `auths` key: `host` for the registry scope, `host/<namespace>` for the organization scope (Quay PR #2823). */
export function authsKey(host: string, robot: string, scope: SecretScope): string {
  return scope === 'registry' ? host : `${host}/${robot.slice(0, Math.max(0, robot.indexOf('+')))}`;
}

/** `{"auths": {key: {"auth": base64(user:token), "email": ""}}}`, 2-space JSON as the Quay UI writes it. */
export function dockerConfigJson(c: RobotCredentials, scope: SecretScope): string {
  const auth = Buffer.from(`${c.username}:${c.token}`, 'utf8').toString('base64');
  return JSON.stringify({ auths: { [authsKey(c.host, c.username, scope)]: { auth, email: '' } } }, null, 2);
}
