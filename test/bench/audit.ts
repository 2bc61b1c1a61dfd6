/**
 * Hygiene benchmark (AGENTS.md "Hygiene review core"): the hygiene review of the `large` seed's `bigcorp` (500 robots, 5,000 repositories, every robot
 * holding write somewhere, every 12th one pushing) with a generated workspace of 10,000 files in a git repository
 * (manifests with pull Secrets and imagePullSecrets, lock files full of base64, `.env` files, prose), beside the
 * naive method a script would use: every robot's permissions and usage logs read one by one (`/logs` with the
 * robot as performer over the whole look-back, every page), every team's members and roles, then the same checks.
 * Both read the same token ages (core/rotation/tokenAge.ts) and the same workspace; they must produce the same
 * findings. Requests are counted by the sandbox; times are wall-clock on this machine. No assertion on time.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { lookbackWindow, runChecks } from '../../src/core/hygiene/checks';
import { tokenFingerprint } from '../../src/core/hygiene/credentials';
import { gatherQuay } from '../../src/core/hygiene/gather';
import type { Grant, QuayInputs, RobotFacts, RobotUsage, WorkspaceInputs } from '../../src/core/hygiene/inputs';
import { DEFAULT_SETTINGS } from '../../src/core/hygiene/inputs';
import type { Finding } from '../../src/core/hygiene/types';
import { gatherWorkspace } from '../../src/core/hygiene/workspace';
import { GIT_SAFE_CONFIG } from '../../src/core/git';
import { basicAuth } from '../../src/core/k8s/credentials';
import { silentLogger } from '../../src/core/log';
import { QuayClient } from '../../src/core/quay/client';
import { tokenAges } from '../../src/core/rotation/tokenAge';
import { startSandbox, type Sandbox } from '../sandbox/server';
import { seededRandom } from '../sandbox/util';

const ORG = 'bigcorp';
const FILES = 10_000;
const isoDay = (d: Date): string => d.toISOString().slice(0, 10);

/** The naive script: everything per robot and per team, one request after the other. */
async function naiveQuay(client: QuayClient, host: string, now: Date): Promise<QuayInputs> {
  const ns = { kind: 'org', name: ORG } as const;
  let requests = 0;
  const robots = await client.listRobots(ns, { token: true });
  const org = await client.getOrganization(ORG);
  const prototypes = await client.listPrototypes(ORG);
  requests += 3;
  const teamsOf = new Map<string, string[]>();
  const teamGrants = new Map<string, Grant[]>();
  for (const t of org.teams) {
    for (const m of await client.listTeamMembers(ORG, t.name)) if (m.isRobot) teamsOf.set(m.name, [...(teamsOf.get(m.name) ?? []), t.name]);
    teamGrants.set(
      t.name,
      (await client.listTeamPermissions(ORG, t.name)).map((p) => ({ repository: p.repository, role: p.role, team: t.name })),
    );
    requests += 2;
  }
  const { from, to } = lookbackWindow(now, DEFAULT_SETTINGS.lookbackDays);
  const facts: RobotFacts[] = [];
  const usage = new Map<string, RobotUsage>();
  const roles = new Map(org.teams.map((t) => [t.name, t.role]));
  for (const r of robots) {
    const direct = (await client.getRobotPermissions(ns, r.fullName)).map((p) => ({ repository: p.repository, role: p.role }));
    requests++;
    const teams = teamsOf.get(r.fullName) ?? [];
    const grants = [...direct, ...teams.flatMap((t) => teamGrants.get(t) ?? [])];
    facts.push({
      name: r.fullName,
      shortName: r.shortName,
      description: r.description,
      created: r.created,
      lastAccessed: r.lastAccessed,
      ...(r.token !== undefined ? { tokenFingerprint: tokenFingerprint(r.token) } : {}),
      teams: [...(r.teams ?? teams)].sort(),
      grants,
    });
    if (!grants.some((g) => g.role !== 'read') && !teams.some((t) => roles.get(t) === 'admin')) continue;
    let pushes = 0;
    for await (const page of client.listLogs({ kind: 'org', name: ORG }, { performer: r.fullName, starttime: from, endtime: to })) {
      requests++;
      pushes += page.logs.filter((l) => l.kind === 'push_repo').length;
    }
    usage.set(r.fullName, { from: isoDay(from), to: isoDay(to), counts: { push_repo: pushes }, basis: 'robot-logs' });
  }
  const ages = await tokenAges(client, { kind: 'org', name: ORG }, robots, { now, maxRequests: 20 });
  requests += ages.requests;
  return {
    host,
    org: ORG,
    now,
    window: { from: isoDay(from), to: isoDay(to), days: DEFAULT_SETTINGS.lookbackDays },
    robots: facts,
    teams: org.teams.map((t) => ({ name: t.name, role: t.role })),
    prototypes,
    usage,
    tokenAges: ages.ages,
    lastAccessedReported: robots.some((r) => r.lastAccessed !== undefined),
    requests,
    notes: [],
  };
}

