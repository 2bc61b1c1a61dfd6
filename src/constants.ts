/**
 * Every identifier the extension shares with package.json, in one typed place.
 * No `vscode` import here: test/unit/manifest.test.ts checks these against package.json in plain Node.
 */
export const ExtensionId = 'quaytools.quay-robots';

export const Commands = {
  addInstance: 'quay.addInstance',
  removeInstance: 'quay.removeInstance',
  signIn: 'quay.signIn',
  refresh: 'quay.refresh',
  refreshAll: 'quay.refreshAll',
  findInView: 'quay.findInView',
  retry: 'quay.retry',
  showLog: 'quay.showLog',
  copyName: 'quay.copyName',
  revealInQuay: 'quay.revealInQuay',
  filter: 'quay.filter',
  clearFilter: 'quay.clearFilter',
  loadMore: 'quay.loadMore',
  createRobot: 'quay.createRobot',
  deleteRobot: 'quay.deleteRobot',
  grantRepositories: 'quay.grantRepositories',
  openAccessMatrix: 'quay.openAccessMatrix',
  changeRole: 'quay.changeRole',
  revokePermission: 'quay.revokePermission',
  copyCredentials: 'quay.copyCredentials',
  showActivity: 'quay.showActivity',
  addPermission: 'quay.addPermission',
  createPrototype: 'quay.createPrototype',
  changePrototypeRole: 'quay.changePrototypeRole',
  deletePrototype: 'quay.deletePrototype',
  applyPrototype: 'quay.applyPrototype',
  addToTeam: 'quay.addToTeam',
  removeFromTeam: 'quay.removeFromTeam',
  addImagePullSecret: 'quay.addImagePullSecret',
  insertPullSecretManifest: 'quay.insertPullSecretManifest',
  patchServiceAccount: 'quay.patchServiceAccount',
  rolloutPullSecret: 'quay.rolloutPullSecret',
  grantReadForPull: 'quay.grantReadForPull',
  revealInTree: 'quay.revealInTree',
  rotateToken: 'quay.rotateToken',
  finishRotation: 'quay.finishRotation',
  rotateWithSuccessor: 'quay.rotateWithSuccessor',
  retirePredecessor: 'quay.retirePredecessor',
  showDueRobots: 'quay.showRobotsDueForRotation',
  addTrust: 'quay.addTrust',
  editTrust: 'quay.editTrust',
  removeTrust: 'quay.removeTrust',
  removeAllTrust: 'quay.removeAllTrust',
  setUpKeyless: 'quay.setUpKeylessAccess',
  checkIssuer: 'quay.checkIssuer',
  testKeylessLogin: 'quay.testKeylessLogin',
  copyKeylessLogin: 'quay.copyKeylessLoginCommand',
  insertKeylessPullSecret: 'quay.insertKeylessPullSecret',
  insertVaultPullSecret: 'quay.insertVaultPullSecret',
  addGithubKeylessLogin: 'quay.addGithubKeylessLogin',
  addKeylessTrustForServiceAccount: 'quay.addKeylessTrustForServiceAccount',
  findRobotInClusters: 'quay.findRobotInClusters',
  openRobotPage: 'quay.openRobotPage',
  reviewHygiene: 'quay.reviewHygiene',
  /** A hygiene quick fix (hidden from the palette): the finding's fix, from the file that holds it. */
  fixHygieneFinding: 'quay.fixHygieneFinding',
  /** Disabled stand-ins shown in menus, in place of Create Robot and Rotate with a Successor, where ROBOTS_DISALLOW is set. */
  createRobotDisallowed: 'quay.createRobotDisallowed',
  rotateWithSuccessorDisallowed: 'quay.rotateWithSuccessorDisallowed',
} as const;
export type CommandId = (typeof Commands)[keyof typeof Commands];

/** The robot context menu's submenus (`contributes.submenus`); their entries are `contributes.menus[<id>]`. */
export const Submenus = {
  robotCredentials: 'quay.robot.credentials',
  robotAccess: 'quay.robot.access',
  robotRotation: 'quay.robot.rotation',
  robotKeyless: 'quay.robot.keyless',
} as const;

export const Views = {
  container: 'quay',
  registry: 'quay.registry',
} as const;

/** Webview panel view types (`createWebviewPanel`); no serializer, so package.json does not list them. */
export const WebviewTypes = {
  robot: 'quay.robotPage',
  matrix: 'quay.accessMatrix',
  hygiene: 'quay.hygieneReport',
} as const;

