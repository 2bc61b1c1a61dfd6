/**
 * The one typed protocol between the extension and its webview pages (house-style §13). No `vscode` import: the
 * pages (`webview-ui/src`) import this file too, and test/unit/webviews checks the validators in plain Node.
 *
 * Every message that crosses the boundary is validated where it arrives: the host checks what a page sends
 * (`WebviewPanelHost`), a page checks what the host sends (`connect` in webview-ui/src/host.ts). A message that fails
 * its guard is dropped, never half-used. The token never crosses in page state and never sits in the page's HTML.
 */

import { CHECK_IDS, SEVERITIES, type Finding } from '../core/hygiene/types';

/** A type guard: the validator of one message shape. */
export type Guard<T> = (value: unknown) => value is T;
/** The type a guard admits. */
export type Guarded<G> = G extends Guard<infer T> ? T : never;

type Shape = Readonly<Record<string, Guard<unknown>>>;
type Required<S extends Shape> = { [K in keyof S as undefined extends Guarded<S[K]> ? never : K]: Guarded<S[K]> };
type Optional<S extends Shape> = { [K in keyof S as undefined extends Guarded<S[K]> ? K : never]?: Guarded<S[K]> };
/** The object type a shape of guards describes; keys whose guard admits `undefined` are optional. */
export type FromShape<S extends Shape> = Required<S> & Optional<S>;

/** Longest string a message may carry (descriptions, names, YAML); a longer one is not a message of ours. */
const MAX_STRING = 1 << 20;

export const isString: Guard<string> = (v): v is string => typeof v === 'string' && v.length <= MAX_STRING;
export const isNumber: Guard<number> = (v): v is number => typeof v === 'number' && Number.isFinite(v);
export const isBoolean: Guard<boolean> = (v): v is boolean => typeof v === 'boolean';

export function isLiteral<const T extends string | number | boolean>(...values: readonly T[]): Guard<T> {
  return (v): v is T => values.includes(v as T);
}

export function isOptional<T>(guard: Guard<T>): Guard<T | undefined> {
  return (v): v is T | undefined => v === undefined || guard(v);
}

export function isNullable<T>(guard: Guard<T>): Guard<T | null> {
  return (v): v is T | null => v === null || guard(v);
}

export function isArrayOf<T>(guard: Guard<T>): Guard<T[]> {
  return (v): v is T[] => Array.isArray(v) && v.every((item) => guard(item));
}

/** A plain object with (at least) these fields. Extra fields are tolerated but never read. */
export function isObject<const S extends Shape>(shape: S): Guard<FromShape<S>> {
  return (v): v is FromShape<S> => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
    const record = v as Record<string, unknown>;
    return Object.entries(shape).every(([key, guard]) => guard(record[key]));
  };
}

/** A message: `{ type, ...fields }`. */
export type Message<T extends string, S extends Shape> = { readonly type: T } & FromShape<S>;
type Messages<M extends Readonly<Record<string, Shape>>> = { [K in keyof M & string]: Message<K, M[K]> }[keyof M & string];

/**
 * A union of messages told apart by `type`, from a table `type → field guards`: one guard for the whole union
 * and, through {@link MessagesOf}, its type. Unknown types fail.
 */
export function isMessage<const M extends Readonly<Record<string, Shape>>>(table: M): Guard<Messages<M>> {
  const guards = new Map(Object.entries(table).map(([type, shape]) => [type, isObject(shape)] as const));
  return (v): v is Messages<M> => {
    if (typeof v !== 'object' || v === null) return false;
    const type = (v as { type?: unknown }).type;
    return typeof type === 'string' && (guards.get(type)?.(v) ?? false);
  };
}
export type MessagesOf<G> = Guarded<G>;

/** The built pages: one bundle each, `webview-ui/src/pages/<name>.ts` → `webview-ui/dist/<name>.js` (+ `.css`). */
export type PageName = 'robot' | 'matrix' | 'hygiene';

/** Every page says `ready` once its listener is installed (and again after being re-created on show). */
export const readyMessage = { ready: {} } as const;

