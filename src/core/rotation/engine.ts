/**
 * The rotation engine (AGENTS.md "Token rotation"): execute a plan the user agreed to, or finish an unfinished
 * rotation, over small ports, so the editor (quick picks, a WorkspaceEdit, SecretStorage) and the command line (the
 * file system, a journal file) run the same steps in the same order. The order is the crash-safety contract:
 *
 * 1. the journal is written BEFORE Quay regenerates the token (or creates the successor);
 * 2. the regeneration failing with Quay's definite answer, or with an unclear one (500, a dropped connection) after
 *    which a registry login still accepts the old token: the journal is removed, nothing is edited, and the outcome
 *    says the old token still works; when the login does not prove it, the journal is kept for Finish Rotation;
 * 3. after the regeneration every place is updated (files, then cluster Secrets), the registry logins check the
 *    result, and the journal is removed only when no planned place failed; an exception after the regeneration
 *    leaves the journal as it is. Finish Rotation that finds nothing removes it only when nothing went unsearched.
 */
import type { SecretCredentials, SecretMatch, SecretUpdate } from '../k8s/clusterSecrets';
import { QuayApiError } from '../quay/errors';
import type { QuayClient } from '../quay/client';
import type { RegistryLoginResult } from '../quay/registry';
import type { Namespace } from '../quay/types';
import type { PendingRotation, RotationJournal } from './journal';
import type { ApplyResult, Usage } from './places';
import type { Replacement } from './replace';
import { runSuccessorSteps, type StepResult, type SuccessorStep } from './successorPlan';
import { errorMessage } from '../log';
import { splitRobotName } from '../robotName';

export type QuayPort = Pick<QuayClient, 'getRobot' | 'regenerateRobotToken' | 'registryLogin'>;

/** The files: a WorkspaceEdit in the editor, the file system on the command line. */
export interface PlacesPort {
  /** Puts the new credentials in the ticked places. A place that cannot be updated is a `failed` entry of the result. */
  apply(usages: readonly Usage[], replacement: Replacement): Promise<ApplyResult>;
}

/** The pull Secrets in clusters (kubectl). */
export interface ClustersPort {
  /** Replaces the ticked Secrets' credentials, each with its `resourceVersion` as the precondition; failures are results. */
  update(matches: readonly SecretMatch[], credentials: SecretCredentials): Promise<readonly SecretUpdate[]>;
}

/**
 * Test-only fault points (`QUAY_TEST_FAULT`, AGENTS.md): the hook may throw or end the process there, never change
 * data. `after-regenerate`: Quay has the new token, no place is edited yet.
 */
export type FaultPoint = 'after-regenerate';

export interface RotationPorts {
  readonly quay: QuayPort;
  readonly places: PlacesPort;
  /** Absent when no cluster was searched. */
  readonly clusters?: ClustersPort;
  readonly journal: RotationJournal;
  readonly fault?: (point: FaultPoint) => void;
  readonly now?: () => Date;
}

export interface RotationPlan {
  readonly instanceUrl: string;
  readonly namespace: Namespace;
  /** The robot rotated (full name). */
  readonly robot: string;
  /** Its current token, read from Quay before the plan was made. */
  readonly oldToken: string;
  /** Create a successor robot instead of regenerating: its short name, and the steps (the first creates it). */
  readonly successor?: { readonly name: string; readonly steps: readonly SuccessorStep[] };
  /** The ticked places in files. */
  readonly places: readonly Usage[];
  /** The ticked pull Secrets. */
  readonly secrets: readonly SecretMatch[];
}

/** The new credentials were not made: nothing was edited. */
export interface NotRotated {
  readonly kind: 'not-rotated';
  readonly pending: PendingRotation;
  /** The error Quay (or the connection) answered; its message is Quay's own. */
  readonly error: unknown;
  readonly steps: readonly StepResult[];
  /**
   * The old token checked with a registry login after an unclear failure (500, dropped connection, timeout);
   * undefined after Quay's definite answer (4xx) or a failed successor creation, when it certainly still works.
   */
  readonly oldLogin?: RegistryLoginResult;
  /** True when the old token still works (then the journal is removed); false keeps the journal for Finish Rotation. */
  readonly oldTokenWorks: boolean;
}

/** The places' results after the new credentials were made. */
export interface Applied {
  readonly pending: PendingRotation;
  /** Never print it: it is here for the editor's "Copy New Token" (vault-backed ExternalSecrets). */
  readonly newToken: string;
  readonly applied: ApplyResult;
  readonly secrets: readonly SecretUpdate[];
  readonly newLogin: RegistryLoginResult;
  /** Only when the same robot was regenerated: the old token should now be refused. */
  readonly oldLogin?: RegistryLoginResult;
  /** A planned place was not updated: the journal is kept for Finish Rotation. */
  readonly journalKept: boolean;
}

export interface Rotated extends Applied {
  readonly kind: 'rotated';
  readonly steps: readonly StepResult[];
}

export type RotationOutcome = NotRotated | Rotated;

/** Quay answered (4xx): it did not regenerate. A 5xx, a dropped connection or a timeout leaves it unclear. */
function definiteRefusal(error: unknown): boolean {
  return QuayApiError.is(error, ['unauthorized', 'forbidden', 'notFound', 'invalidRequest', 'conflict', 'rateLimited']);
}

