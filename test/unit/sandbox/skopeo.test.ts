/**
 * Contract §12.5 checked with a registry client nobody here wrote: Debian's `skopeo login` against the
 * sandbox (scripts/install-code-server.sh installs it). skopeo runs with a throwaway HOME, XDG dirs,
 * registries.conf and `--authfile`, so it never reads or writes the user's container config. Without
 * skopeo the test is skipped (visibly), and under CI=true it fails.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { skopeo, skopeoSkip as skip, skopeoVersion as version, type Skopeo } from '../../sandbox/skopeo';
import { call, expectStatus, obj } from './helpers';

let sb: Sandbox;
let client: Skopeo;
let home: string;

before(async () => {
  client = skopeo();
  home = client.home;
  sb = await startSandbox({ seed: 'demo' });
});
after(async () => {
  await sb.close();
  client.dispose();
});

const login = (user: string, password: string, authName: string) => client.login(sb.hostname, user, password, authName);

/** The `auths` entry skopeo stored for the sandbox, decoded (`user:password`), or undefined. */
function stored(authName: string): string | undefined {
  const authfile = join(home, `${authName}.json`);
  if (!existsSync(authfile)) return undefined;
  const auths = (JSON.parse(readFileSync(authfile, 'utf8')) as { auths?: Record<string, { auth?: string }> }).auths ?? {};
  const auth = auths[sb.hostname]?.auth;
  return auth === undefined ? undefined : Buffer.from(auth, 'base64').toString();
}

void test(`skopeo login: the token works, a wrong one does not, and after a rotation only the new one does (${version ?? 'skopeo missing'})`, { skip }, async () => {
  assert.ok(version !== undefined, 'CI=true and skopeo is not installed: run scripts/install-code-server.sh as root');
  const robot = 'acme+ci_pull';
  const old = sb.state.robot(robot)?.token ?? assert.fail('no robot');
  const authfile = (name: string): string => name;

  const ok = await login(robot, old, authfile('ok'));
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /Login Succeeded/);
  assert.equal(stored(authfile('ok')), `${robot}:${old}`);
  const entry = sb.state.logs('acme')[0];
  assert.equal(entry?.kind, 'login_success', 'the sandbox recorded the login');
  assert.equal(entry?.performer, robot);
  const useragent = entry?.metadata['useragent'];
  assert.ok(typeof useragent === 'string' && /containers|skopeo/i.test(useragent), String(JSON.stringify(useragent)));

  const wrong = await login(robot, 'NOT-THE-TOKEN', authfile('wrong'));
  assert.notEqual(wrong.code, 0, wrong.stdout);
  assert.match(wrong.stderr, /invalid username\/password|unauthorized/i);
  assert.equal(stored(authfile('wrong')), undefined);

  const rotated = await call(sb, 'POST', '/api/v1/organization/acme/robots/ci_pull/regenerate', { token: sb.tokens.admin });
  expectStatus(rotated, 200);
  const fresh = String(obj(rotated)['token']);
  assert.notEqual(fresh, old);

  const stale = await login(robot, old, authfile('stale'));
  assert.notEqual(stale.code, 0, stale.stdout);
  assert.match(stale.stderr, /invalid username\/password|unauthorized/i);
  assert.equal(stored(authfile('stale')), undefined);

  const renewed = await login(robot, fresh, authfile('renewed'));
  assert.equal(renewed.code, 0, renewed.stderr);
  assert.equal(stored(authfile('renewed')), `${robot}:${fresh}`);
  assert.deepEqual(readFileSync(join(home, 'registries.conf'), 'utf8'), '', 'nothing else written');
});
