/**
 * The logging seam of the headless core. The extension adapts it to a LogOutputChannel,
 * tests to an array; the core never knows which.
 */
export interface Logger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const silentLogger: Logger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

const REDACTED = '«redacted»';
/** Shorter known secrets are not replaced verbatim: they would blank out ordinary words. */
const MIN_SECRET_LENGTH = 8;
/** Keys whose string value is a credential, in plain (`"token": "…"`) or escaped (`\"token\":\"…\"`) JSON, or a Python dict. */
const SECRET_KEYS = String.raw`(?:access_|refresh_|id_)?token|password|auth|\.dockerconfigjson`;

const PATTERNS: readonly (readonly [RegExp, string])[] = [
  // Header values: `Authorization: Bearer …`, `"authorization": "Basic …"`, `X-Token: …`.
  [/((?:authorization|x-token)\\?["']?\s*[:=]\s*\\?["']?)(?:bearer\s+|basic\s+)?[^\s"'\\,}]+/gi, `$1${REDACTED}`],
  [/\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${REDACTED}`],
  [new RegExp(String.raw`((\\?)"(?:${SECRET_KEYS})\2"\s*:\s*\2")(?:(?!\2").)*(\2")`, 'gi'), `$1${REDACTED}$3`],
  // A Python dict (`{'token': '…'}`), as in the jsonschema errors Quay returns (contract §0.4, "On instance: {…}"):
  // repr quotes a value with ' unless it holds one, then with ", and escapes backslashes and its own quote.
  [new RegExp(String.raw`('(?:${SECRET_KEYS})'\s*:\s*)(['"])(?:\\.|(?!\2)[^\\])*\2`, 'gi'), `$1$2${REDACTED}$2`],
  // YAML or plain `auth: <base64>` / `.dockerconfigjson: <base64>` (a Secret manifest, a config dump).
  [/((?<![\w.-])(?:auth|\.dockerconfigjson)\s*:\s*["']?)[A-Za-z0-9+/]{16,}={0,2}/gi, `$1${REDACTED}`],
  [/([?&]access_token=)[^&#\s"']+/gi, `$1${REDACTED}`],
  // URL user-info: `https://user:password@host`.
  [/(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"']+@/gi, `$1${REDACTED}@`],
  [/(--(?:docker-)?password(?:=|\s+))(["']?)[^\s"']+\2/gi, `$1$2${REDACTED}$2`],
  // `-p <password>` only in a registry login command: elsewhere (`cp -p`, `ssh -p 2222`) it is not a password.
  [/(\blogin\b[^\n]*?\s-p(?:=|\s+))(["']?)[^\s"']+\2/g, `$1$2${REDACTED}$2`],
];

/**
 * Removes credentials from text bound for a log, a notification or a tree row: Authorization and
 * X-Token header values, Basic/Bearer credentials, JSON (also escaped JSON) and Python-dict token/password/auth values,
 * base64 `auth`/`.dockerconfigjson` values, `access_token` query parameters, URL user-info, the
 * password of `--password`, `--docker-password` and a login command's `-p`, and any of the given
 * known secrets verbatim.
 */
export function redact(text: string, knownSecrets: Iterable<string> = []): string {
  let out = text;
  for (const secret of knownSecrets) {
    if (secret.length >= MIN_SECRET_LENGTH) out = out.split(secret).join(REDACTED);
  }
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/**
 * A Logger that cleans every line with `redact()` plus every secret it was told about, before handing
 * it to `sink`. Its `clean` is the one cleaner for anything else shown to the user (notifications,
 * tree rows), and tagged copies share its secrets.
 */
export class RedactingLogger implements Logger {
  constructor(
    private readonly sink: Logger,
    private readonly tag = '',
    private readonly knownSecrets = new Set<string>(),
  ) {}

  /** Registers a secret (a token read, sent or received) so it is redacted verbatim from then on. */
  readonly rememberSecret = (secret: string | undefined): void => {
    if (secret !== undefined && secret.length >= MIN_SECRET_LENGTH) this.knownSecrets.add(secret);
  };

  readonly clean = (text: string): string => redact(text, this.knownSecrets);

  trace(message: string): void {
    this.sink.trace(this.clean(this.tag + message));
  }
  debug(message: string): void {
    this.sink.debug(this.clean(this.tag + message));
  }
  info(message: string): void {
    this.sink.info(this.clean(this.tag + message));
  }
  warn(message: string): void {
    this.sink.warn(this.clean(this.tag + message));
  }
  error(message: string): void {
    this.sink.error(this.clean(this.tag + message));
  }

  /** A logger that prefixes a component tag, e.g. `[tree]`, and shares this one's secrets. */
  tagged(component: string): RedactingLogger {
    return new RedactingLogger(this.sink, `${this.tag}[${component}] `, this.knownSecrets);
  }
}

/** What a caught value says: an `Error`'s message, anything else as a string. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
