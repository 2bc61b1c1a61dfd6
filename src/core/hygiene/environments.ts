/**
 * Which environment a place belongs to (dev, test, staging, prod), from the names people give folders, Kubernetes
 * namespaces and kubectl contexts. The patterns are a setting; these defaults match a whole name or a part of
 * it separated by `-`, `_`, `.` or `/` (so `prod`, `prod-eu-1`, `k8s/production/`, but not `product`).
 */
import { errorMessage } from '../log';

export const ENVIRONMENTS = ['dev', 'test', 'staging', 'prod'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/** Regular expression sources (case-insensitive), one list per environment. */
export type EnvironmentPatterns = Readonly<Record<Environment, readonly string[]>>;

const part = (words: string): string => `(?:^|[-_./\\\\ ])(?:${words})\\d*(?:$|[-_./\\\\ ])`;

export const DEFAULT_ENVIRONMENT_PATTERNS: EnvironmentPatterns = {
  dev: [part('dev|develop|development|sandbox')],
  test: [part('test|tests|testing|qa|ci')],
  staging: [part('staging|stage|stg|preprod|pre-prod|uat')],
  prod: [part('prod|production|prd|live')],
};

export interface EnvironmentMatcher {
  /** Every environment a name matches, in ENVIRONMENTS order. */
  of(name: string): Environment[];
}

/** Compiles the patterns; a pattern that is not a valid regular expression throws with its text. */
export function environmentMatcher(patterns: EnvironmentPatterns = DEFAULT_ENVIRONMENT_PATTERNS): EnvironmentMatcher {
  const compiled = ENVIRONMENTS.map((env) => ({
    env,
    res: (patterns[env] ?? []).map((p) => {
      try {
        return new RegExp(p, 'i');
      } catch (e) {
        throw new Error(`The ${env} environment pattern ${JSON.stringify(p)} is not a regular expression: ${errorMessage(e)}`);
      }
    }),
  }));
  return { of: (name) => compiled.filter((c) => c.res.some((re) => re.test(name))).map((c) => c.env) };
}

/** The environment of a place: the first environment its namespace names, else its context, else its path. */
export function environmentOf(m: EnvironmentMatcher, place: { readonly path?: string; readonly namespace?: string; readonly context?: string }): Environment | undefined {
  for (const name of [place.namespace, place.context, place.path]) {
    if (name === undefined || name === '') continue;
    const envs = m.of(name);
    // A path naming two environments (deploy/prod/test-data) says nothing reliable: the deepest part decides.
    if (envs.length === 1) return envs[0];
    if (envs.length > 1 && name === place.path) {
      const parts = name.split(/[/\\]/).reverse();
      for (const p of parts) {
        const e = m.of(p);
        if (e.length > 0) return e[0];
      }
    }
    if (envs.length > 0) return envs[0];
  }
  return undefined;
}
