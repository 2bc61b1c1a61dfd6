import { redact } from '../log';

/**
 * One typed error for everything that can go wrong talking to Quay (house-style §10). The reason is
 * mapped once, here, from the HTTP status, Quay's five error-body shapes (contract §0.4) or the
 * transport failure; the server's own message is kept in `serverMessage` and quoted in `message`.
 */

export type QuayErrorReason =
  | 'unauthorized'
  | 'forbidden'
  | 'notFound'
  | 'invalidRequest'
  | 'rateLimited'
  | 'conflict'
  | 'server'
  /** A 2xx answer whose body is not what the contract promises (missing field, not JSON). */
  | 'invalidResponse'
  | 'network'
  | 'timeout'
  | 'tls'
  | 'cancelled';

/** What a call was doing, for messages: `{ action: 'delete robot', object: 'acme+ci' }`. */
export interface Operation {
  readonly action: string;
  readonly object?: string;
  /** Per-reason advice that beats the generic one, e.g. which scope a 403 needs here. */
  readonly hints?: Partial<Record<QuayErrorReason, string>>;
}

export interface QuayApiErrorInit {
  readonly reason: QuayErrorReason;
  readonly instance: string;
  readonly method: string;
  readonly path: string;
  readonly operation: Operation;
  readonly status?: number;
  readonly serverMessage?: string;
  /** Replaces the generated message tail (after "Quay at … <verb> <action>"). */
  readonly detail?: string;
  /** Appended to the server's message in `message`, e.g. "the token may be invalid or expired". */
  readonly note?: string;
  readonly userHint?: string;
  readonly code?: string;
  readonly cause?: unknown;
  /** Credentials the request carried: redacted (with every pattern of `redact()`) from the server's message, the detail and the note. */
  readonly secrets?: readonly string[];
}

const DEFAULT_HINTS: Partial<Record<QuayErrorReason, string>> = {
  unauthorized: 'Sign in again with a new token: this one is unknown, revoked or expired, or lacks the scope this call needs.',
  forbidden:
    "The token's user is not allowed to do this, or the token lacks the scope (org:admin, repo:admin, user:admin). Ask an organization admin, or sign in with a token that has the scope.",
  notFound: 'It may have been deleted or renamed; refresh the view.',
  rateLimited: 'Quay is rate-limiting this client. Wait a moment and retry, or lower the number of concurrent requests.',
  server: 'Quay failed while handling the request. Retry later; if it persists, check the Quay server logs.',
  invalidResponse: 'The server did not answer like Quay does. Check that the URL points to a Quay instance (and not to a proxy login page).',
  network: 'Check the URL, the network, proxy or VPN, and that Quay is running.',
  timeout: 'Retry, or raise the request timeout if the instance is slow.',
  tls: 'If the instance uses a private CA, configure its CA bundle for this instance. Turning TLS verification off is a last resort.',
};

export class QuayApiError extends Error {
  override readonly name = 'QuayApiError';
  readonly reason: QuayErrorReason;
  readonly status: number | undefined;
  readonly method: string;
  /** Request path (with query), never the full URL with credentials. */
  readonly path: string;
  /** The instance label used in the message (usually the host). */
  readonly instance: string;
  readonly operation: Operation;
  /** Quay's own words, when the body carried any. */
  readonly serverMessage: string | undefined;
  /** What the user can do about it. */
  readonly userHint: string | undefined;
  /** Node/undici error code for transport failures (ECONNREFUSED, CERT_HAS_EXPIRED, …). */
  readonly code: string | undefined;

  constructor(raw: QuayApiErrorInit) {
    const init = cleaned(raw);
    super(composeMessage(init), init.cause !== undefined ? { cause: init.cause } : undefined);
    this.reason = init.reason;
    this.status = init.status;
    this.method = init.method;
    this.path = init.path;
    this.instance = init.instance;
    this.operation = init.operation;
    this.serverMessage = init.serverMessage;
    this.code = init.code;
    this.userHint = init.userHint ?? init.operation.hints?.[init.reason] ?? DEFAULT_HINTS[init.reason];
  }

  /** `QuayApiError.is(e, 'unauthorized')`; without a reason, any QuayApiError. */
  static is(error: unknown, reason?: QuayErrorReason | readonly QuayErrorReason[]): error is QuayApiError {
    if (!(error instanceof QuayApiError)) return false;
    if (reason === undefined) return true;
    return typeof reason === 'string' ? error.reason === reason : reason.includes(error.reason);
  }
}

/** The init with every text that can come from the server or the network run through `redact()`. */
function cleaned(init: QuayApiErrorInit): QuayApiErrorInit {
  const clean = (text: string | undefined): string | undefined => (text === undefined ? undefined : redact(text, init.secrets));
  return { ...init, serverMessage: clean(init.serverMessage), detail: clean(init.detail), note: clean(init.note) };
}

function target(op: Operation): string {
  return op.object !== undefined && op.object !== '' ? `${op.action} ${op.object}` : op.action;
}

