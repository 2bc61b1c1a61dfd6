/**
 * Issue 4 benchmark: requests and wall time for an organization's first screen in the tree (groups, the
 * first 100 repositories, all robots), against the eager strategy peers use (every repository page and every
 * robot's permissions before rendering). Sandbox: `large` seed (5,000 repositories, 500 robots), 50 ms latency.
 *
 * The lazy side issues exactly the calls the tree nodes make when the org and its two groups are expanded
 * (src/views/nodes/robotsGroupNode.ts, repositoriesGroupNode.ts), through the same PagedList and LoadCache.
 */
import { performance } from 'node:perf_hooks';
import { LoadCache } from '../../src/core/cache';
import { silentLogger } from '../../src/core/log';
import { PagedList } from '../../src/core/pagedList';
import { QuayClient } from '../../src/core/quay/client';
import type { Namespace } from '../../src/core/quay/types';
import { startSandbox } from '../sandbox/server';

export interface TreeBenchRow {
  strategy: string;
  requests: number;
  ms: number;
  repositories: number;
  robots: number;
}

export async function benchTree(org = 'bigcorp', latencyMs = 50): Promise<{ rows: TreeBenchRow[]; text: string }> {
  const sandbox = await startSandbox({ seed: 'large', latencyMs });
  const ns: Namespace = { kind: 'org', name: org };
  const client = () => new QuayClient({ baseUrl: sandbox.url, getToken: () => Promise.resolve(sandbox.tokens.admin), logger: silentLogger });
  try {
    const rows: TreeBenchRow[] = [];

    // Lazy: what the tree does when the org is expanded and both groups opened at once.
    {
      const c = client();
      const cache = new LoadCache();
      sandbox.stats.reset();
      const t0 = performance.now();
      const [robots, repos] = await Promise.all([
        cache.get(`q/org/${org}/robots`, () => c.listRobots(ns, { permissions: true, token: false })),
        cache.get(`q/org/${org}/repos`, () =>
          PagedList.load(async (next) => {
            const page = await c.listRepositoriesPage({ namespace: org, lastModified: true }, next);
            return { items: page.repositories, nextPage: page.nextPage };
          }),
        ),
      ]);
      rows.push({ strategy: 'this extension (lazy, paged)', requests: sandbox.stats.requests, ms: performance.now() - t0, repositories: repos.items.length, robots: robots.length });
      await c.close();
    }

    // Eager: every repository page, then every robot's permissions, before anything renders.
    {
      const c = client();
      sandbox.stats.reset();
      const t0 = performance.now();
      const repositories = [];
      for await (const page of c.listRepositories({ namespace: org, lastModified: true })) repositories.push(...page.repositories);
      const robots = await c.listRobots(ns, { permissions: true, token: false });
      await Promise.all(robots.map((r) => c.getRobotPermissions(ns, r.shortName)));
      rows.push({ strategy: 'eager (peers)', requests: sandbox.stats.requests, ms: performance.now() - t0, repositories: repositories.length, robots: robots.length });
      await c.close();
    }

    const [lazy, eager] = rows as [TreeBenchRow, TreeBenchRow];
    const text = [
      `Tree: first screen of org "${org}" (large seed, ${latencyMs} ms latency per request, 4 concurrent requests per instance)`,
      table(['strategy', 'requests', 'wall time', 'repositories shown', 'robots shown'], rows.map((r) => [r.strategy, String(r.requests), `${r.ms.toFixed(0)} ms`, String(r.repositories), String(r.robots)])),
      `ratio eager/lazy: ${(eager.requests / lazy.requests).toFixed(0)}x requests, ${(eager.ms / lazy.ms).toFixed(0)}x time` +
        `   targets: lazy <= 3 requests (${lazy.requests <= 3 ? 'met' : 'MISSED'}), >= 10x fewer requests (${eager.requests / lazy.requests >= 10 ? 'met' : 'MISSED'}), >= 10x less time (${eager.ms / lazy.ms >= 10 ? 'met' : 'MISSED'})`,
    ].join('\n');
    return { rows, text };
  } finally {
    await sandbox.close();
  }
}

export function table(header: string[], body: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...body.map(line)].join('\n');
}
