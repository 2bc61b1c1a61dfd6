import { listAt, obj, oneOf, optBool, optObjAt, role, str } from './parse';
import { seg } from './paths';
import type { Transport } from './transport';
import type { CallOptions, NewPrototype, Prototype, Role } from './types';

/** Default permissions ("prototypes") of an organization (contract §5); org admin + `org:admin`. */

function hints(org: string): { forbidden: string } {
  return { forbidden: `Default permissions of ${org} need organization admin rights and a token with the org:admin scope.` };
}

const base = (org: string): string => `/api/v1/organization/${seg(org)}/prototypes`;

export function listPrototypes(t: Transport, org: string, options: CallOptions = {}): Promise<readonly Prototype[]> {
  return t.call(
    { method: 'GET', path: base(org), operation: { action: 'list default permissions of', object: org, hints: hints(org) }, signal: options.signal },
    (body) => listAt(obj(body, ''), 'prototypes', '').map((entry, i) => parsePrototype(entry, `prototypes[${i}]`)),
  );
}

/**
 * `POST …/prototypes` → **200** (not 201). A robot delegate is sent as Quay's UI does
 * (`kind: "user", is_robot: true`). Not retried on 5xx: a repeat would create a second rule.
 */
export function createPrototype(t: Transport, org: string, prototype: NewPrototype, options: CallOptions = {}): Promise<Prototype> {
  const delegate =
    prototype.delegate.kind === 'team'
      ? { kind: 'team', name: prototype.delegate.name }
      : { kind: 'user', name: prototype.delegate.name, is_robot: prototype.delegate.kind === 'robot' };
  return t.call(
    {
      method: 'POST',
      path: base(org),
      body: {
        role: prototype.role,
        delegate,
        ...(prototype.activatingUser !== undefined ? { activating_user: { name: prototype.activatingUser } } : {}),
      },
      operation: {
        action: `add a default ${prototype.role} permission in ${org} for`,
        object: prototype.delegate.name,
        hints: hints(org),
      },
      signal: options.signal,
    },
    (body) => parsePrototype(body, ''),
  );
}

/** `PUT …/prototypes/{id}` `{"role"}` → 200; unknown id → 404. */
export function updatePrototype(t: Transport, org: string, id: string, newRole: Role, options: CallOptions = {}): Promise<Prototype> {
  return t.call(
    {
      method: 'PUT',
      path: `${base(org)}/${seg(id)}`,
      body: { role: newRole },
      operation: { action: `change to ${newRole} the default permission of ${org}`, object: id, hints: hints(org) },
      signal: options.signal,
    },
    (body) => parsePrototype(body, ''),
  );
}

/** `DELETE …/prototypes/{id}` → 204; unknown id → 404. */
export function deletePrototype(t: Transport, org: string, id: string, options: CallOptions = {}): Promise<void> {
  return t.send({
    method: 'DELETE',
    path: `${base(org)}/${seg(id)}`,
    operation: { action: `delete the default permission of ${org}`, object: id, hints: hints(org) },
    signal: options.signal,
  });
}

export function parsePrototype(value: unknown, at: string): Prototype {
  const o = obj(value, at);
  const d = optObjAt(o, 'delegate', at) ?? obj(undefined, at === '' ? 'delegate' : `${at}.delegate`);
  const dAt = at === '' ? 'delegate' : `${at}.delegate`;
  const delegateKind = oneOf(d, 'kind', dAt, ['user', 'team'] as const);
  const isRobot = optBool(d, 'is_robot', dAt) ?? false;
  const activating = optObjAt(o, 'activating_user', at);
  const aAt = at === '' ? 'activating_user' : `${at}.activating_user`;
  return {
    id: str(o, 'id', at),
    role: role(o, 'role', at),
    delegate: { kind: delegateKind === 'team' ? 'team' : isRobot ? 'robot' : 'user', name: str(d, 'name', dAt) },
    ...(activating !== undefined
      ? { activatingUser: { name: str(activating, 'name', aAt), isRobot: optBool(activating, 'is_robot', aAt) ?? false } }
      : {}),
  };
}
