import { TtlPromiseCache } from '../cache';
import { errorMessage, type Logger } from '../log';
import { hostOf } from '../instances';
import type { Namespace, Robot } from '../quay/types';
import { logTarget } from '../quay/logs';
import { tokenAges, type LogSource, type TokenAge, type TokenAges } from './tokenAge';
import { isoDay } from '../time';

/** Rotations this extension made, by instance and full robot name (the host keeps them in globalState). */
export interface RotationMemory {
  get(instanceUrl: string): ReadonlyMap<string, Date>;
  remember(instanceUrl: string, robot: string, at: Date): Promise<void>;
}

export interface TokenAgeTrackerDeps {
  readonly source: (instanceUrl: string) => LogSource;
  readonly memory: RotationMemory;
  readonly logger: Logger;
  readonly now: () => Date;
  /** Told when the ages of a namespace arrive or change. */
  readonly onDidUpdate: (instanceUrl: string, namespace: Namespace) => void;
  /**
   * Whether the instance aggregates usage logs (`GET /config` `features.AGGREGATED_LOG_COUNT_RETRIEVAL`); false
   * means the aggregatelogs routes do not exist (`@show_if`), so no request is sent. Undefined: not said.
   */
  readonly logsAggregated?: (instanceUrl: string) => Promise<boolean | undefined>;
}

/** Token ages cannot be read on this instance: it reports log aggregation off (not a failure to retry). */
export class TokenAgesUnavailable extends Error {
  constructor(readonly instanceUrl: string) {
    super(`Quay at ${hostOf(instanceUrl)} does not aggregate usage logs (FEATURE_AGGREGATED_LOG_COUNT_RETRIEVAL is off): token ages are not available there.`);
  }
}

/** Ages are computed again after this long. */
const TTL_MS = 60 * 60 * 1000;

function key(instanceUrl: string, ns: Namespace): string {
  return `${instanceUrl}\n${ns.kind}\n${ns.name}`;
}

/**
 * Token ages per namespace, computed in the background (at most 20 requests each, see tokenAge.ts), cached an
 * hour, and shared by the tree and the due list. A namespace whose logs cannot be read (no admin rights, an
 * old Quay) simply has no ages: the tree then shows none, and the due list says why.
 */
export class TokenAgeTracker {
  private readonly entries: TtlPromiseCache<string, TokenAges>;

  constructor(private readonly deps: TokenAgeTrackerDeps) {
    this.entries = new TtlPromiseCache(TTL_MS, () => deps.now().getTime());
  }

  /** What is known now, without asking Quay. */
  peek(instanceUrl: string, ns: Namespace, robot: string): TokenAge | undefined {
    return this.entries.peek(key(instanceUrl, ns))?.ages.get(robot);
  }

  /** The ages of `robots`, computing them unless a fresh answer is cached. */
  ages(instanceUrl: string, ns: Namespace, robots: readonly Robot[]): Promise<TokenAges> {
    const k = key(instanceUrl, ns);
    const cached = this.entries.fresh(k);
    if (cached !== undefined) return cached;
    const promise = this.entries.load(k, async () => {
      if ((await this.deps.logsAggregated?.(instanceUrl)) === false) throw new TokenAgesUnavailable(instanceUrl);
      return tokenAges(this.deps.source(instanceUrl), logTarget(ns), robots, { now: this.deps.now(), remembered: this.deps.memory.get(instanceUrl) });
    });
    // After the cache's own handlers: peek() already answers when onDidUpdate redraws.
    promise.then(
      (value) => {
        this.deps.logger.debug(`Token ages of ${ns.name || 'your namespace'}: ${value.ages.size} robots, ${value.requests} requests, logs read back to ${isoDay(value.examinedBack)}`);
        this.deps.onDidUpdate(instanceUrl, ns);
      },
      (error: unknown) => {
        this.deps.logger.debug(`Token ages of ${ns.name || 'your namespace'} unavailable: ${errorMessage(error)}`);
      },
    );
    return promise;
  }

  /** Starts `ages` in the background (the tree's robots group calls it once its list is on screen). */
  prefetch(instanceUrl: string, ns: Namespace, robots: readonly Robot[]): void {
    this.ages(instanceUrl, ns, robots).catch(() => undefined);
  }

  /** Records a rotation made here and forgets the namespace's cached ages. */
  async remember(instanceUrl: string, ns: Namespace, robot: string, at: Date): Promise<void> {
    await this.deps.memory.remember(instanceUrl, robot, at);
    this.entries.delete(key(instanceUrl, ns));
  }

  invalidate(instanceUrl?: string): void {
    if (instanceUrl === undefined) this.entries.clear();
    else this.entries.deleteWhere((k) => k.startsWith(`${instanceUrl}\n`));
  }
}
