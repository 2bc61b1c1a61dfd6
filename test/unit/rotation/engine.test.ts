import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import type { SecretCredentials, SecretMatch, SecretUpdate } from '../../../src/core/k8s/clusterSecrets';
import { QuayApiError, type QuayErrorReason } from '../../../src/core/quay/errors';
import type { RegistryLoginResult } from '../../../src/core/quay/registry';
import type { Namespace, Robot } from '../../../src/core/quay/types';
import { executeRotation, finishRotation, type RotationPlan, type RotationPorts } from '../../../src/core/rotation/engine';
import { journalKey, parsePendingRotation, type JournalEntries, type PendingRotation, type RotationJournal } from '../../../src/core/rotation/journal';
import type { ApplyResult, Usage } from '../../../src/core/rotation/places';
import type { Replacement } from '../../../src/core/rotation/replace';
import { nothingFoundMessage, notRotatedMessage, rotationReport } from '../../../src/core/rotation/report';
import { NEW_TOKEN, ROBOT, SUCCESSOR, TOKEN } from './helpers';

const NS: Namespace = { kind: 'org', name: 'acme' };
const URL_ = 'https://quay.example';

class MemoryJournal implements RotationJournal {
  readonly records = new Map<string, PendingRotation>();
  readonly log: string[];
  constructor(log: string[]) {
    this.log = log;
  }
  save(p: PendingRotation): Promise<void> {
    this.log.push('journal.save');
    this.records.set(journalKey(p), p);
    return Promise.resolve();
  }
  remove(p: Pick<PendingRotation, 'instanceUrl' | 'oldUser'>): Promise<void> {
    this.log.push('journal.remove');
    this.records.delete(journalKey(p));
    return Promise.resolve();
  }
  list(): Promise<JournalEntries> {
    return Promise.resolve({ pending: [...this.records.values()], unreadable: [] });
  }
}

const usage = (file: string): Usage => ({ file, inWorkspace: true, usage: { encoding: 'raw', range: { start: 10, end: 74 }, line: 1, column: 11 } });
const secret = (name: string): SecretMatch => ({ context: 'kind', namespace: 'team-a', name, type: 'kubernetes.io/dockerconfigjson', registry: 'quay.example', managedBy: null, secret: {} });
const robot = (token: string | undefined): Robot => ({ fullName: ROBOT, namespace: 'acme', shortName: 'ci_bot', description: '', created: undefined, lastAccessed: undefined, ...(token !== undefined ? { token } : {}) });
const quayError = (reason: QuayErrorReason, status?: number): QuayApiError =>
  new QuayApiError({ reason, instance: 'quay.example', method: 'POST', path: '/api/v1/organization/acme/robots/ci_bot/regenerate', operation: { action: 'regenerate the token of robot', object: ROBOT }, ...(status !== undefined ? { status, serverMessage: 'Internal Server Error' } : {}) });

interface Fake {
  ports: RotationPorts;
  journal: MemoryJournal;
  log: string[];
  /** The replacements the places port was asked to apply. */
  applied: Replacement[];
  secretCalls: SecretCredentials[];
}

interface FakeOptions {
  regenerate?: () => Promise<Robot>;
  apply?: (usages: readonly Usage[]) => ApplyResult;
  update?: (matches: readonly SecretMatch[]) => SecretUpdate[];
  login?: (user: string, token: string) => RegistryLoginResult;
  fault?: RotationPorts['fault'];
  current?: string;
}

/** Fake ports that record every call in order in `log`; the regeneration checks the journal is already written. */
function fake(o: FakeOptions = {}): Fake {
  const log: string[] = [];
  const journal = new MemoryJournal(log);
  const applied: Replacement[] = [];
  const secretCalls: SecretCredentials[] = [];
  let token = o.current ?? TOKEN;
  const ports: RotationPorts = {
    journal,
    now: () => new Date('2026-12-07T12:00:00Z'),
    quay: {
      getRobot: () => {
        log.push('quay.getRobot');
        return Promise.resolve(robot(token));
      },
      regenerateRobotToken: async () => {
        log.push(`quay.regenerate (journal has ${journal.records.size})`);
        const r = o.regenerate !== undefined ? await o.regenerate() : robot(NEW_TOKEN);
        token = r.token ?? token;
        return r;
      },
      registryLogin: (user, password) => {
        log.push(`quay.login ${user} ${password === token ? 'current' : 'other'}`);
        return Promise.resolve(o.login?.(user, password) ?? (password === token ? { kind: 'ok' } : { kind: 'refused', message: 'Invalid username or password' }));
      },
    },
    places: {
      apply: (usages, r) => {
        log.push(`places.apply ${usages.length}`);
        applied.push(r);
        return Promise.resolve(o.apply?.(usages) ?? { updated: [...usages], rescanned: [], failed: [], unsaved: [] });
      },
    },
    clusters: {
      update: (matches, c) => {
        log.push(`clusters.update ${matches.length}`);
        secretCalls.push(c);
        return Promise.resolve(o.update?.(matches) ?? matches.map((match): SecretUpdate => ({ match, outcome: 'updated' })));
      },
    },
    ...(o.fault !== undefined ? { fault: o.fault } : {}),
  };
  return { ports, journal, log, applied, secretCalls };
}

