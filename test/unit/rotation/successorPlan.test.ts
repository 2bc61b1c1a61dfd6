import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import type { RobotListQuery } from '../../../src/core/quay/robots';
import type { Namespace, Robot } from '../../../src/core/quay/types';
import { findRetiree, predecessorOf, recordSuccessor } from '../../../src/core/rotation/successorPlan';

const NS: Namespace = { kind: 'org', name: 'acme' };
const A = 'https://quay.a.example';
const B = 'https://quay.b.example';

void test('Retire Predecessor retires a recorded successor\'s predecessor, on that instance only, and any other robot itself', () => {
  const records = recordSuccessor(recordSuccessor({}, A, 'acme+ci_20261207', 'acme+ci'), A, 'acme+deploy_20261207', 'acme+deploy');
  assert.equal(predecessorOf(records, A, 'acme+ci_20261207'), 'acme+ci');
  assert.equal(predecessorOf(records, A, 'acme+deploy_20261207'), 'acme+deploy');
  assert.equal(predecessorOf(records, B, 'acme+ci_20261207'), 'acme+ci_20261207');
  assert.equal(predecessorOf(records, A, 'acme+ci'), 'acme+ci');
});

void test('recording a successor keeps the earlier records and does not change the given ones', () => {
  const first = recordSuccessor({}, A, 'acme+ci_20261207', 'acme+ci');
  const second = recordSuccessor(first, B, 'acme+ci_20261208', 'acme+ci');
  assert.deepEqual(first, { [`${A} acme+ci_20261207`]: 'acme+ci' });
  assert.deepEqual(second, { [`${A} acme+ci_20261207`]: 'acme+ci', [`${B} acme+ci_20261208`]: 'acme+ci' });
});

void test('findRetiree lists the namespace\'s robots without tokens or permissions and finds the one by full name; undefined once it is gone', async () => {
  const robot = (fullName: string): Robot => {
    const [namespace, shortName] = fullName.split('+');
    return { fullName, namespace, shortName, description: '', created: undefined, lastAccessed: new Date('2026-12-01T10:00:00Z') };
  };
  const queries: (RobotListQuery | undefined)[] = [];
  const client = {
    listRobots: (ns: Namespace, query?: RobotListQuery): Promise<readonly Robot[]> => {
      assert.deepEqual(ns, NS);
      queries.push(query);
      return Promise.resolve([robot('acme+ci'), robot('acme+deploy')]);
    },
  };
  assert.equal((await findRetiree(client, NS, 'acme+deploy'))?.fullName, 'acme+deploy');
  assert.equal(await findRetiree(client, NS, 'acme+gone'), undefined);
  assert.deepEqual(queries, [{ permissions: false, token: false }, { permissions: false, token: false }]);
});