// ---------------------------------------------------------------------------------------------------------------
// Robot page (host: src/webviews/robotPanel.ts, page: webview-ui/src/pages/robot.ts)
// ---------------------------------------------------------------------------------------------------------------

export const isRole = isLiteral('read', 'write', 'admin');
export const isScope = isLiteral('org', 'registry');
/** A section that loaded, or failed with Quay's message (shown in place, like the tree's error rows). */
function section<T, const S extends Shape = Record<never, never>>(rows: Guard<T>, extra?: S) {
  return { rows: isOptional(rows), error: isOptional(isString), ...(extra as S) };
}

const isRobotHeader = isObject({
  fullName: isString,
  shortName: isString,
  namespace: isString,
  /** Organization robots have teams, default permissions and organization-scoped secrets; user robots do not. */
  isOrg: isBoolean,
  description: isString,
  /** Display texts, formatted by the host (dates in the user's locale). */
  created: isString,
  lastUsed: isString,
  /** "token 12 days old" when the rotation tracker knows it, else absent. */
  tokenAge: isOptional(isString),
  overdue: isBoolean,
  keyless: isBoolean,
  registryHost: isString,
});
export type RobotHeader = Guarded<typeof isRobotHeader>;

const isRepositoryRow = isObject({ repository: isString, role: isRole, isPublic: isBoolean });
export type RepositoryRow = Guarded<typeof isRepositoryRow>;
const isPrototypeRow = isObject({ id: isString, role: isRole, creator: isOptional(isString) });
export type PrototypeRow = Guarded<typeof isPrototypeRow>;
/** `audiences`: only where Quay returned them for the entry. */
const isFederationRow = isObject({ issuer: isString, subject: isString, audiences: isOptional(isArrayOf(isString)) });
export type FederationRow = Guarded<typeof isFederationRow>;
const isActivityRow = isObject({ when: isString, kind: isString, performer: isOptional(isString), details: isString });
export type ActivityRow = Guarded<typeof isActivityRow>;

/** Host → robot page. */
export const isRobotPageMessage = isMessage({
  header: { robot: isRobotHeader },
  repositories: section(isArrayOf(isRepositoryRow)),
  teams: section(isArrayOf(isString)),
  prototypes: section(isArrayOf(isPrototypeRow)),
  federation: section(isArrayOf(isFederationRow)),
  /** `append`: a "Load more" page, added below the rows already shown. */
  activity: section(isArrayOf(isActivityRow), { append: isBoolean, more: isBoolean }),
  /** Only in answer to Reveal; the page keeps it in memory and drops it when hidden. */
  token: { token: isString },
  /**
   * The Secret YAML and config.json for a scope and namespace. With the token only after Reveal; before it, their
   * credential fields read `<hidden>`. `problem`: why they cannot be built (an invalid namespace).
   */
  credentials: { scope: isScope, namespace: isString, secretYaml: isString, dockerConfig: isString, problem: isOptional(isString) },
  /** The login commands (they read the token from $QUAY_TOKEN: no secret in them). */
  logins: { podman: isString, docker: isString, variable: isString },
});
export type RobotPageMessage = Guarded<typeof isRobotPageMessage>;

/** Robot page → host. */
export const isRobotHostMessage = isMessage({
  ...readyMessage,
  reveal: {},
  /** The page hid the token again: the host forgets it too. */
  hide: {},
  copyToken: {},
  copyUsername: {},
  /** Asks for {@link RobotPageMessage} `credentials` for this scope and namespace. */
  credentials: { scope: isScope, namespace: isString },
  insertSecret: { scope: isScope, namespace: isString, into: isLiteral('editor', 'untitled') },
  copyLogin: { tool: isLiteral('podman', 'docker') },
  saveDockerConfig: { scope: isScope },
  setRole: { repository: isString, role: isRole },
  revoke: { repository: isString },
  grant: {},
  addToTeam: {},
  removeFromTeam: { team: isString },
  addPrototype: {},
  removePrototype: { id: isString },
  addFederation: {},
  removeFederation: { issuer: isString, subject: isString },
  testLogin: {},
  loadMoreActivity: {},
  rotate: {},
  delete: {},
  refresh: {},
});
export type RobotHostMessage = Guarded<typeof isRobotHostMessage>;

