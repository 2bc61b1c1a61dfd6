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

/**
 * Removes credentials from text bound for a log: Authorization header values, Basic/Bearer
 * credentials, JSON "token"/"password"/"auth" values, docker login -p arguments, and any of the
 * given known secrets verbatim. Applied once at the adapter, so no call site can forget it.
 */
export function redact(text: string, knownSecrets: Iterable<string> = []): string {
  let out = text;
  for (const secret of knownSecrets) {
    if (secret.length >= 8) out = out.split(secret).join(REDACTED);
  }
  return out
    .replace(/(authorization["']?\s*[:=]\s*["']?)(?:bearer|basic)?\s*[^\s"',}]+/gi, `$1${REDACTED}`)
    .replace(/\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${REDACTED}`)
    .replace(/("(?:token|password|auth|\.dockerconfigjson)"\s*:\s*")[^"]*(")/gi, `$1${REDACTED}$2`)
    .replace(/(-p[= ]'?)[^'\s]+('?)/g, `$1${REDACTED}$2`);
}
