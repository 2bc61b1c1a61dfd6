/**
 * Issue 5 benchmark: grant read to one robot on 500 repositories of the `large` seed, with the sandbox at 50 ms
 * latency and nginx-style rate limiting (5 requests/s per client, burst 25, 429 without Retry-After). Printed side
 * by side: this extension's bulk path (plan + bounded runner + the client's retries and pacing), the seed
 * articles' sequential curl loop (no retry), and the Quay UI's unbounded Promise.allSettled (no retry).
 */
import { performance } from 'node:perf_hooks';
import { planBulk } from '../../src/core/bulk/plan';
import { runBulk } from '../../src/core/bulk/runner';
import { silentLogger } from '../../src/core/log';
import { QuayClient, type QuayClientOptions } from '../../src/core/quay/client';
import type { Role } from '../../src/core/quay/types';
import { startSandbox } from '../sandbox/server';
import { table } from './report';

interface Row {
  strategy: string;
  ms: number;
  requests: number;
  rateLimited: number;
  failuresReported: number;
  correct: number;
}

const ORG = 'bigcorp';
const COUNT = 500;

export async function benchBulk(): Promise<string> {
  const sandbox = await startSandbox({ seed: 'large', latencyMs: 50, rateLimit: 5, rateBurst: 25 });
  const repos: string[] = [];
  const rows: Row[] = [];
  const client = (extra: Partial<QuayClientOptions>) =>
    new QuayClient({ baseUrl: sandbox.url, getToken: () => Promise.resolve(sandbox.tokens.admin), logger: silentLogger, ...extra });
  try {
    const setup = client({ maxConcurrency: 1 });
    for await (const page of setup.listRepositories({ namespace: ORG })) {
      repos.push(...page.repositories.map((r) => r.name));
      if (repos.length >= COUNT) break;
    }
    repos.length = COUNT;
    const robots = (await setup.listRobots({ kind: 'org', name: ORG })).map((r) => r.shortName).sort();
    await setup.close();
    const robot = (i: number): string => robots[i] ?? 'missing';

    const strategies: [string, string, (who: string) => Promise<{ failures: number; c: QuayClient }>][] = [
      [
        'this extension (plan, bounded, retries)',
        robot(0),
        async (who) => {
          const c = client({});
          const current = new Map<string, Role>((await c.getRobotPermissions({ kind: 'org', name: ORG }, who)).map((p) => [p.repository, p.role]));
          const changes = planBulk(repos, current, 'read').filter((p) => p.action !== 'unchanged');
          const report = await runBulk(changes, async (ch) => void (await c.setRepoUserPermission({ namespace: ORG, name: ch.repository }, `${ORG}+${who}`, 'read')), { concurrency: 4 });
          return { failures: report.failed.length, c };
        },
      ],
      [
        'sequential loop (curl, no retry)',
        robot(1),
        async (who) => {
          const c = client({ retries: 0, maxConcurrency: 1 });
          let failures = 0;
          for (const repo of repos) await c.setRepoUserPermission({ namespace: ORG, name: repo }, `${ORG}+${who}`, 'read').catch(() => failures++);
          return { failures, c };
        },
      ],
      [
        'Promise.allSettled (Quay UI, no retry)',
        robot(2),
        async (who) => {
          const c = client({ retries: 0, maxConcurrency: COUNT });
          const results = await Promise.allSettled(repos.map((repo) => c.setRepoUserPermission({ namespace: ORG, name: repo }, `${ORG}+${who}`, 'read')));
          return { failures: results.filter((r) => r.status === 'rejected').length, c };
        },
      ],
    ];
    for (const [name, who, run] of strategies) {
      await new Promise((r) => setTimeout(r, 6000)); // let the rate-limit bucket refill: each strategy starts with the full burst
      sandbox.stats.reset();
      const t0 = performance.now();
      const { failures, c } = await run(who);
      const ms = performance.now() - t0;
      const stats = c.stats;
      await c.close();
      const correct = repos.filter((repo) => sandbox.state.userPermission(`${ORG}/${repo}`, `${ORG}+${who}`) === 'read').length;
      rows.push({ strategy: name, ms, requests: sandbox.stats.requests, rateLimited: sandbox.stats.byStatus[429] ?? stats.rateLimited, failuresReported: failures, correct });
    }
  } finally {
    await sandbox.close();
  }
  const floorMs = ((COUNT - 25) / 5) * 1000;
  const ours = rows[0];
  return [
    `Bulk grant: read on ${COUNT} repositories of ${ORG} (50 ms latency, rate limit 5/s, burst 25; floor = (${COUNT} - 25) / 5 = ${(floorMs / 1000).toFixed(0)} s)`,
    table(
      ['strategy', 'wall time', 'requests sent', '429s', 'failures reported', 'correct'],
      rows.map((r) => [r.strategy, `${(r.ms / 1000).toFixed(1)} s`, String(r.requests), String(r.rateLimited), String(r.failuresReported), `${r.correct}/${COUNT} (${((100 * r.correct) / COUNT).toFixed(0)}%)`]),
    ),
    `targets: 100% correct with 0 failures (${ours.correct === COUNT && ours.failuresReported === 0 ? 'met' : 'MISSED'}), wall time <= 1.5x floor = ${((1.5 * floorMs) / 1000).toFixed(0)} s (${ours.ms <= 1.5 * floorMs ? 'met' : 'MISSED'}: ${(ours.ms / floorMs).toFixed(2)}x)`,
  ].join('\n');
}