const isRobotTab = isLiteral('credentials', 'repositories', 'teams', 'keyless', 'activity');
export type RobotTab = Guarded<typeof isRobotTab>;
/** What the page keeps across hide/show (`setState`): never a token, nothing from the server. */
export const isRobotPageState = isObject({ tab: isRobotTab, credentialTab: isNumber, scope: isScope, namespace: isString });
export type RobotPageState = Guarded<typeof isRobotPageState>;

// ---------------------------------------------------------------------------------------------------------------
// Access matrix page
// ---------------------------------------------------------------------------------------------------------------
// (host: src/webviews/matrixPanel.ts, page: webview-ui/src/pages/matrix.ts, logic: src/core/matrix/accessMatrix.ts)

/** The matrix's lists are read-only on both sides. */
const isList = <T>(guard: Guard<T>): Guard<readonly T[]> => isArrayOf(guard);
const isRowKind = isLiteral('robot', 'team');
/** `[repository, role]`. */
const isGrant: Guard<readonly [string, 'read' | 'write' | 'admin']> = (v): v is readonly [string, 'read' | 'write' | 'admin'] =>
  Array.isArray(v) && v.length === 2 && isString(v[0]) && isRole(v[1]);
const isMatrixRow = isObject({ kind: isRowKind, name: isString, grants: isList(isGrant) });

/** Host → matrix page. */
export const isToMatrixPage = isMessage({
  /** While the organization is read from Quay (first load or "Reload"). */
  loading: { org: isString },
  /** The whole matrix (`MatrixData`), after a load and again whenever the page is re-created on show. */
  data: { org: isString, repositories: isList(isString), rows: isList(isMatrixRow) },
  /** Rows read again from Quay after an apply (or after a failed one): their roles replace the page's. */
  rows: { rows: isList(isMatrixRow) },
  /** The review (plan quick pick, apply, report) started (`true`) or ended (`false`). */
  reviewing: { busy: isBoolean },
  /** Loading failed: Quay's message, cleaned of credentials. */
  failed: { message: isString },
});
export type ToMatrixPage = MessagesOf<typeof isToMatrixPage>;

/** One pending cell as the page sends it: the role Quay held when loaded (`from`) and the wanted one (null = none). */
const isCellChange = isObject({ kind: isRowKind, principal: isString, repository: isString, from: isNullable(isRole), to: isNullable(isRole) });

/** Matrix page → host. */
export const isFromMatrixPage = isMessage({
  ...readyMessage,
  /** "Review N changes": show the plan, apply on confirmation, then send the touched rows again. */
  review: { changes: isList(isCellChange) },
  /** Read the organization from Quay again. */
  reload: {},
});
export type FromMatrixPage = MessagesOf<typeof isFromMatrixPage>;

/** What the matrix page keeps across hide/show (`setState`): filters, pending cells, scroll and focus. No server data. */
export const isMatrixPageState = isObject({
  org: isString,
  filter: isObject({ row: isString, repository: isString, onlyAccessedRepositories: isBoolean, onlyRowsWithoutAccess: isBoolean, teams: isBoolean }),
  pending: isList((v): v is readonly [string, string, 'read' | 'write' | 'admin' | null] => Array.isArray(v) && v.length === 3 && isString(v[0]) && isString(v[1]) && isNullable(isRole)(v[2])),
  scrollTop: isNumber,
  scrollLeft: isNumber,
  focus: isObject({ row: isNumber, column: isNumber }),
});
export type MatrixPageState = MessagesOf<typeof isMatrixPageState>;

// ---------------------------------------------------------------------------------------------------------------
// Robot hygiene report (AGENTS.md "Hygiene review in the editor")
// ---------------------------------------------------------------------------------------------------------------
// (host: src/webviews/hygienePanel.ts, page: webview-ui/src/pages/hygiene.ts, logic: webview-ui/src/hygiene/model.ts)