/** 10,000 files: manifests using bigcorp robots' pull Secrets in dev/staging/prod folders, lock files, .env files, prose. */
export function writeWorkspace(root: string, host: string, sandbox: Sandbox): void {
  const rand = seededRandom(20);
  const robots = sandbox.state.robots(ORG).map((r) => r.name);
  const envs = ['dev', 'staging', 'prod', 'tools'];
  const token = (): string => Array.from({ length: 64 }, () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'.charAt(Math.floor(rand() * 36))).join('');
  for (let n = 0; n < FILES; n++) {
    const env = envs[n % envs.length] ?? 'dev';
    const robot = robots[Math.floor(rand() * robots.length)] ?? '';
    let rel: string;
    let text: string;
    switch (n % 10) {
      case 0: {
        rel = `deploy/${env}/svc-${n}.yaml`;
        const secret = `pull-${n}`;
        const cfg = JSON.stringify({ auths: { [`${host}/${ORG}`]: { auth: basicAuth(robot, token()), email: '' } } });
        text = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${secret}\n  namespace: ${env}\ntype: kubernetes.io/dockerconfigjson\nstringData:\n  .dockerconfigjson: '${cfg}'\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: svc-${n}\n  namespace: ${env}\nspec:\n  template:\n    spec:\n      imagePullSecrets:\n        - name: ${secret}\n      containers:\n        - name: app\n          image: ${host}/${ORG}/svc:${n}\n`;
        break;
      }
      case 1:
      case 2:
        rel = `pkg/p${n}/package-lock.json`;
        text = JSON.stringify({ packages: Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`node_modules/p${i}`, { version: '1.0.0', integrity: `sha512-${Buffer.from(Array.from({ length: 64 }, () => Math.floor(rand() * 256))).toString('base64')}` }])) }, null, 2);
        break;
      case 3:
        rel = `services/s${n}/.env.example`;
        text = `API_URL=https://api-${n}.example.com\nLOG_LEVEL=info\nCACHE_TTL=${n % 3600}\n`;
        break;
      default:
        rel = `docs/d${n}.md`;
        text = `# Service ${n}\n\nPulls from ${host}/${ORG} with a robot; see the runbook.\n`.repeat(1 + (n % 20));
    }
    const file = join(root, rel);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  execFileSync('git', [...GIT_SAFE_CONFIG, 'init', '-q'], { cwd: root });
  execFileSync('git', [...GIT_SAFE_CONFIG, 'add', '.'], { cwd: root });
}

const key = (f: Finding): string => `${f.check}|${f.severity}|${f.robot}|${JSON.stringify(f.evidence)}`;

export async function benchAudit(): Promise<string> {
  const now = new Date('2026-11-15T12:00:00Z');
  const sandbox = await startSandbox({ seed: 'large', now });
  const root = mkdtempSync(join(tmpdir(), 'bench-audit-'));
  const client = (): QuayClient => new QuayClient({ baseUrl: sandbox.url, getToken: () => Promise.resolve(sandbox.tokens.admin), logger: silentLogger, maxConcurrency: 8 });
  try {
    writeWorkspace(root, sandbox.hostname, sandbox);
    const fast = client();
    sandbox.stats.reset();
    let t = performance.now();
    const quay = await gatherQuay(fast, { host: sandbox.hostname, org: ORG, now });
    const quayMs = performance.now() - t;
    const fastRequests = sandbox.stats.requests;
    await fast.close();
    t = performance.now();
    const workspace: WorkspaceInputs = await gatherWorkspace({ roots: [root], relativeTo: root, knownTokens: new Map(quay.robots.flatMap((r) => (r.tokenFingerprint !== undefined ? [[r.tokenFingerprint, r.name] as const] : []))) });
    const workspaceMs = performance.now() - t;
    t = performance.now();
    const findings = runChecks({ quay, workspace });
    const checksMs = performance.now() - t;

    const slow = client();
    sandbox.stats.reset();
    t = performance.now();
    const naive = await naiveQuay(slow, sandbox.hostname, now);
    const naiveMs = performance.now() - t;
    const naiveRequests = sandbox.stats.requests;
    await slow.close();
    const naiveFindings = runChecks({ quay: naive, workspace });

    const a = findings.map(key).sort();
    const b = naiveFindings.map(key).sort();
    const missing = a.filter((k) => !b.includes(k));
    const extra = b.filter((k) => !a.includes(k));
    if (missing.length > 0 || extra.length > 0) {
      throw new Error(`The two methods disagree: ${missing.length} only in the review, ${extra.length} only in the naive method.\n${[...missing, ...extra].slice(0, 6).join('\n')}`);
    }
    const perCheck = new Map<string, number>();
    for (const f of findings) perCheck.set(f.check, (perCheck.get(f.check) ?? 0) + 1);
    const writers = quay.usage.size;
    const bases = [...quay.usage.values()].reduce<Record<string, number>>((m, u) => ({ ...m, [u.basis]: (m[u.basis] ?? 0) + 1 }), {});
    return [
      `audit: ${ORG} (${quay.robots.length} robots, 5,000 repositories, ${writers} robots holding write), ${workspace.filesScanned} workspace files, look-back ${quay.window.from} to ${quay.window.to}`,
      `  review (gatherQuay): ${fastRequests} requests (counted by the sandbox; ${quay.requests} by the gatherer), ${(quayMs / 1000).toFixed(2)} s; push verdicts by ${Object.entries(bases).map(([k, n]) => `${k} ${n}`).join(', ')}`,
      `  naive (per robot: permissions, /logs pages; per team: members, roles): ${naiveRequests} requests, ${(naiveMs / 1000).toFixed(2)} s`,
      `  workspace (same for both): ${(workspaceMs / 1000).toFixed(2)} s for ${workspace.filesScanned} files, ${workspace.credentials.length} credentials, ${workspace.pullUsages.length} pull usages; checks ${checksMs.toFixed(0)} ms`,
      `  findings: ${findings.length}, identical in both (${[...perCheck].map(([k, n]) => `${k} ${n}`).join(', ')})`,
      `  requests: ${(naiveRequests / Math.max(1, fastRequests)).toFixed(1)}x fewer; time: ${(naiveMs / Math.max(1, quayMs)).toFixed(1)}x faster (Quay part)`,
    ].join('\n');
  } finally {
    await sandbox.close();
    rmSync(root, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchAudit().then(
    (text) => console.log(text),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}

