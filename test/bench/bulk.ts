/**
 * Bulk benchmark: grant read to one robot on 500 repositories of the `large` seed, with the sandbox at 50 ms
 * latency and nginx-style rate limiting (5 requests/s per client, burst 25, 429 without Retry-After: Quay's
 * `FEATURE_RATE_LIMITS`, quay-api-contract.md §0.7). Side by side in one process: this extension's bulk path
 * (plan + bounded runner + the client's retries and pacing) and baselines that model what people use.
 *
 * A baseline is a real algorithm someone uses, doing the same work, measured in the same run; it is labelled
 * with what it models.
 *
 * Same work: every strategy has its own robot, and every robot starts from the same state: it already holds
 * read on every 5th of the 500 repositories and nothing on the others. The extension reads that state and its
 * plan skips those 100 repositories; each baseline loops over the same list of repositories that lack the role
 * (it is handed the list a person would have written, so it pays nothing to find it). The floor is computed from
 * those writes: (writes - burst) / rate.
 */
import { performance } from 'node:perf_hooks';
import { Agent, fetch } from 'undici';
import { applyPermissionChange } from '../../src/core/bulk/permissionChanges';
import { planBulk } from '../../src/core/bulk/plan';
import { runBulk } from '../../src/core/bulk/runner';
import { silentLogger } from '../../src/core/log';
import { QuayClient } from '../../src/core/quay/client';
import type { Role } from '../../src/core/quay/types';
import { startSandbox, type Sandbox } from '../sandbox/server';
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
const RATE = 5;
const BURST = 25;
const LATENCY_MS = 50;
/** The starting state: the robot already holds read on every HELD_EVERY-th repository. */
const HELD_EVERY = 5;

/** One `PUT …/permissions/user/{org}+{robot}` as curl or a browser sends it: resolves to the HTTP status. */
async function putRead(sandbox: Sandbox, robot: string, repo: string, dispatcher?: Agent): Promise<{ status: number; retryAfter: string | null }> {
  const res = await fetch(`${sandbox.url}/api/v1/repository/${ORG}/${repo}/permissions/user/${ORG}+${robot}`, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${sandbox.tokens.admin}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ role: 'read' }),
    ...(dispatcher !== undefined ? { dispatcher } : {}),
  });
  await res.arrayBuffer();
  return { status: res.status, retryAfter: res.headers.get('retry-after') };
}

const ok = (status: number): boolean => status >= 200 && status < 300;

/** What `curl --retry N` retries (curl(1), `--retry`): timeouts and these statuses. */
const CURL_TRANSIENT = new Set([408, 429, 500, 502, 503, 504]);

type Strategy = [label: string, run: (sandbox: Sandbox, robot: string, all: readonly string[], needed: readonly string[]) => Promise<{ failures: number }>];

const strategies: Strategy[] = [
  [
    'this extension (plan, bounded, retries, pacing)',
    async (sandbox, robot, all) => {
      const c = new QuayClient({ baseUrl: sandbox.url, getToken: () => Promise.resolve(sandbox.tokens.admin), logger: silentLogger });
      try {
        const current = new Map<string, Role>((await c.getRobotPermissions({ kind: 'org', name: ORG }, robot)).map((p) => [p.repository, p.role]));
        const changes = planBulk(all, current, 'read').filter((p) => p.action !== 'unchanged');
        // What applyChanges (src/commands/permissions/bulkChange.ts) runs, at the default 4 concurrent requests.
        const report = await runBulk(changes, (ch) => applyPermissionChange(c, { kind: 'org', name: ORG }, { principal: `${ORG}+${robot}`, kind: 'user' }, ch), { concurrency: 4 });
        return { failures: report.failed.length };
      } finally {
        await c.close();
      }
    },
  ],
  [
    // `for repo in …; do curl -X PUT …; done`: one request after the other, no pacing, no cooldown, no retry.
    'sequential loop (curl, no retry)',
    async (sandbox, robot, _all, needed) => {
      let failures = 0;
      for (const repo of needed) if (!ok((await putRead(sandbox, robot, repo)).status)) failures++;
      return { failures };
    },
  ],
  [
    // The same loop with `curl --retry 5`: a transient answer is retried after its Retry-After, else after 1 s,
    // doubling each time (curl's default backoff). Quay's nginx sends no Retry-After, so it backs off from 1 s.
    'sequential loop that honours Retry-After (curl --retry 5)',
    async (sandbox, robot, _all, needed) => {
      let failures = 0;
      for (const repo of needed) {
        let status = 0;
        for (let attempt = 0; ; attempt++) {
          const answer = await putRead(sandbox, robot, repo);
          status = answer.status;
          if (!CURL_TRANSIENT.has(status) || attempt === 5) break;
          const seconds = answer.retryAfter !== null && /^\d+$/.test(answer.retryAfter) ? Number(answer.retryAfter) : 2 ** attempt;
          await new Promise((r) => setTimeout(r, Math.min(seconds, 600) * 1000));
        }
        if (!ok(status)) failures++;
      }
      return { failures };
    },
  ],
  [
    // The Quay web UI's bulk "Set repository permissions": Promise.allSettled over every PUT, no retry
    // (bulkSetRepoPermissions, web/src/resources/RepositoryResource.ts; peers.md §2.5), from a browser that
    // opens at most 6 HTTP/1.1 connections per host (Chromium's limit).
    'Promise.allSettled (Quay web UI, browser: 6 connections, no retry)',
    async (sandbox, robot, _all, needed) => {
      const browser = new Agent({ connections: 6 });
      try {
        const results = await Promise.allSettled(
          needed.map(async (repo) => {
            const { status } = await putRead(sandbox, robot, repo, browser);
            if (!ok(status)) throw new Error(`HTTP ${status}`);
          }),
        );
        return { failures: results.filter((r) => r.status === 'rejected').length };
      } finally {
        await browser.close();
      }
    },
  ],
];