/** Runs a plan the user agreed to: journal, regenerate (or create the successor), update every place, check, report. */
export async function executeRotation(ports: RotationPorts, plan: RotationPlan): Promise<RotationOutcome> {
  const now = ports.now?.() ?? new Date();
  const newUser = plan.successor !== undefined ? `${plan.namespace.name}+${plan.successor.name}` : plan.robot;
  const pending: PendingRotation = { v: 1, instanceUrl: plan.instanceUrl, namespace: plan.namespace, oldUser: plan.robot, oldToken: plan.oldToken, newUser, startedAt: now.toISOString() };
  await ports.journal.save(pending);

  let newToken: string | undefined;
  let steps: StepResult[] = [];
  if (plan.successor !== undefined) {
    const run = await runSuccessorSteps(plan.successor.steps);
    steps = run.results;
    if (!run.created) {
      // The old robot is untouched: its token works.
      await ports.journal.remove(pending);
      const first = run.results[0];
      return { kind: 'not-rotated', pending, error: first !== undefined && !first.ok ? (first.error ?? new Error(first.reason)) : new Error('The successor was not created.'), steps, oldTokenWorks: true };
    }
    newToken = (await ports.quay.getRobot(plan.namespace, plan.successor.name)).token;
  } else {
    try {
      newToken = (await ports.quay.regenerateRobotToken(plan.namespace, splitRobotName(plan.robot).shortName)).token;
    } catch (error) {
      if (definiteRefusal(error)) {
        await ports.journal.remove(pending);
        return { kind: 'not-rotated', pending, error, steps, oldTokenWorks: true };
      }
      // Quay may have regenerated before the answer was lost: only a login with the old token tells.
      const oldLogin = await ports.quay.registryLogin(plan.robot, plan.oldToken);
      const oldTokenWorks = oldLogin.kind === 'ok';
      if (oldTokenWorks) await ports.journal.remove(pending);
      return { kind: 'not-rotated', pending, error, steps, oldLogin, oldTokenWorks };
    }
  }
  if (newToken === undefined) {
    throw new Error(`Quay at ${plan.instanceUrl} made the new token of ${newUser} but did not return it. Run "Quay: Finish Rotation" to read it and update the places.`);
  }
  ports.fault?.('after-regenerate');
  const applied = await applyEverywhere(ports, pending, newToken, plan.places, plan.secrets);
  return { kind: 'rotated', steps, ...applied };
}

/** What Finish Rotation found still holding the old credentials, and what it could not search. */
export interface FinishPlan {
  /** The ticked places in files. */
  readonly places: readonly Usage[];
  /** The ticked pull Secrets. */
  readonly secrets: readonly SecretMatch[];
  /** How many places (files and Secrets) the scan found, ticked or not. */
  readonly found: number;
  /** Files, folders or contexts not searched, with why: when nothing was found, the old token may be there, so the rotation stays pending. */
  readonly notSearched: readonly string[];
}

export type FinishOutcome =
  | { readonly kind: 'nothing-found'; readonly pending: PendingRotation; readonly notSearched: readonly string[]; readonly journalKept: boolean }
  | (Applied & { readonly kind: 'finished' });

/** Reads the new robot's current token from Quay (never kept in the journal). */
export async function currentToken(quay: Pick<QuayPort, 'getRobot'>, pending: PendingRotation): Promise<string> {
  const token = (await quay.getRobot(pending.namespace, splitRobotName(pending.newUser).shortName)).token;
  if (token === undefined) throw new Error(`Quay at ${pending.instanceUrl} did not return the token of ${pending.newUser}.`);
  return token;
}

/**
 * Finishes an unfinished rotation: the places still holding the old credentials get the new robot's current token.
 * Nothing found and everything searched: the rotation is finished and its journal removed.
 */
export async function finishRotation(ports: RotationPorts, pending: PendingRotation, plan: FinishPlan): Promise<FinishOutcome> {
  if (plan.found === 0) {
    const journalKept = plan.notSearched.length > 0;
    if (!journalKept) await ports.journal.remove(pending);
    return { kind: 'nothing-found', pending, notSearched: plan.notSearched, journalKept };
  }
  const newToken = await currentToken(ports.quay, pending);
  return { kind: 'finished', ...(await applyEverywhere(ports, pending, newToken, plan.places, plan.secrets)) };
}

async function applyEverywhere(ports: RotationPorts, pending: PendingRotation, newToken: string, places: readonly Usage[], secrets: readonly SecretMatch[]): Promise<Applied> {
  const r: Replacement = { oldUser: pending.oldUser, oldToken: pending.oldToken, newUser: pending.newUser, newToken };
  let applied: ApplyResult;
  try {
    applied = places.length > 0 ? await ports.places.apply(places, r) : { updated: [], rescanned: [], failed: [], unsaved: [] };
  } catch (error) {
    const reason = errorMessage(error);
    applied = { updated: [], rescanned: [], failed: [...new Set(places.map((u) => u.file))].map((file) => ({ file, reason })), unsaved: [] };
  }
  let updates: readonly SecretUpdate[] = [];
  if (secrets.length > 0) {
    if (ports.clusters === undefined) {
      updates = secrets.map((match) => ({ match, outcome: 'failed', reason: 'no cluster access was given to this rotation' }));
    } else {
      try {
        updates = await ports.clusters.update(secrets, r);
      } catch (error) {
        const reason = errorMessage(error);
        updates = secrets.map((match) => ({ match, outcome: 'failed', reason }));
      }
    }
  }
  const newLogin = await ports.quay.registryLogin(pending.newUser, newToken);
  const oldLogin = pending.newUser === pending.oldUser ? await ports.quay.registryLogin(pending.oldUser, pending.oldToken) : undefined;
  // A failed file or Secret still holds the old token: the rotation stays pending.
  const journalKept = applied.failed.length > 0 || updates.some((s) => s.outcome === 'failed');
  if (!journalKept) await ports.journal.remove(pending);
  return { pending, newToken, applied, secrets: updates, newLogin, ...(oldLogin !== undefined ? { oldLogin } : {}), journalKept };
}
