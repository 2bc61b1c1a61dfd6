import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatLogDate, parseLogPage } from '../../../src/core/quay/logs';
import { parseOrganization } from '../../../src/core/quay/organizations';
import { parseRfc2822 } from '../../../src/core/quay/parse';
import { parsePrototype } from '../../../src/core/quay/prototypes';
import { parseRobot } from '../../../src/core/quay/robots';
import { parseCurrentUser } from '../../../src/core/quay/user';
import { jwtExpiry } from '../../../src/core/quay/federation';
import { robotShortName, seg, repoPath } from '../../../src/core/quay/paths';

void test('RFC 2822 dates as Python formatdate writes them', () => {
  assert.equal(parseRfc2822('Thu, 01 Dec 2016 00:00:00 -0000')?.toISOString(), '2016-12-01T00:00:00.000Z');
  assert.equal(parseRfc2822('Wed, 21 Aug 2026 20:02:54 -0000')?.toISOString(), '2026-08-21T20:02:54.000Z');
  assert.equal(parseRfc2822('Wed, 21 Aug 2026 22:02:54 +0200')?.toISOString(), '2026-08-21T20:02:54.000Z');
  assert.equal(parseRfc2822('21 Aug 2026 20:02:54 GMT')?.toISOString(), '2026-08-21T20:02:54.000Z');
  assert.equal(parseRfc2822('2026-08-21T20:02:54Z'), undefined);
  assert.equal(parseRfc2822('Wed, 21 Foo 2026 20:02:54 -0000'), undefined);
});

void test('a robot list entry becomes a Robot; extra fields are tolerated; token only when sent', () => {
  const robot = parseRobot(
    {
      name: 'acme+ci_pull',
      created: 'Wed, 21 Aug 2026 20:02:54 -0000',
      last_accessed: null,
      description: 'CI',
      teams: [{ name: 'deployers', avatar: { kind: 'team' } }],
      repositories: ['app', 'infra'],
      something_new: 42,
    },
    'robots[0]',
  );
  assert.deepEqual(robot, {
    fullName: 'acme+ci_pull',
    namespace: 'acme',
    shortName: 'ci_pull',
    description: 'CI',
    created: new Date('2026-08-21T20:02:54Z'),
    lastAccessed: undefined,
    teams: ['deployers'],
    repositories: ['app', 'infra'],
  });
  assert.ok(!('token' in robot));
  assert.equal(parseRobot({ name: 'a+b', token: null }, '').token, undefined);
  assert.equal(parseRobot({ name: 'a+b', token: 'T'.repeat(64) }, '').token, 'T'.repeat(64));
});

void test('a missing or mistyped required field names the field', () => {
  assert.throws(() => parseRobot({ description: 'x' }, 'robots[3]'), /field "robots\[3\]\.name" is missing/);
  assert.throws(() => parseRobot({ name: 'a+b', created: 'yesterday' }, ''), /field "created" should be an RFC 2822 date/);
  assert.throws(() => parseCurrentUser({ anonymous: false }), /field "username" is missing/);
  assert.throws(() => parsePrototype({ id: 'x', role: 'owner', delegate: { kind: 'user', name: 'a' } }, ''), /field "role" should be one of read, write, admin/);
});

void test('current user: organizations with admin flags only when sent', () => {
  const user = parseCurrentUser({
    anonymous: false,
    username: 'alice',
    avatar: {},
    organizations: [
      { name: 'acme', avatar: {}, can_create_repo: true, public: false, is_org_admin: true },
      { name: 'opensource', avatar: {}, can_create_repo: false, public: false },
    ],
  });
  assert.equal(user.username, 'alice');
  assert.equal(user.superUser, false);
  assert.equal(user.organizations[0]?.isOrgAdmin, true);
  assert.equal(user.organizations[1]?.isOrgAdmin, undefined);
});

void test('organization teams follow ordered_teams', () => {
  const org = parseOrganization({
    name: 'acme',
    email: '',
    is_admin: true,
    is_member: true,
    teams: {
      owners: { name: 'owners', description: '', role: 'admin', can_view: true, repo_count: 0, member_count: 1, is_synced: false },
      deployers: { name: 'deployers', description: 'deploy', role: 'member', can_view: true, repo_count: 2, member_count: 3, is_synced: false },
    },
    ordered_teams: ['deployers', 'owners'],
  });
  assert.deepEqual(
    org.teams.map((t) => [t.name, t.role, t.memberCount]),
    [
      ['deployers', 'member', 3],
      ['owners', 'admin', 1],
    ],
  );
  assert.deepEqual(parseOrganization({ name: 'x' }).teams, []);
});

void test('prototype delegates: robot, team, any creator', () => {
  const p = parsePrototype(
    { id: 'u1', role: 'write', delegate: { name: 'acme+ci', kind: 'user', is_robot: true }, activating_user: null },
    '',
  );
  assert.deepEqual(p, { id: 'u1', role: 'write', delegate: { kind: 'robot', name: 'acme+ci' } });
  const t = parsePrototype({ id: 'u2', role: 'read', delegate: { name: 'deployers', kind: 'team' }, activating_user: { name: 'alice', is_robot: false } }, '');
  assert.deepEqual(t.delegate, { kind: 'team', name: 'deployers' });
  assert.deepEqual(t.activatingUser, { name: 'alice', isRobot: false });
});

void test('log pages: dates, performer, next page', () => {
  const page = parseLogPage({
    start_time: 'Tue, 20 Aug 2026 16:00:00 -0000',
    end_time: 'Thu, 22 Aug 2026 16:00:00 -0000',
    logs: [
      { kind: 'create_robot', metadata: { robot: 'ci' }, ip: '10.0.0.5', datetime: 'Wed, 21 Aug 2026 20:02:54 -0000', performer: { kind: 'user', name: 'alice', is_robot: false } },
      { kind: 'federated_robot_token_exchange', metadata: {}, datetime: 'Wed, 21 Aug 2026 20:03:00 -0000' },
    ],
    next_page: 'gAAAA',
  });
  assert.equal(page.logs[0]?.performer?.name, 'alice');
  assert.equal(page.logs[1]?.performer, undefined);
  assert.equal(page.nextPage, 'gAAAA');
  assert.equal(page.startTime?.toISOString(), '2026-08-20T16:00:00.000Z');
  assert.equal(formatLogDate(new Date('2017-01-09T23:59:59Z')), '01/09/2017');
});

void test('paths: segments encoded, + kept, nested repository names keep their slashes', () => {
  assert.equal(seg('acme+ci'), 'acme+ci');
  assert.equal(seg('a b/c'), 'a%20b%2Fc');
  assert.equal(repoPath({ namespace: 'acme', name: 'team/app' }), 'acme/team/app');
  assert.equal(robotShortName({ kind: 'org', name: 'acme' }, 'acme+ci'), 'ci');
  assert.equal(robotShortName({ kind: 'org', name: 'acme' }, 'ci'), 'ci');
  assert.throws(() => robotShortName({ kind: 'org', name: 'acme' }, 'other+ci'), /does not belong/);
});

void test('jwtExpiry reads exp without verifying', () => {
  const payload = Buffer.from(JSON.stringify({ exp: 1_800_000_000 })).toString('base64url');
  assert.equal(jwtExpiry(`h.${payload}.s`)?.getTime(), 1_800_000_000_000);
  assert.equal(jwtExpiry('not-a-jwt'), undefined);
});
