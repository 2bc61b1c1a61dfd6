/**
 * `quay-robots rotate` as a child process (`node out/src/cli.js`) against the sandbox started in this process
 * (README, "Rotate on the command line"; the crash-safety rules of AGENTS.md, "Token rotation"): regenerate and successor, --dry-run, no --yes without a terminal,
 * --finish after a SIGKILL at the engine's fault point, a file changed or deleted between the plan and the edit,
 * Quay failing the regeneration (500, dropped connection), exit codes and the JSON report. Each test has its own
 * workspace and journal folder; each robot is used by one test only.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { main } from '../../../src/cli';
import type { CliIo } from '../../../src/cliCommon';
import { takeSuccessor } from '../../../src/cliRotate';
import { pullSecretManifest } from '../../../src/core/k8s/manifests';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { repoRoot } from '../yaml/helpers';

const CLI = join(repoRoot(), 'out', 'src', 'cli.js');

interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

let sandbox: Sandbox;
const temps: string[] = [];

before(async () => {
  sandbox = await startSandbox({ seed: 'demo' });
});

after(async () => {
  await sandbox.close();
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

/** A workspace and a journal folder of its own. */
function setup(): { ws: string; state: string } {
  const root = mkdtempSync(join(tmpdir(), 'rotate-cli-'));
  temps.push(root);
  const ws = join(root, 'ws');
  mkdirSync(ws);
  return { ws, state: join(root, 'state') };
}

/** The files a robot's credentials live in, with their modes; `files(user, token)` is also what they must become. */
function files(user: string, token: string): Record<string, { text: string; mode: number }> {
  return {
    'prod/app.env': { text: `# CI credentials\nQUAY_USER=${user}\nQUAY_TOKEN=${token}\nOTHER=unchanged\n`, mode: 0o640 },
    'deploy/pull-secret.yaml': { text: `${pullSecretManifest({ host: sandbox.hostname, robot: user, token, scope: 'registry', namespace: 'prod', name: 'quay-pull' })}\n`, mode: 0o600 },
    'scripts/login.sh': { text: `#!/bin/sh\necho "$0"\ndocker login -u ${user} -p ${token} ${sandbox.hostname}\n`, mode: 0o755 },
  };
}

function writeFiles(ws: string, f: Record<string, { text: string; mode: number }>): void {
  for (const [rel, { text, mode }] of Object.entries(f)) {
    mkdirSync(dirname(join(ws, rel)), { recursive: true });
    writeFileSync(join(ws, rel), text);
    chmodSync(join(ws, rel), mode);
  }
}

/** Each file equals the expected text, nothing else changed, with its mode kept. */
function assertFiles(ws: string, f: Record<string, { text: string; mode: number }>): void {
  for (const [rel, { text, mode }] of Object.entries(f)) {
    assert.equal(readFileSync(join(ws, rel), 'utf8'), text, rel);
    assert.equal(statSync(join(ws, rel)).mode & 0o7777, mode, `${rel} keeps its mode`);
  }
}

function tokenOf(robot: string): string {
  return sandbox.state.robot(robot)?.token ?? assert.fail(`no robot ${robot}`);
}

function cli(args: readonly string[], ctx: { ws: string; state: string }, env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [CLI, ...args],
      { cwd: ctx.ws, env: { PATH: process.env.PATH ?? '', HOME: ctx.ws, QUAY_TOKEN: sandbox.tokens.admin, QUAY_ROBOTS_STATE_DIR: ctx.state, ...env }, encoding: 'utf8' },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        resolve({ code, signal: error?.signal ?? null, stdout, stderr });
      },
    );
    child.stdin?.end('');
  });
}

const rotateArgs = (robot: string, ...more: string[]): string[] => ['rotate', '--host', sandbox.url, '--robot', robot, ...more];
const json = (run: Run): Record<string, unknown> => JSON.parse(run.stdout) as Record<string, unknown>;
const journalFiles = (state: string): string[] => (existsSync(join(state, 'rotations')) ? readdirSync(join(state, 'rotations')) : []);

async function registryLogin(user: string, token: string): Promise<number> {
  const r = await fetch(`${sandbox.url}/v2/auth?service=${sandbox.hostname}`, { headers: { Authorization: `Basic ${Buffer.from(`${user}:${token}`).toString('base64')}` } });
  await r.arrayBuffer();
  return r.status;
}

const isRegenerate = (r: { method: string; path: string }): boolean => r.method === 'POST' && r.path.endsWith('/regenerate');

