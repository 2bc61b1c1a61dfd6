import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concernsRobot, describeLogEntry } from '../../src/core/activity';
import type { LogEntry } from '../../src/core/quay/types';

const entry = (kind: string, metadata: Record<string, unknown>, performer?: string): LogEntry => ({
  kind,
  datetime: new Date('2026-11-25T08:12:00Z'),
  metadata,
  ...(performer !== undefined ? { performer: { name: performer, kind: 'user', isRobot: performer.includes('+') } } : {}),
});

void test('a robot is concerned by what it performs and by events naming it', () => {
  const r = 'acme+ci';
  assert.ok(concernsRobot(entry('pull_repo', { repo: 'app' }, r), r));
  assert.ok(concernsRobot(entry('create_robot', { robot: 'ci' }, 'alice'), r));
  assert.ok(concernsRobot(entry('change_repo_permission', { username: 'acme+ci', role: 'read' }, 'alice'), r));
  assert.ok(concernsRobot(entry('create_prototype_permission', { delegate_user: 'acme+ci' }, 'alice'), r));
  assert.ok(concernsRobot(entry('org_add_team_member', { member: 'acme+ci', team: 'x' }, 'alice'), r));
  assert.ok(!concernsRobot(entry('change_repo_permission', { username: 'acme+ci_push' }, 'alice'), r));
  assert.ok(!concernsRobot(entry('create_robot', { robot: 'other' }, 'alice'), r));
});

void test('log lines are readable and leave OAuth bookkeeping out', () => {
  assert.equal(
    describeLogEntry(entry('change_repo_permission', { username: 'acme+ci', role: 'read', oauth_token_id: 7 }, 'alice')),
    '2026-11-25 08:12 UTC  change_repo_permission  by alice  username=acme+ci role=read',
  );
});