export async function benchBulk(): Promise<string> {
  // Set up without latency or rate limit; the faults are turned on once every robot is in its starting state.
  const sandbox = await startSandbox({ seed: 'large' });
  const rows: Row[] = [];
  let writes = 0;
  try {
    const setup = new QuayClient({ baseUrl: sandbox.url, getToken: () => Promise.resolve(sandbox.tokens.admin), logger: silentLogger });
    const repos: string[] = [];
    for await (const page of setup.listRepositories({ namespace: ORG })) {
      repos.push(...page.repositories.map((r) => r.name));
      if (repos.length >= COUNT) break;
    }
    repos.length = COUNT;
    const role = (robot: string, repo: string) => sandbox.state.userPermission(`${ORG}/${repo}`, `${ORG}+${robot}`);
    // Robots whose seeded grants lie outside these 500 repositories, one per strategy.
    const robots = (await setup.listRobots({ kind: 'org', name: ORG }))
      .map((r) => r.shortName)
      .sort()
      .filter((robot) => repos.every((repo) => role(robot, repo) === undefined))
      .slice(0, strategies.length);
    if (robots.length < strategies.length) throw new Error('bulk bench: not enough robots without grants on the benchmark repositories');
    const held = repos.filter((_, i) => i % HELD_EVERY === 0);
    await runBulk(
      robots.flatMap((robot) => held.map((repo) => ({ robot, repo }))),
      async ({ robot, repo }) => void (await setup.setRepoUserPermission({ namespace: ORG, name: repo }, `${ORG}+${robot}`, 'read')),
      { concurrency: 4 },
    );
    await setup.close();
    const needed = robots.map((robot) => repos.filter((repo) => role(robot, repo) !== 'read'));
    writes = needed[0]?.length ?? 0;
    if (needed.some((n) => n.length !== writes || n.some((repo, i) => repo !== needed[0]?.[i]))) throw new Error('bulk bench: the robots do not start from the same state');

    sandbox.setFaults({ latencyMs: LATENCY_MS, rateLimit: RATE });
    for (const [k, [label, run]] of strategies.entries()) {
      const robot = robots[k] ?? '';
      await new Promise((r) => setTimeout(r, (BURST / RATE) * 1000 + 1000)); // the bucket refills: each strategy starts with the full burst
      sandbox.stats.reset();
      const t0 = performance.now();
      const { failures } = await run(sandbox, robot, repos, needed[k] ?? []);
      const ms = performance.now() - t0;
      const correct = repos.filter((repo) => role(robot, repo) === 'read').length;
      rows.push({ strategy: label, ms, requests: sandbox.stats.requests, rateLimited: sandbox.stats.byStatus[429] ?? 0, failuresReported: failures, correct });
    }
  } finally {
    await sandbox.close();
  }
  const floorMs = (Math.max(0, writes - BURST) / RATE) * 1000;
  const ours = rows[0];
  const ratio = (ms: number): string => (floorMs > 0 ? `${(ms / floorMs).toFixed(2)}x` : '—');
  return [
    `Bulk grant: read on ${COUNT} repositories of ${ORG}, ${COUNT / HELD_EVERY} of which the robot already holds (${LATENCY_MS} ms latency, rate limit ${RATE}/s, burst ${BURST})`,
    `writes needed: ${writes}; floor = (${writes} - ${BURST}) / ${RATE} = ${(floorMs / 1000).toFixed(0)} s`,
    table(
      ['strategy', 'wall time', '× floor', 'requests sent', '429s', 'failures reported', 'correct'],
      rows.map((r) => [
        r.strategy,
        `${(r.ms / 1000).toFixed(1)} s`,
        ratio(r.ms),
        String(r.requests),
        String(r.rateLimited),
        String(r.failuresReported),
        `${r.correct}/${COUNT} (${((100 * r.correct) / COUNT).toFixed(0)}%)`,
      ]),
    ),
    ours === undefined
      ? ''
      : `targets: 100% correct with 0 failures (${ours.correct === COUNT && ours.failuresReported === 0 ? 'met' : 'MISSED'}), wall time <= 1.5x floor = ${((1.5 * floorMs) / 1000).toFixed(0)} s (${ours.ms <= 1.5 * floorMs ? 'met' : 'MISSED'}: ${ratio(ours.ms)})`,
  ].join('\n');
}