const plan = (extra: Partial<RotationPlan> = {}): RotationPlan => ({ instanceUrl: URL_, namespace: NS, robot: ROBOT, oldToken: TOKEN, places: [usage('/w/a.env'), usage('/w/b.env')], secrets: [secret('one'), secret('two')], ...extra });

void test('the journal is written before the regeneration, and removed once every place is updated', async () => {
  const f = fake();
  const outcome = await executeRotation(f.ports, plan());
  assert.deepEqual(f.log, ['journal.save', 'quay.regenerate (journal has 1)', 'places.apply 2', 'clusters.update 2', `quay.login ${ROBOT} current`, `quay.login ${ROBOT} other`, 'journal.remove']);
  assert.equal(outcome.kind, 'rotated');
  assert.equal(f.journal.records.size, 0);
  assert.deepEqual(f.applied, [{ oldUser: ROBOT, oldToken: TOKEN, newUser: ROBOT, newToken: NEW_TOKEN }]);
  assert.deepEqual(f.secretCalls, [{ oldUser: ROBOT, oldToken: TOKEN, newUser: ROBOT, newToken: NEW_TOKEN }]);
  if (outcome.kind !== 'rotated') return;
  assert.equal(outcome.journalKept, false);
  assert.deepEqual(outcome.newLogin, { kind: 'ok' });
  assert.equal(outcome.oldLogin?.kind, 'refused');
});

for (const [what, error] of [
  ['Quay answers 500', quayError('server', 500)],
  ['the connection drops', quayError('network')],
] as const) {
  void test(`${what} on the regeneration: nothing is edited, the old token is checked with a login, the journal is removed`, async () => {
    const f = fake({ regenerate: () => Promise.reject(error) });
    const outcome = await executeRotation(f.ports, plan());
    assert.deepEqual(f.log, ['journal.save', 'quay.regenerate (journal has 1)', `quay.login ${ROBOT} current`, 'journal.remove']);
    assert.equal(outcome.kind, 'not-rotated');
    if (outcome.kind !== 'not-rotated') return;
    assert.equal(outcome.oldTokenWorks, true);
    assert.equal(outcome.error, error);
    const message = notRotatedMessage(outcome);
    assert.ok(message.startsWith(error.message), message);
    assert.match(message, /Nothing was changed: the old token of acme\+ci_bot still works \(a registry login with it was accepted\)\./);
  });
}

void test('an unclear failure after which the old token is refused keeps the journal (Quay may have regenerated), and edits nothing', async () => {
  const f = fake({ regenerate: () => Promise.reject(quayError('network')), login: () => ({ kind: 'refused', message: 'Invalid username or password' }) });
  const outcome = await executeRotation(f.ports, plan());
  assert.deepEqual(f.log, ['journal.save', 'quay.regenerate (journal has 1)', `quay.login ${ROBOT} current`]);
  assert.equal(f.journal.records.size, 1);
  assert.equal(outcome.kind === 'not-rotated' && outcome.oldTokenWorks, false);
  if (outcome.kind === 'not-rotated') assert.match(notRotatedMessage(outcome), /Quay may have regenerated the token of acme\+ci_bot .*refused: Invalid username or password.*run "Quay: Finish Rotation"/);
});

void test('Quay\'s definite refusal (4xx) removes the journal without a login check', async () => {
  const f = fake({ regenerate: () => Promise.reject(quayError('invalidRequest', 400)) });
  const outcome = await executeRotation(f.ports, plan());
  assert.deepEqual(f.log, ['journal.save', 'quay.regenerate (journal has 1)', 'journal.remove']);
  assert.equal(outcome.kind === 'not-rotated' && outcome.oldTokenWorks, true);
});