const isCount = (v: unknown): v is number => isNumber(v) && Number.isInteger(v) && v >= 0;
const isFixKind = isLiteral(
  'downgrade-to-read',
  'pull-only-successor',
  'delete-robot',
  'revoke-grants',
  'delete-default-permission',
  'remove-from-team',
  'split-per-environment',
  'rotate',
  'keyless-external-secret',
  'descriptive-successor',
  'rotate-and-dereference',
);
const isEvidence = isObject({
  repositories: isOptional(isList(isObject({ repository: isString, role: isRole }))),
  files: isOptional(isList(isObject({ path: isString, line: isCount, column: isCount, encoding: isOptional(isString) }))),
  clusters: isOptional(isList(isObject({ context: isString, namespace: isString, name: isString }))),
  logs: isOptional(
    isObject({
      from: isString,
      to: isString,
      counts: (v: unknown): v is Readonly<Record<string, number>> =>
        typeof v === 'object' && v !== null && !Array.isArray(v) && Object.entries(v).every(([k, n]) => isString(k) && isCount(n)),
      notExamined: isOptional(isString),
    }),
  ),
  teams: isOptional(isList(isObject({ team: isString, role: isString }))),
  prototypes: isOptional(isList(isObject({ id: isString, role: isRole }))),
  environments: isOptional(isList(isString)),
  tokenAgeDays: isOptional(isNumber),
  tokenAgeBounded: isOptional(isBoolean),
});
/** A finding (src/core/hygiene/types.ts) as the host sends it: the same JSON as the exports. */
export const isFinding: Guard<Finding> = isObject({
  check: isLiteral(...CHECK_IDS),
  severity: isLiteral(...SEVERITIES),
  host: isOptional(isString),
  namespace: isString,
  robot: isString,
  message: isString,
  evidence: isEvidence,
  fix: isOptional(isObject({ kind: isFixKind, label: isString })),
});

/** Host → hygiene page. */
export const isToHygienePage = isMessage({
  /** The review is running: what it is reading now. */
  progress: { org: isString, message: isString },
  /**
   * A finished review. `run` numbers it: the page names findings by `run` and index, and the host refuses an
   * index of another run. `notes`: what the whole review could not examine (budget, range limit, no workspace).
   */
  report: {
    run: isCount,
    org: isString,
    host: isString,
    /** Display text of when the review ran. */
    when: isString,
    findings: isList(isFinding),
    notes: isList(isString),
    /** Workspace folders (absolute paths): the page shows evidence files relative to them. */
    roots: isList(isString),
    /** Requests the review sent to Quay, when the review counted them. */
    requests: isOptional(isCount),
    /** Robots reviewed. */
    robots: isOptional(isCount),
  },
  /** The review failed (or was cancelled): the reason, cleaned of credentials. */
  failed: { message: isString },
  /** A fix ran to its end for finding `index` of `run`: the page marks it until the next review. */
  fixed: { run: isCount, index: isCount },
  /** A fix or an export is in progress (`true`) or ended (`false`): the page disables its buttons meanwhile. */
  busy: { busy: isBoolean },
});
export type ToHygienePage = MessagesOf<typeof isToHygienePage>;

const isExportFormat = isLiteral('markdown', 'json', 'sarif');
export type HygieneExportFormat = Guarded<typeof isExportFormat>;

/** Hygiene page → host: findings only by the run and index the host sent, never by robot or repository names. */
export const isFromHygienePage = isMessage({
  ...readyMessage,
  rerun: {},
  fix: { run: isCount, index: isCount },
  /** Open evidence file `file` of finding `index` at its line. */
  openFile: { run: isCount, index: isCount, file: isCount },
  openRobot: { run: isCount, index: isCount },
  export: { format: isExportFormat },
});
export type FromHygienePage = MessagesOf<typeof isFromHygienePage>;

/** What the hygiene page keeps across hide/show: which practices are collapsed and the severity filter. No server data. */
export const isHygienePageState = isObject({
  collapsed: isList(isString),
  minSeverity: isLiteral(...SEVERITIES),
});
export type HygienePageState = Guarded<typeof isHygienePageState>;
