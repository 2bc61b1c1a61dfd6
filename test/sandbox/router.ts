/**
 * Werkzeug-style routing (contract §0.1): strict slashes (a slashless request for a slashed rule
 * redirects 308; a slashed request for a slashless rule is a 404), 405 when the path matches but
 * the method does not, `<name>` segments and `<repo:name>` for `apirepopath` ("two or more
 * non-slash segments"; the first is the namespace). Rules are tried in registration order, so the
 * more specific ones are registered first.
 */

export interface RouteMatch<H> {
  readonly kind: 'match';
  readonly handler: H;
  readonly params: Readonly<Record<string, string>>;
  readonly allowed: readonly string[];
  readonly api: boolean;
}
export type RouteResult<H> =
  | RouteMatch<H>
  | { readonly kind: 'method-not-allowed'; readonly allowed: readonly string[]; readonly api: boolean }
  | { readonly kind: 'redirect'; readonly path: string }
  | { readonly kind: 'not-found' };

interface Rule<H> {
  readonly template: string;
  readonly regex: RegExp;
  readonly names: readonly string[];
  readonly handlers: Map<string, H>;
  readonly api: boolean;
}

function compile(template: string): { regex: RegExp; names: string[] } {
  const names: string[] = [];
  const source = template
    .split(/(<[^>]+>)/)
    .map((part) => {
      const m = /^<(?:(\w+):)?(\w+)>$/.exec(part);
      if (!m) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(m[2] ?? '');
      return m[1] === 'repo' ? '([^/]+(?:/[^/]+)+)' : '([^/]+)';
    })
    .join('');
  return { regex: new RegExp(`^${source}$`), names };
}

export class Router<H> {
  private readonly rules: Rule<H>[] = [];
  private readonly byTemplate = new Map<string, Rule<H>>();

  add(method: string, template: string, handler: H, options: { api: boolean }): void {
    let rule = this.byTemplate.get(template);
    if (!rule) {
      const { regex, names } = compile(template);
      rule = { template, regex, names, handlers: new Map(), api: options.api };
      this.rules.push(rule);
      this.byTemplate.set(template, rule);
    }
    rule.handlers.set(method, handler);
  }

  private static allowed<H>(rule: Rule<H>): string[] {
    const methods = new Set(rule.handlers.keys());
    if (methods.has('GET')) methods.add('HEAD');
    methods.add('OPTIONS');
    return [...methods].sort();
  }

  /** `path` is the percent-decoded path (WSGI's PATH_INFO), so `%2F` separates segments like `/`. */
  match(method: string, path: string): RouteResult<H> {
    const lookup = method === 'HEAD' ? 'GET' : method;
    let allowedElsewhere: { allowed: Set<string>; api: boolean } | undefined;
    for (const rule of this.rules) {
      const m = rule.regex.exec(path);
      if (!m) continue;
      const allowed = Router.allowed(rule);
      const handler = rule.handlers.get(lookup);
      if (handler !== undefined) {
        const params: Record<string, string> = {};
        rule.names.forEach((name, i) => (params[name] = m[i + 1] ?? ''));
        return { kind: 'match', handler, params, allowed, api: rule.api };
      }
      allowedElsewhere ??= { allowed: new Set(), api: rule.api };
      for (const a of allowed) allowedElsewhere.allowed.add(a);
    }
    // OPTIONS is answered by the caller (Flask-RESTful resources define it; Flask adds it elsewhere).
    if (allowedElsewhere) return { kind: 'method-not-allowed', allowed: [...allowedElsewhere.allowed].sort(), api: allowedElsewhere.api };
    if (!path.endsWith('/') && this.rules.some((r) => r.regex.test(`${path}/`))) return { kind: 'redirect', path: `${path}/` };
    return { kind: 'not-found' };
  }
}