void test('--dry-run prints the plan (file, line, column, encoding) and changes nothing: exit 0; without --yes and no terminal: exit 2, nothing changed', async () => {
  const ctx = setup();
  const robot = 'acme+ci_pull';
  const old = tokenOf(robot);
  writeFiles(ctx.ws, files(robot, old));
  const dry = await cli(rotateArgs(robot, '--dry-run', '--format', 'json'), ctx);
  assert.equal(dry.code, 0, dry.stderr);
  const doc = json(dry);
  assert.equal(doc.exitCode, 0);
  assert.equal(doc.dryRun, true);
  const plan = doc.plan as { files: { file: string; line: number; column: number; encoding: string }[]; filesScanned: number };
  assert.deepEqual(
    plan.files.map((f) => `${f.file}:${f.line}:${f.column} ${f.encoding}`).sort(),
    ['deploy/pull-secret.yaml:7:95 dockerconfigjson', 'prod/app.env:3:12 raw', 'scripts/login.sh:3:33 raw'],
  );
  assert.equal(doc.result, undefined);
  const text = await cli(rotateArgs(robot, '--dry-run'), ctx);
  assert.equal(text.code, 0);
  assert.match(text.stdout, /^Regenerate the token of acme\+ci_pull on /);
  assert.match(text.stdout, /prod\/app\.env:3:12 {2}token/);

  const refused = await cli(rotateArgs(robot), ctx);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /refusing to change anything without --yes: there is no terminal to ask \(nothing was changed\)/);
  assert.equal(tokenOf(robot), old, 'not regenerated');
  assertFiles(ctx.ws, files(robot, old));
  assert.deepEqual(journalFiles(ctx.state), []);
  assert.ok(!dry.stdout.includes(old) && !text.stdout.includes(old) && !refused.stderr.includes(old), 'the token is never printed');
});

void test('regenerate: every file updated in place with its mode, the logins prove it, the journal is gone: exit 0 and the JSON report', async () => {
  const ctx = setup();
  const robot = 'acme+k8s_prod_puller';
  const old = tokenOf(robot);
  writeFiles(ctx.ws, files(robot, old));
  const run = await cli(rotateArgs(robot, '--yes', '--format', 'json'), ctx);
  assert.equal(run.code, 0, run.stderr);
  const fresh = tokenOf(robot);
  assert.notEqual(fresh, old);
  assertFiles(ctx.ws, files(robot, fresh));
  const doc = json(run);
  const result = doc.result as { rotated: boolean; updated: { files: unknown[] }; left: unknown[]; login: { newToken: string; oldToken: string } };
  assert.equal(result.rotated, true);
  assert.equal(result.updated.files.length, 3);
  assert.deepEqual(result.left, []);
  assert.equal(result.login.newToken, 'accepted');
  assert.match(result.login.oldToken, /^refused: /);
  assert.equal(doc.finishCommand, null);
  assert.equal(doc.exitCode, 0);
  assert.deepEqual(journalFiles(ctx.state), [], 'a finished rotation deletes its journal');
  assert.equal(await registryLogin(robot, fresh), 200);
  assert.ok(!run.stdout.includes(fresh) && !run.stdout.includes(old), 'no token in the report');
});

void test('--successor NAME: the successor is created with the robot\'s permissions, the places move to its name and token, the robot keeps working', async () => {
  const ctx = setup();
  const robot = 'acme+ci_push';
  const old = tokenOf(robot);
  writeFiles(ctx.ws, files(robot, old));
  const run = await cli(rotateArgs(robot, '--successor', 'ci_push_next', '--yes'), ctx);
  assert.equal(run.code, 0, run.stderr);
  const successor = 'acme+ci_push_next';
  const fresh = tokenOf(successor);
  assertFiles(ctx.ws, files(successor, fresh));
  assert.equal(tokenOf(robot), old, 'the predecessor is untouched');
  assert.match(run.stdout, /^Move acme\+ci_push to the successor acme\+ci_push_next on /);
  assert.match(run.stdout, /✓ create acme\+ci_push_next/);
  assert.match(run.stdout, /✓ write on acme\/frontend/);
  assert.match(run.stdout, /acme\+ci_push_next with the new token: accepted/);
  assert.deepEqual(sandbox.state.robot(successor)?.permissions?.map((p) => `${p.repository}:${p.role}`).sort(), ['acme/backend:write', 'acme/frontend:write']);
  assert.equal(await registryLogin(robot, old), 200, 'the predecessor lives until it is retired');
  assert.deepEqual(journalFiles(ctx.state), []);
});

