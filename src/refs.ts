import type { FederationEntry, Namespace, Prototype, Robot } from './core/quay/types';

/**
 * Objects named outside the tree (the due list, a CodeLens, a webview page) and passed to a command instead of a
 * tree node. A leaf module: code actions, webviews and commands all build them, so it imports nothing but core types.
 */

/** A robot named outside the tree (the due list, a CodeLens), passed to a robot command. */
export class RobotRef {
  constructor(
    readonly instanceUrl: string,
    readonly namespace: Namespace,
    readonly robot: Robot,
  ) {}
}

/** A robot's team membership named outside the tree (the robot page), passed to "Remove from Team". */
export class MembershipRef {
  constructor(
    readonly instanceUrl: string,
    readonly org: string,
    readonly team: string,
    readonly member: string,
  ) {}
}

/** A default permission named outside the tree (the robot page), passed to the default-permission commands. */
export class PrototypeRef {
  constructor(
    readonly instanceUrl: string,
    readonly org: string,
    readonly rule: Prototype,
  ) {}
}

/** An entry of a robot named outside the tree (after Set Up Keyless Access…, from a webview). */
export class KeylessEntryRef {
  constructor(
    readonly robot: RobotRef,
    readonly entry: FederationEntry,
  ) {}
}

/** The instance a ref names (its robot's for a `KeylessEntryRef`); undefined for anything that is not a ref. */
export function refInstanceUrl(arg: unknown): string | undefined {
  if (arg instanceof RobotRef || arg instanceof MembershipRef || arg instanceof PrototypeRef) return arg.instanceUrl;
  if (arg instanceof KeylessEntryRef) return arg.robot.instanceUrl;
  return undefined;
}

/** The namespace a ref names (an organization for a membership or a default permission); undefined for anything else. */
export function refNamespace(arg: unknown): Namespace | undefined {
  if (arg instanceof RobotRef) return arg.namespace;
  if (arg instanceof KeylessEntryRef) return arg.robot.namespace;
  if (arg instanceof MembershipRef || arg instanceof PrototypeRef) return { kind: 'org', name: arg.org };
  return undefined;
}
