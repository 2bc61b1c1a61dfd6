/**
 * The sandbox's clock: the one place in `test/sandbox/` that reads the real time. Everything the sandbox dates
 * (usage logs, `last_accessed`, creations, regenerations, the seeds' history, page tokens, and the `iat`/`nbf`/`exp`
 * of every token it mints or checks: the OIDC issuer's JWTs, the federation exchange's and `/v2/auth`'s registry
 * tokens) reads `now()` here, so any day's behaviour can be tested on any day (`startSandbox({ now })`,
 * `npm run sandbox -- --now 2026-12-07T12:00:00Z`).
 *
 * It starts at the chosen instant and advances with real time, so that events keep their order and
 * durations (token lifetimes, rate limits) stay real. `set()` moves it to another instant, from which it advances
 * again. Without a chosen instant it is the real time.
 */

export type ClockInput = Date | string | number;

/** Milliseconds since the epoch of `value` (a Date, an ISO 8601 string or epoch milliseconds); throws when it is no valid instant. */
export function clockTime(value: ClockInput): number {
  const ms = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : parseIso(value);
  if (!Number.isFinite(ms)) throw new Error(`Not a valid time for the sandbox clock: ${String(value)} (use an ISO 8601 date-time such as 2026-12-07T12:00:00Z)`);
  return ms;
}

function parseIso(text: string): number {
  // ISO 8601 only (Date.parse would also take local-time forms like "Dec 7 2026", whose meaning depends on TZ).
  const trimmed = text.trim();
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2}))?$/.exec(trimmed);
  if (!m) return NaN;
  // V8 reads 2026-02-30 as 2 March: refuse days the month does not have.
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return NaN;
  return Date.parse(trimmed.length === 10 ? `${trimmed}T00:00:00Z` : trimmed);
}

export class SandboxClock {
  /** now() = real() + offset. */
  private offset: number;

  constructor(
    start?: ClockInput,
    /** The real time (milliseconds since the epoch); injectable for tests of the clock itself. */
    private readonly real: () => number = Date.now,
  ) {
    this.offset = start === undefined ? 0 : clockTime(start) - this.real();
  }

  /** The sandbox's time, in milliseconds since the epoch. */
  now(): number {
    return this.real() + this.offset;
  }

  /** The sandbox's time in whole seconds (what JWT claims and page tokens carry). */
  nowS(): number {
    return Math.floor(this.now() / 1000);
  }

  /** The sandbox's time as a Date. */
  date(): Date {
    return new Date(this.now());
  }

  /** Moves the clock to `at`; it advances with real time from there. */
  set(at: ClockInput): void {
    this.offset = clockTime(at) - this.real();
  }

  /** How far the clock is ahead of the real time (negative: behind), in milliseconds. */
  get aheadMs(): number {
    return this.offset;
  }
}
