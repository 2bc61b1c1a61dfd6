import type { LoadCache } from '../core/cache';
import type { FederationGap, FederationScope } from '../core/federation/trust';
import type { CapabilityCache } from '../core/capabilities';
import type { RedactingLogger } from '../core/log';
import type { QuayClient } from '../core/quay/client';
import type { TokenAgeTracker } from '../core/rotation/tokenAgeTracker';
import type { HygieneResults } from '../host/hygieneResults';
import type { InstanceStore } from '../host/instanceStore';
import type { SuccessorMemory } from '../host/rotationMemory';

/** What every tree node may use: the shared cache, the clients, the instance store and a logger. */
export interface TreeContext {
  readonly cache: LoadCache;
  readonly store: InstanceStore;
  /** Also the cleaner of error rows and their tooltips (`logger.clean`), the same as the log's. */
  readonly logger: RedactingLogger;
  client(instanceUrl: string): QuayClient;
  /** Substring filters per group node id ("Filter robots…"); applied without refetching. */
  readonly filters: Map<string, string>;
  /**
   * Redraws a node's row (label, icon, description) from what is cached, without reloading anything. The node is a
   * `TreeNode`, named by shape here so that this file and `nodes/treeNode.ts` do not import each other.
   */
  redraw(node: { readonly id: string }): void;
  /**
   * Redraws the collapsed rows on screen that `which` selects (what arrived in the background), loading nothing.
   * `which` gets each `TreeNode`, named by shape (`unknown`: test it with `instanceof`) for the same reason.
   */
  redrawRows(which: (node: unknown) => boolean): void;
  /** Token ages of robots, computed in the background once a robots group is listed. */
  readonly tokenAges: TokenAgeTracker;
  /** `quay.rotation.maxTokenAgeDays`. */
  maxTokenAgeDays(): number;
  /**
   * What a robot federation route's 404 taught, per instance and scope (`federationGapKey`): organization robots
   * need Quay 3.13, robots of a user namespace 3.18. Learned from the route's answer only (`GET /config` does not tell).
   */
  readonly noFederation: Map<string, FederationGap>;
  /** The last hygiene review's findings per robot (marks on robot rows); read from memory, never a request. */
  readonly hygiene?: Pick<HygieneResults, 'forRobot'>;
  /** Which robots were made here as successors (Retire Predecessor shows on them only); read from memory. */
  readonly successors?: Pick<SuccessorMemory, 'predecessorOf'>;
  /** Each instance's `GET /config` (version, features, ROBOTS_DISALLOW), loaded before its row is drawn. */
  readonly capabilities: CapabilityCache;
  /** The current time, injectable so relative dates are testable. */
  now(): Date;
}

/** The `noFederation` key of an instance's organization robots or its user-namespace robots. */
export function federationGapKey(instanceUrl: string, scope: FederationScope): string {
  return `${instanceUrl}#${scope}`;
}