function composeMessage(init: QuayApiErrorInit): string {
  const where = `Quay at ${init.instance}`;
  const what = target(init.operation);
  const status = init.status !== undefined ? ` (HTTP ${init.status})` : '';
  const text = init.serverMessage ?? init.detail;
  const said = init.note === undefined ? text : text === undefined ? init.note : `${text.replace(/\.$/, '')} — ${init.note}`;
  switch (init.reason) {
    case 'network':
      return `Could not reach ${where} to ${what}: ${init.detail ?? 'network error'}`;
    case 'timeout':
      return `${where} did not answer in time to ${what}: ${init.detail ?? 'timed out'}`;
    case 'tls':
      return `Secure connection to ${where} failed, could not ${what}: ${init.detail ?? 'TLS error'}`;
    case 'cancelled':
      return `Cancelled: ${what} on ${init.instance}`;
    case 'invalidResponse':
      return `${where} sent an unexpected answer to ${what}: ${init.detail ?? 'invalid response'}${status}`;
    case 'server':
    case 'rateLimited':
      return `${where} failed to ${what}: ${said ?? (init.reason === 'rateLimited' ? 'too many requests' : 'server error')}${status}`;
    default:
      return `${where} refused to ${what}: ${said ?? 'request refused'}${status}`;
  }
}

/**
 * Quay's message from an error body, whatever its shape (contract §0.4):
 * A `detail`/`error_message` (first line only: jsonschema texts run on), B `message` string or
 * `{arg: help}` object, C `{"error"}` even when served as text/html, D `{"message"}`, E read-only
 * `{"message", "is_readonly"}`. nginx error pages give their title ("429 Too Many Requests"); any other
 * HTML (raw 500 from the WSGI server) gives nothing. Short plain-text bodies are taken as they are.
 */
export function extractServerMessage(body: string, contentType: string | undefined): string | undefined {
  const text = body.trim();
  if (text === '') return undefined;
  if (text.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      return messageFromObject(parsed as Record<string, unknown>);
    }
  }
  if (/^\s*</.test(text) || /html/i.test(contentType ?? '')) {
    if (/<center>\s*nginx/i.test(text)) {
      const title = /<title>([^<]*)<\/title>/i.exec(text)?.[1]?.trim();
      return title !== undefined && title !== '' ? title : undefined;
    }
    return undefined;
  }
  if (text.length <= 500) return text.replace(/\s+/g, ' ');
  return undefined;
}

function messageFromObject(o: Record<string, unknown>): string | undefined {
  for (const key of ['detail', 'error_message', 'message', 'error', 'error_description', 'description']) {
    const value = o[key];
    if (typeof value === 'string' && value.trim() !== '') return firstLine(value);
    if (key === 'message' && typeof value === 'object' && value !== null && !Array.isArray(value)) {
      // Shape B for a bad query argument: {"message": {"limit": "<help text of the argument>"}}.
      const parts = Object.entries(value as Record<string, unknown>).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
      if (parts.length > 0) return parts.join('; ');
    }
  }
  return undefined;
}

function firstLine(text: string): string {
  const line = text.trim().split(/\r?\n/, 1)[0] ?? '';
  return line.trim();
}

/** The reason for a non-2xx status; `message` refines 400s (Quay's duplicates are conflicts). */
export function reasonForStatus(status: number, message: string | undefined): QuayErrorReason {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404 || status === 410) return 'notFound';
  if (status === 409) return 'conflict';
  if (status === 429) return 'rateLimited';
  if (status >= 500) return 'server';
  if (message !== undefined && isConflictMessage(message)) return 'conflict';
  return 'invalidRequest';
}

/** Quay reports "already exists" as 400: `Existing robot with name: …`, `Duplicate federation config entry`, `… is already a member of team …`. */
export function isConflictMessage(message: string): boolean {
  return /^Existing\b|\bduplicate\b|\balready (?:a member|exists)\b/i.test(message);
}

/** Extra advice a specific answer deserves (CSRF-as-bad-token, read-only mode, unknown objects). */
export function hintForAnswer(status: number, message: string | undefined): string | undefined {
  if (message === undefined) return undefined;
  if (status === 403 && /CSRF/i.test(message)) {
    return 'Quay answers a write with an unknown, revoked or expired token this way. Sign in again with a new token.';
  }
  if (status === 503 && /read-only/i.test(message)) {
    return 'The registry is in read-only mode: reads work, writes are suspended until an administrator ends it.';
  }
  if (status === 400 && /being used by a mirror/i.test(message)) {
    // endpoints/api/robot.py OrgRobot.delete / UserRobot.delete: robot_has_mirror (repository mirrors only).
    return "A repository mirror pushes with this robot: in Quay, open that repository's Mirroring settings, choose another robot, then delete this one.";
  }
  if (status === 400 && /^Robot accounts have been disabled/.test(message)) {
    // `data/model/user.py` `create_robot`: the instance's config.yaml sets ROBOTS_DISALLOW (GET /config shows it since 3.17).
    return 'Its administrator has set ROBOTS_DISALLOW, so no robot account can be created on this instance: use an existing robot, or ask the administrator.';
  }
  if (status === 400 && /could not find|does not exist|does not have permission|does not belong/i.test(message)) {
    return 'It may have been changed or deleted meanwhile; refresh the view.';
  }
  return undefined;
}