void test('§3: killed (SIGKILL) right after the regeneration, then --finish: each file is the original with the new token, nothing else; the journal is deleted', async () => {
  const ctx = setup();
  const robot = 'alice+laptop';
  const old = tokenOf(robot);
  writeFiles(ctx.ws, files(robot, old));
  const killed = await cli(rotateArgs(robot, 'prod', 'deploy', 'scripts', '--yes'), ctx, { QUAY_TEST_FAULT: 'after-regenerate' });
  assert.equal(killed.signal, 'SIGKILL', killed.stderr);
  const fresh = tokenOf(robot);
  assert.notEqual(fresh, old, 'Quay regenerated before the kill');
  assertFiles(ctx.ws, files(robot, old));
  const [record] = journalFiles(ctx.state);
  assert.ok(record !== undefined, 'the journal was written before the regeneration');
  assert.equal(statSync(join(ctx.state, 'rotations', record)).mode & 0o777, 0o600);
  assert.equal(statSync(join(ctx.state, 'rotations')).mode & 0o777, 0o700);

  const finished = await cli(['rotate', '--finish', '--robot', robot, 'prod', 'deploy', 'scripts', '--format', 'json'], ctx);
  assert.equal(finished.code, 0, finished.stderr);
  assertFiles(ctx.ws, files(robot, fresh));
  const doc = json(finished);
  assert.equal(doc.command, 'finish');
  assert.equal((doc.result as { updated: { files: unknown[] } }).updated.files.length, 3);
  assert.deepEqual(journalFiles(ctx.state), []);
  const again = await cli(['rotate', '--finish', '--robot', robot], ctx);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /no unfinished rotation of alice\+laptop/);
});

void test('§3: a file changed and one deleted between the plan and the edit: the changed one is scanned again and updated, the deleted one is left, exit 1 with the command that finishes it', async () => {
  const ctx = setup();
  const robot = 'alice+backup';
  const old = tokenOf(robot);
  const original = files(robot, old);
  writeFiles(ctx.ws, original);
  // The plan is made; the regeneration is held until the files have changed.
  const hold = sandbox.hold(isRegenerate);
  const running = cli(rotateArgs(robot, '--yes'), ctx);
  await hold.untilHeld(1);
  writeFileSync(join(ctx.ws, 'prod/app.env'), `# moved down\n${original['prod/app.env']?.text ?? ''}`);
  rmSync(join(ctx.ws, 'scripts/login.sh'));
  hold.release();
  const run = await running;
  assert.equal(run.code, 1, run.stderr);
  const fresh = tokenOf(robot);
  assert.equal(readFileSync(join(ctx.ws, 'prod/app.env'), 'utf8'), `# moved down\n${files(robot, fresh)['prod/app.env']?.text ?? ''}`);
  assert.equal(readFileSync(join(ctx.ws, 'deploy/pull-secret.yaml'), 'utf8'), files(robot, fresh)['deploy/pull-secret.yaml']?.text);
  assert.match(run.stdout, /prod\/app\.env changed after the plan: scanned again and edited on its current text/);
  assert.match(run.stdout, /Left \(1\):\n {2}scripts\/login\.sh {2}the file no longer exists/);
  assert.match(run.stdout, /2 places updated, 1 left/);
  const command = /finish with:\n {2}(quay-robots rotate --finish .*)\n/.exec(run.stdout)?.[1];
  assert.equal(command, `quay-robots rotate --finish --host ${sandbox.url} --robot ${robot} .`);

  // The file comes back from a backup: --finish updates it.
  writeFiles(ctx.ws, { 'scripts/login.sh': original['scripts/login.sh'] ?? assert.fail() });
  const finished = await cli(['rotate', '--finish', '--host', sandbox.url, '--robot', robot, '.'], ctx);
  assert.equal(finished.code, 0, finished.stderr);
  assertFiles(ctx.ws, { 'scripts/login.sh': files(robot, fresh)['scripts/login.sh'] ?? assert.fail() });
  assert.deepEqual(journalFiles(ctx.state), []);
});

for (const fate of ['fail', 'drop'] as const) {
  void test(`§3: Quay ${fate === 'fail' ? 'answers 500' : 'drops the connection'} on the regeneration: nothing is edited, the report says the old token still works (a registry login proves it), exit 2`, async () => {
    const ctx = setup();
    const robot = fate === 'fail' ? 'acme+unused_bot' : 'platform+scanner';
    const old = tokenOf(robot);
    writeFiles(ctx.ws, files(robot, old));
    sandbox.failNext(isRegenerate, fate);
    const run = await cli(rotateArgs(robot, '--yes', '--format', 'json'), ctx);
    assert.equal(run.code, 2, run.stderr);
    assert.equal(tokenOf(robot), old);
    assertFiles(ctx.ws, files(robot, old));
    const result = json(run).result as { rotated: boolean; oldTokenWorks: boolean; error: string; login: { oldToken: string } };
    assert.equal(result.rotated, false);
    assert.equal(result.oldTokenWorks, true);
    assert.match(result.error, new RegExp(`Nothing was changed: the old token of ${robot.replace('+', '\\+')} still works \\(a registry login with it was accepted\\)\\.`));
    assert.equal(result.login.oldToken, 'accepted');
    assert.equal(await registryLogin(robot, old), 200);
    assert.deepEqual(journalFiles(ctx.state), [], 'nothing to finish');
  });
}