void test('after the regeneration, a failed file keeps the journal', async () => {
  const f = fake({ apply: (u) => ({ updated: u.slice(1), rescanned: [], failed: [{ file: '/w/a.env', reason: 'the file no longer exists' }], unsaved: [] }) });
  const outcome = await executeRotation(f.ports, plan());
  assert.equal(outcome.kind === 'rotated' && outcome.journalKept, true);
  assert.equal(f.journal.records.get(journalKey({ instanceUrl: URL_, oldUser: ROBOT }))?.oldToken, TOKEN);
  assert.ok(!f.log.includes('journal.remove'));
});

void test('the API server going away halfway through the Secrets: the updated one stays updated, the other is left, the journal is kept', async () => {
  const f = fake({ update: ([a, b]) => [{ match: a ?? assert.fail(), outcome: 'updated' }, { match: b ?? assert.fail(), outcome: 'failed', reason: 'The connection to the server 127.0.0.1:6443 was refused' }] });
  const outcome = await executeRotation(f.ports, plan());
  assert.equal(outcome.kind, 'rotated');
  if (outcome.kind !== 'rotated') return;
  assert.equal(outcome.journalKept, true);
  assert.deepEqual(outcome.secrets.map((s) => `${s.match.name} ${s.outcome}`), ['one updated', 'two failed']);
  assert.equal(f.journal.records.size, 1);
});

void test('a places port that throws: every planned file is reported failed and the journal is kept', async () => {
  const f = fake();
  const ports: RotationPorts = { ...f.ports, places: { apply: () => Promise.reject(new Error('disk full')) } };
  const outcome = await executeRotation(ports, plan());
  assert.equal(outcome.kind, 'rotated');
  if (outcome.kind !== 'rotated') return;
  assert.deepEqual(outcome.applied.failed, [{ file: '/w/a.env', reason: 'disk full' }, { file: '/w/b.env', reason: 'disk full' }]);
  assert.equal(f.journal.records.size, 1);
});

void test('a crash right after the regeneration (fault point) leaves the journal; Finish Rotation then updates every place with the current token', async () => {
  const f = fake({
    fault: (point) => {
      throw new Error(`fault ${point}`);
    },
  });
  await assert.rejects(executeRotation(f.ports, plan()), /fault after-regenerate/);
  assert.ok(!f.log.some((l) => l.startsWith('places.') || l.startsWith('clusters.')), f.log.join('\n'));
  const { pending } = await f.journal.list();
  assert.equal(pending.length, 1);
  const record = pending[0] ?? assert.fail();
  // What the editor's store or the CLI's file gives back is shape-checked.
  assert.deepEqual(parsePendingRotation(JSON.stringify(record)), record);

  const after = fake({ current: NEW_TOKEN });
  await after.journal.save(record);
  after.log.length = 0;
  const finished = await finishRotation(after.ports, record, { places: plan().places, secrets: plan().secrets, found: 4, notSearched: [] });
  assert.equal(finished.kind, 'finished');
  assert.deepEqual(after.applied, [{ oldUser: ROBOT, oldToken: TOKEN, newUser: ROBOT, newToken: NEW_TOKEN }]);
  assert.deepEqual(after.log, ['quay.getRobot', 'places.apply 2', 'clusters.update 2', `quay.login ${ROBOT} current`, `quay.login ${ROBOT} other`, 'journal.remove']);
  assert.equal(after.journal.records.size, 0);
});

void test('Finish Rotation finding nothing: finished when everything was searched, still pending when something was not', async () => {
  const f = fake();
  const record = parsePendingRotation({ v: 1, instanceUrl: URL_, namespace: NS, oldUser: ROBOT, oldToken: TOKEN, newUser: ROBOT, startedAt: '2026-12-07T12:00:00.000Z' });
  await f.journal.save(record);
  const partial = await finishRotation(f.ports, record, { places: [], secrets: [], found: 0, notSearched: ['big.log (over 5 MiB, not searched)'] });
  assert.deepEqual(partial, { kind: 'nothing-found', pending: record, notSearched: ['big.log (over 5 MiB, not searched)'], journalKept: true });
  assert.equal(f.journal.records.size, 1);
  assert.match(nothingFoundMessage(ROBOT, partial.kind === 'nothing-found' ? partial.notSearched : []), /could not be searched and may: big\.log .*The rotation stays pending/);
  const all = await finishRotation(f.ports, record, { places: [], secrets: [], found: 0, notSearched: [] });
  assert.equal(all.kind === 'nothing-found' && all.journalKept, false);
  assert.equal(f.journal.records.size, 0);
  assert.equal(nothingFoundMessage(ROBOT, []), 'No place stores the old token of acme+ci_bot any more: the rotation is finished.');
});

