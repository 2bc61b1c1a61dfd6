import { Cancelled } from './networkErrors';

/** Pacing starts at one request per 200 ms (nginx's 5 r/s) and is never slower than one per 2 s. */
const PACING_START_MS = 200;
const PACING_MAX_MS = 2000;
const PACING_HOLD_MS = 10_000;

/**
 * One instance's answer to Quay's rate limit. After a 429 every request waits for the cooldown, so a burst
 * does not keep hitting the limit. Pacing (AIMD) is the minimum spacing between request starts: raised on every
 * 429, lowered slowly on other answers, 0 when Quay has not rate-limited us lately. nginx's limit (5 r/s per
 * IP, contract §0.7) then costs one 429 instead of one per request.
 */
export class RateLimiter {
  private cooldownUntil = 0;
  private pacingMs = 0;
  private nextStart = 0;
  private lastPacingBump = 0;
  private last429 = 0;

  constructor(
    private readonly clock: () => number,
    private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>,
  ) {}

  /** Every request of the instance waits at least `ms` from now before it starts. */
  holdFor(ms: number): void {
    this.cooldownUntil = Math.max(this.cooldownUntil, this.clock() + ms);
  }

  /** Waits out the cooldown; rejects with `Cancelled` when the signal ends the wait. */
  async waitForCooldown(signal: AbortSignal | undefined): Promise<void> {
    await this.wait(this.cooldownUntil - this.clock(), signal);
  }

  /** Waits for this request's start slot while pacing is on (after the concurrency slot is taken). */
  async pace(signal: AbortSignal | undefined): Promise<void> {
    if (this.pacingMs <= 0) return;
    const now = this.clock();
    const start = Math.max(now, this.nextStart);
    this.nextStart = start + this.pacingMs;
    await this.wait(start - now, signal);
  }

  /**
   * Told every answer. On the first 429, pace at nginx's 5 r/s; if 429s go on (another client behind the same
   * IP), slow down by half at most once a second. Back to no pacing after 10 s without a 429.
   */
  answered(rateLimited: boolean): void {
    const now = this.clock();
    if (rateLimited) {
      this.last429 = now;
      if (this.pacingMs === 0) this.pacingMs = PACING_START_MS;
      else if (now - this.lastPacingBump >= 1000) this.pacingMs = Math.min(PACING_MAX_MS, this.pacingMs * 1.5);
      else return;
      this.lastPacingBump = now;
    } else if (this.pacingMs > 0) {
      if (now - this.last429 > PACING_HOLD_MS) this.pacingMs = 0;
      else if (this.pacingMs > PACING_START_MS) this.pacingMs = Math.max(PACING_START_MS, this.pacingMs * 0.95);
    }
  }

  private async wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
    if (ms <= 0) return;
    try {
      await this.sleep(ms, signal);
    } catch {
      throw new Cancelled();
    }
  }
}