void test('a file that could not be searched may still hold the old token: the rotation goes on, but exits 1 and says what was not searched', async () => {
  const ctx = setup();
  const robot = 'acme+keyless';
  const old = tokenOf(robot);
  writeFiles(ctx.ws, { 'prod/app.env': files(robot, old)['prod/app.env'] ?? assert.fail() });
  writeFileSync(join(ctx.ws, 'legacy.txt'), Buffer.from(`\ufeffTOKEN=${old}\n`, 'utf16le'));
  const run = await cli(rotateArgs(robot, '--yes', '--format', 'json'), ctx);
  assert.equal(run.code, 1, run.stderr);
  const doc = json(run);
  assert.deepEqual((doc.plan as { notSearched: string[] }).notSearched, ['legacy.txt: UTF-16 text, not searched']);
  const result = doc.result as { left: unknown[]; notSearched: string[] };
  assert.deepEqual(result.left, []);
  assert.deepEqual(result.notSearched, ['legacy.txt: UTF-16 text, not searched']);
  assert.equal(doc.finishCommand, null, 'nothing failed: the journal is gone');
  assertFiles(ctx.ws, { 'prod/app.env': files(robot, tokenOf(robot))['prod/app.env'] ?? assert.fail() });
  assert.deepEqual(journalFiles(ctx.state), []);
});

void test('without --yes on a terminal it asks: "no" changes nothing (exit 2), "yes" rotates (exit 0)', async () => {
  const ctx = setup();
  const robot = 'platform+mirror_bot';
  const old = tokenOf(robot);
  writeFiles(ctx.ws, files(robot, old));
  const asked: string[] = [];
  const io = (answer: boolean): CliIo => ({
    stdout: () => undefined,
    stderr: () => undefined,
    readStdin: () => Promise.resolve(''),
    readFile: () => Promise.reject(new Error('not used')),
    writeFile: () => Promise.reject(new Error('not used')),
    stdinIsTTY: true,
    env: { QUAY_TOKEN: sandbox.tokens.admin, QUAY_ROBOTS_STATE_DIR: ctx.state },
    cwd: ctx.ws,
    confirm: (question) => {
      asked.push(question);
      return Promise.resolve(answer);
    },
  });
  assert.equal(await main(rotateArgs(robot), io(false)), 2);
  assert.deepEqual(asked, ['Regenerate the token (Quay invalidates the old one at once) and update these places? [y/N] ']);
  assert.equal(tokenOf(robot), old);
  assertFiles(ctx.ws, files(robot, old));
  assert.equal(await main(rotateArgs(robot), io(true)), 0);
  assertFiles(ctx.ws, files(robot, tokenOf(robot)));
  assert.notEqual(tokenOf(robot), old);
});

void test('--successor [NAME]: the next word is NAME unless a file or folder has that name; --successor=NAME always', () => {
  const ctx = setup();
  mkdirSync(join(ctx.ws, 'deploy'));
  assert.deepEqual(takeSuccessor(['--successor', 'ci_next', 'deploy'], ctx.ws), { rest: ['deploy'], successor: 'ci_next' });
  assert.deepEqual(takeSuccessor(['--successor', 'deploy'], ctx.ws), { rest: ['deploy'], successor: true });
  assert.deepEqual(takeSuccessor(['--successor=deploy', 'deploy'], ctx.ws), { rest: ['deploy'], successor: 'deploy' });
  assert.deepEqual(takeSuccessor(['--successor', '--yes'], ctx.ws), { rest: ['--yes'], successor: true });
  assert.deepEqual(takeSuccessor(['--yes'], ctx.ws), { rest: ['--yes'], successor: undefined });
});

void test('bad input exits 2 before anything is read: no robot, a short robot name, --finish with --successor, an unknown format', async () => {
  const ctx = setup();
  for (const args of [
    ['rotate', '--host', sandbox.url],
    ['rotate', '--host', sandbox.url, '--robot', 'ci_pull'],
    ['rotate', '--finish', '--robot', 'acme+ci_pull', '--successor'],
    ['rotate', '--host', sandbox.url, '--robot', 'acme+ci_pull', '--format', 'yaml'],
    ['rotate', '--robot', 'acme+ci_pull'],
  ]) {
    const run = await cli(args, ctx);
    assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, /^quay-robots: .*\nRun "quay-robots --help" for usage\.\n$/);
  }
});