void test('a successor: the journal names it before it is created; a failed creation removes the journal and edits nothing', async () => {
  const log: string[] = [];
  const f = fake();
  const failing = await executeRotation(f.ports, {
    ...plan(),
    successor: {
      name: 'ci_bot_v2',
      steps: [
        {
          label: 'create',
          run: () => {
            log.push(`create (journal has ${f.journal.records.size}: ${[...f.journal.records.values()].map((p) => p.newUser).join()})`);
            return Promise.reject(new Error('Existing robot with name'));
          },
        },
      ],
    },
  });
  assert.deepEqual(log, [`create (journal has 1: ${SUCCESSOR})`]);
  assert.equal(failing.kind, 'not-rotated');
  assert.match(failing.kind === 'not-rotated' ? String(failing.error) : '', /Existing robot with name/);
  assert.deepEqual(f.log, ['journal.save', 'journal.remove']);

  const g = fake();
  const ok = await executeRotation(g.ports, { ...plan(), successor: { name: 'ci_bot_v2', steps: [{ label: 'create', run: () => Promise.resolve() }, { label: 'team', run: () => Promise.reject(new Error('no team')) }] } });
  assert.equal(ok.kind, 'rotated');
  if (ok.kind !== 'rotated') return;
  assert.deepEqual(ok.steps.map((s) => (s.ok ? `✓ ${s.label}` : `✗ ${s.label}: ${s.reason}`)), ['✓ create', '✗ team: no team']);
  // The predecessor keeps working: only the successor's login is checked.
  assert.equal(ok.oldLogin, undefined);
  assert.equal(g.applied[0]?.newUser, SUCCESSOR);
});

void test('the report counts files under its file headings and Secrets in the summary', async () => {
  const f = fake({ update: ([a, b]) => [{ match: a ?? assert.fail(), outcome: 'updated' }, { match: b ?? assert.fail(), outcome: 'failed', reason: 'refused' }] });
  const outcome = await executeRotation(f.ports, plan());
  if (outcome.kind !== 'rotated') return assert.fail(outcome.kind);
  const scan = { usages: plan().places, files: new Map(), nonUpdatable: [], externalSecrets: [], filesScanned: 7, notScanned: { tooLarge: [], unreadable: ['/w/locked'], skipped: [] } };
  const clusters = { kubectl: {} as never, filter: { robot: ROBOT }, contexts: ['kind'], matches: plan().secrets, problems: [], unreachable: [] };
  const r = rotationReport({ title: `Rotation of ${ROBOT}`, instanceUrl: URL_, at: new Date('2026-12-07T12:00:00Z'), outcome, scan, unticked: [], clusters, pulls: [] }, (p) => p.replace('/w/', ''));
  assert.equal(r.summary, 'Rotation of acme+ci_bot: 3 places updated, 1 left. The registry accepts the new token and refuses the old one.');
  assert.equal(r.failed, true);
  assert.ok(r.lines.includes('## Files updated (2)'), r.lines.join('\n'));
  assert.ok(r.lines.includes('## Files left (0)'));
  assert.ok(r.lines.includes('- `kind · team-a/two` failed: refused — run "Quay: Finish Rotation"'));
  assert.ok(r.lines.includes('- `locked` not readable, not searched'));
  assert.ok(!r.lines.join('\n').includes(NEW_TOKEN) && !r.lines.join('\n').includes(TOKEN));
});

void test('parsePendingRotation: version 1 and the unversioned record before it are read; anything else is refused with why', () => {
  const v1 = { v: 1, instanceUrl: URL_, namespace: NS, oldUser: ROBOT, oldToken: TOKEN, newUser: ROBOT, startedAt: '2026-12-07T12:00:00.000Z' };
  assert.deepEqual(parsePendingRotation(JSON.stringify(v1)), v1);
  const { v: _v, ...unversioned } = v1;
  assert.deepEqual(parsePendingRotation(unversioned), v1);
  assert.throws(() => parsePendingRotation({ ...v1, v: 2 }), /has version 2; this version reads version 1 only/);
  assert.throws(() => parsePendingRotation('{'), /not JSON/);
  assert.throws(() => parsePendingRotation('[]'), /not an object/);
  assert.throws(() => parsePendingRotation({ ...v1, oldToken: 3, newUser: '' }), /lacks oldToken, newUser\.$/);
  assert.throws(() => parsePendingRotation({ ...v1, namespace: { kind: 'team', name: 'x' } }), /no valid namespace/);
  // The message never quotes the record (it holds a token).
  assert.throws(() => parsePendingRotation({ ...v1, v: TOKEN }), (e: Error) => !e.message.includes(TOKEN.slice(0, 20)) || assert.fail(e.message));
});
