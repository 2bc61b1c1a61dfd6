import type { ClientConfig } from './quay/clientConfig';
import { errorMessage } from './log';

/**
 * What an instance can do, from its `GET /config` (contract §13), read once per instance and kept until Refresh All
 * or the instance's refresh. "Unknown" (no `/config`, or it could not be read) means: offer everything, as before
 * capabilities were read, and let Quay's own refusals speak.
 */
export type Capabilities =
  | { readonly kind: 'known'; readonly config: ClientConfig }
  /** `noConfig`: the instance answered 404 (older Quay, or a proxy that does not pass `/config`); `failed`: any other failure, with its message. */
  | { readonly kind: 'unknown'; readonly why: 'noConfig' | 'failed'; readonly detail?: string };

export const UNKNOWN_CAPABILITIES: Capabilities = { kind: 'unknown', why: 'noConfig' };

/** Per-instance capabilities: one `/config` request per instance, shared by concurrent callers, never rejected. */
export class CapabilityCache {
  private readonly entries = new Map<string, { promise: Promise<Capabilities>; value?: Capabilities }>();

  constructor(private readonly load: (instanceUrl: string) => Promise<ClientConfig | undefined>) {}

  get(instanceUrl: string): Promise<Capabilities> {
    const cached = this.entries.get(instanceUrl);
    if (cached !== undefined) return cached.promise;
    const entry: { promise: Promise<Capabilities>; value?: Capabilities } = {
      promise: this.load(instanceUrl).then(
        (config): Capabilities => (config === undefined ? { kind: 'unknown', why: 'noConfig' } : { kind: 'known', config }),
        (error: unknown): Capabilities => ({ kind: 'unknown', why: 'failed', detail: errorMessage(error) }),
      ),
    };
    entry.promise = entry.promise.then((value) => {
      // An invalidation while loading drops this entry: its value is not kept.
      if (this.entries.get(instanceUrl) === entry) entry.value = value;
      return value;
    });
    this.entries.set(instanceUrl, entry);
    return entry.promise;
  }

  /** What is known now, without asking (undefined: not loaded yet). */
  peek(instanceUrl: string): Capabilities | undefined {
    return this.entries.get(instanceUrl)?.value;
  }

  /** Forgets one instance's capabilities, or every instance's. */
  invalidate(instanceUrl?: string): void {
    if (instanceUrl === undefined) this.entries.clear();
    else this.entries.delete(instanceUrl);
  }
}

/** True only when the instance says `ROBOTS_DISALLOW` is set: robot creation (and robot logins) are refused. */
export function robotCreationDisallowed(caps: Capabilities | undefined): boolean {
  return caps?.kind === 'known' && caps.config.robotsDisallow === true;
}

/** A feature flag (without `FEATURE_`) as the instance reports it; undefined when not said or capabilities unknown. */
export function feature(caps: Capabilities | undefined, name: string): boolean | undefined {
  return caps?.kind === 'known' ? caps.config.features.get(name) : undefined;
}

/** Quay's refusal of a robot login when `ROBOTS_DISALLOW` is set (contract §12.3 #1, `data/model/user.py` `verify_robot`, grammar sic). */
export const ROBOTS_DISALLOWED_LOGIN = 'Robot account have been disabled. Please contact your administrator.';

/** Whether a registry refusal is the `ROBOTS_DISALLOW` one (not a wrong token). */
export function isRobotsDisallowedRefusal(message: string): boolean {
  return message.trim().startsWith('Robot account have been disabled');
}
