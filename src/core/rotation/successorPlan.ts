/**
 * A successor robot (a rotation without downtime: the predecessor's token keeps working until it is retired):
 * what to copy from the predecessor, the steps that create `<name>_<yyyymmdd>` with the predecessor's description,
 * repository roles, teams, default-permission delegations and federation entries, and their runner.
 */
import { federationToCopy } from '../federation/trust';
import type { QuayClient } from '../quay/client';
import type { FederationEntry, Namespace, Prototype, Robot, RobotPermission } from '../quay/types';
import { errorMessage } from '../log';
import { isoDay } from '../time';

/** `<name>_<yyyymmdd>`, Quay's rule permitting. */
export function successorName(shortName: string, now: Date): string {
  return `${shortName}_${isoDay(now).replace(/-/g, '')}`;
}

export type PredecessorClient = Pick<QuayClient, 'getRobot' | 'getRobotPermissions' | 'getFederation' | 'listRobots' | 'listPrototypes'>;
export type SuccessorClient = Pick<QuayClient, 'createRobot' | 'setRepoUserPermission' | 'addTeamMember' | 'createPrototype' | 'setFederation'>;

/** What a successor copies from its predecessor. */
export interface Predecessor {
  readonly namespace: Namespace;
  readonly robot: Robot;
  readonly grants: readonly RobotPermission[];
  readonly teams: readonly string[];
  readonly delegations: readonly Prototype[];
  readonly federation: readonly FederationEntry[];
  /** The federation entries could not be read (so none are copied): the plan and the report say so, never "0 entries". */
  readonly federationUnreadable?: string;
  /** The namespace's robots' short names (a successor's name must be new). */
  readonly taken: ReadonlySet<string>;
}

/** Reads what a successor of `shortName` copies. */
export async function readPredecessor(client: PredecessorClient, namespace: Namespace, shortName: string): Promise<Predecessor> {
  const org = namespace.kind === 'org' ? namespace.name : undefined;
  const [robot, grants, federationRead, listed, prototypes] = await Promise.all([
    client.getRobot(namespace, shortName),
    client.getRobotPermissions(namespace, shortName),
    federationToCopy(client.getFederation(namespace, shortName)),
    client.listRobots(namespace, { permissions: true, token: false }),
    org !== undefined ? client.listPrototypes(org) : Promise.resolve([]),
  ]);
  return {
    namespace,
    robot,
    grants,
    teams: listed.find((r) => r.fullName === robot.fullName)?.teams ?? [],
    delegations: prototypes.filter((p) => p.delegate.kind === 'robot' && p.delegate.name === robot.fullName),
    federation: federationRead.kind === 'read' ? federationRead.entries : [],
    ...(federationRead.kind === 'unreadable'
      ? { federationUnreadable: `The federation entries of ${robot.fullName} could not be read, so none are copied: ${federationRead.message.replace(/\s+/g, ' ').trim()}` }
      : {}),
    taken: new Set(listed.map((r) => r.shortName)),
  };
}

export interface SuccessorStep {
  readonly label: string;
  readonly run: () => Promise<unknown>;
}

/** The steps that create `name` as the successor of `p.robot`; the first creates the robot. */
export function successorSteps(client: SuccessorClient, p: Predecessor, name: string): SuccessorStep[] {
  const { namespace, robot: old } = p;
  const org = namespace.kind === 'org' ? namespace.name : undefined;
  const successor = `${namespace.name}+${name}`;
  return [
    {
      label: `create ${successor} ("${old.description}")`,
      run: () => client.createRobot(namespace, name, { description: old.description, ...(old.unstructuredMetadata !== undefined ? { unstructuredMetadata: old.unstructuredMetadata } : {}) }),
    },
    ...p.grants.map((g) => ({ label: `${g.role} on ${namespace.name}/${g.repository}`, run: () => client.setRepoUserPermission({ namespace: namespace.name, name: g.repository }, successor, g.role) })),
    ...(org !== undefined ? p.teams.map((t) => ({ label: `member of team ${t}`, run: () => client.addTeamMember(org, t, successor) })) : []),
    ...(org !== undefined
      ? p.delegations.map((d) => ({
          label: `default permission ${d.role}${d.activatingUser !== undefined ? ` for repositories ${d.activatingUser.name} creates` : ''}`,
          run: () => client.createPrototype(org, { role: d.role, delegate: { kind: 'robot', name: successor }, ...(d.activatingUser !== undefined ? { activatingUser: d.activatingUser.name } : {}) }),
        }))
      : []),
    ...(p.federation.length > 0 ? [{ label: `${p.federation.length} federation entries`, run: () => client.setFederation(namespace, name, p.federation) }] : []),
  ];
}

/** A failed step keeps the error (Quay's message and hint) beside its one-line reason. */
export type StepResult = { readonly label: string; readonly ok: true } | { readonly label: string; readonly ok: false; readonly reason: string; readonly error?: unknown };

/** `✓ label` or `✗ label: reason`, as the report lists the steps. */
export function stepLine(s: StepResult): string {
  return s.ok ? `✓ ${s.label}` : `✗ ${s.label}: ${s.reason}`;
}

/**
 * Runs the steps in order; a failed step is reported and the next one runs, except the first (no successor, so
 * nothing else can run): then `created` is false.
 */
export async function runSuccessorSteps(steps: readonly SuccessorStep[]): Promise<{ readonly results: StepResult[]; readonly created: boolean }> {
  const results: StepResult[] = [];
  for (const [i, step] of steps.entries()) {
    try {
      await step.run();
      results.push({ label: step.label, ok: true });
    } catch (error) {
      results.push({ label: step.label, ok: false, reason: errorMessage(error), error });
      if (i === 0) return { results, created: false };
    }
  }
  return { results, created: true };
}

/**
 * The successors made in this editor, for Retire Predecessor: `<instance> <successor's full name>` → the
 * predecessor's full name (the host keeps it under `StorageKeys.successors`).
 */
export type SuccessorRecords = Readonly<Record<string, string>>;

const recordKey = (instanceUrl: string, successor: string): string => `${instanceUrl} ${successor}`;

/** The records with `successor` (a full name) made for `predecessor` on that instance. */
export function recordSuccessor(records: SuccessorRecords, instanceUrl: string, successor: string, predecessor: string): SuccessorRecords {
  return { ...records, [recordKey(instanceUrl, successor)]: predecessor };
}

/** What Retire Predecessor retires: on a successor made here, its predecessor; on any other robot, that robot. */
export function predecessorOf(records: SuccessorRecords, instanceUrl: string, robot: string): string {
  return records[recordKey(instanceUrl, robot)] ?? robot;
}

/** The robot to retire as Quay lists it now (its last access included); undefined when it no longer exists. */
export async function findRetiree(client: Pick<QuayClient, 'listRobots'>, namespace: Namespace, fullName: string): Promise<Robot | undefined> {
  return (await client.listRobots(namespace, { permissions: false, token: false })).find((r) => r.fullName === fullName);
}