export const ContextKeys = {
  instanceCount: 'quay.instanceCount',
} as const;

export const Settings = {
  section: 'quay',
  instances: 'instances',
  maxConcurrentRequests: 'maxConcurrentRequests',
  requestTimeoutSeconds: 'requestTimeoutSeconds',
  maxTokenAgeDays: 'rotation.maxTokenAgeDays',
  rotationReminder: 'rotation.dailyReminder',
  rotationExclude: 'rotation.exclude',
  externalSecretsApiVersion: 'externalSecrets.apiVersion',
  kubectlPath: 'kubectl.path',
} as const;

/**
 * Every globalState key the extension writes, in one place (no secret is ever stored under them). The keychain
 * (SecretStorage) keys are built by `tokenSecretKey` and `host/pendingRotations.ts` (`PENDING_ROTATION_SECRET_PREFIX`).
 */
export const StorageKeys = {
  /** The SecretStorage keys of the unfinished rotations (`host/pendingRotations.ts`), so they can be listed. */
  pendingRotations: 'quay.rotation.pending',
  /** `<instance> <successor>` → predecessor's full name, for Retire Predecessor. */
  successors: 'quay.rotation.successors',
  /** The day the rotation reminder last showed. */
  lastReminder: 'quay.rotation.lastReminder',
  /** Rotations made from this editor: instance → robot → ISO date (`host/rotationMemory.ts`). */
  rotations: 'quay.rotations',
  /** The kubeconfig contexts last chosen for a hygiene review (names only), preselected the next time. */
  hygieneContexts: 'quay.hygiene.contexts',
} as const;

/** Prefix of the SecretStorage key of an unfinished rotation's record (`host/pendingRotations.ts` adds `journalKey`). */
export const PENDING_ROTATION_SECRET_PREFIX = 'quay.rotation:';

/** SecretStorage key of an instance's OAuth token. One key per instance, never anything else in it. */
export function tokenSecretKey(instanceUrl: string): string {
  return `quay.token:${instanceUrl}`;
}

/**
 * contextValue grammar (house-style §6): `quay:<kind>` plus `+<flag>` modifiers.
 * `when` clauses match them with anchored regexes, e.g. `viewItem =~ /^quay:robot\b/`.
 */
export const NodeKinds = {
  instance: 'instance',
  namespace: 'namespace',
  organization: 'org',
  group: 'group',
  robot: 'robot',
  repository: 'repo',
  prototype: 'prototype',
  team: 'team',
  /** A row under a robot, repository or team: a repository grant, a team, a federation entry, a member, a permission. */
  grant: 'grant',
  federation: 'federation',
  member: 'member',
  /** A robot's membership of a team, under the robot. */
  membership: 'membership',
  loadMore: 'loadmore',
  error: 'error',
  message: 'message',
} as const;
export type NodeKind = (typeof NodeKinds)[keyof typeof NodeKinds];

export const NodeFlags = {
  admin: 'admin',
  signIn: 'signin',
  retry: 'retry',
  user: 'user',
  robots: 'robots',
  repos: 'repos',
  prototypes: 'prototypes',
  teams: 'teams',
  filtered: 'filtered',
  federated: 'federated',
  unused: 'unused',
  noAccess: 'noaccess',
  public: 'public',
  robot: 'robot',
  insecure: 'insecure',
  /** A robot's "Keyless federation" group. */
  keyless: 'keyless',
  /** The robot's token is older than `quay.rotation.maxTokenAgeDays`. */
  overdue: 'overdue',
  /** The last hygiene review of its organization found something about the robot. */
  hygiene: 'hygiene',
  /** The instance's `GET /config` says ROBOTS_DISALLOW: no robot can be created (on namespaces, robots groups, robots). */
  robotsDisallowed: 'robotsdisallow',
  /** A robot known to trust no issuer (its federation was read: empty). Unknown = neither this nor `federated`. */
  noTrust: 'notrust',
  /** This Quay has no robot federation for the robot's namespace kind (a 404 taught it): no keyless menu. */
  noKeyless: 'nokeyless',
  /** A robot made here by Rotate with a Successor whose predecessor is still listed: Retire Predecessor applies. */
  successor: 'successor',
} as const;
export type NodeFlag = (typeof NodeFlags)[keyof typeof NodeFlags];

export function contextValue(kind: NodeKind, flags: readonly NodeFlag[] = []): string {
  return [`quay:${kind}`, ...flags.map((f) => `+${f}`)].join('');
}
