/**
 * The robot page's state and how each host message changes it: plain TypeScript, no DOM (unit-tested in Node,
 * test/unit/webviews/robotModel.test.ts). The page renders a model; only `model.ui` is saved across hide/show.
 */
import type { ActivityRow, FederationRow, PrototypeRow, RepositoryRow, RobotHeader, RobotPageMessage, RobotPageState } from '../../../src/webviews/protocol';

/** Rows of a section: `undefined` while loading; `error` when Quay refused. */
export interface Section<T> {
  readonly rows?: readonly T[];
  readonly error?: string;
}

export interface RobotModel {
  readonly ui: RobotPageState;
  readonly header?: RobotHeader;
  readonly repositories: Section<RepositoryRow>;
  readonly teams: Section<string>;
  readonly prototypes: Section<PrototypeRow>;
  readonly federation: Section<FederationRow>;
  readonly activity: Section<ActivityRow> & { readonly more: boolean };
  /** Present only after Reveal, until the page is hidden. Never part of `ui`. */
  readonly token?: string;
  readonly credentials?: { readonly secretYaml: string; readonly dockerConfig: string; readonly problem?: string };
  readonly logins?: { readonly podman: string; readonly docker: string; readonly variable: string };
}

export const DEFAULT_UI: RobotPageState = { tab: 'credentials', credentialTab: 0, scope: 'org', namespace: '' };

export function initialModel(restored: RobotPageState | undefined): RobotModel {
  return { ui: restored ?? DEFAULT_UI, repositories: {}, teams: {}, prototypes: {}, federation: {}, activity: { more: false } };
}

function rowsOf<T>(m: { rows?: T[]; error?: string }): Section<T> {
  return m.error !== undefined ? { error: m.error } : { rows: m.rows ?? [] };
}

export function update(model: RobotModel, message: RobotPageMessage): RobotModel {
  switch (message.type) {
    case 'header': {
      // A user robot has no organization scope: its Secret can only be registry-wide.
      const ui = message.robot.isOrg ? model.ui : { ...model.ui, scope: 'registry' as const };
      return { ...model, header: message.robot, ui };
    }
    case 'repositories':
      return { ...model, repositories: rowsOf(message) };
    case 'teams':
      return { ...model, teams: rowsOf(message) };
    case 'prototypes':
      return { ...model, prototypes: rowsOf(message) };
    case 'federation':
      return { ...model, federation: rowsOf(message) };
    case 'activity': {
      if (message.error !== undefined) return { ...model, activity: { error: message.error, more: false } };
      const rows = message.append ? [...(model.activity.rows ?? []), ...(message.rows ?? [])] : (message.rows ?? []);
      return { ...model, activity: { rows, more: message.more } };
    }
    case 'token':
      return { ...model, token: message.token };
    case 'credentials':
      // An answer for a scope or namespace the user has since changed is stale.
      if (message.scope !== model.ui.scope || message.namespace !== model.ui.namespace) return model;
      return { ...model, credentials: { secretYaml: message.secretYaml, dockerConfig: message.dockerConfig, ...(message.problem !== undefined ? { problem: message.problem } : {}) } };
    case 'logins':
      return { ...model, logins: { podman: message.podman, docker: message.docker, variable: message.variable } };
  }
}

/** When the page is hidden: the token and every text built from it are dropped. */
export function forgetToken(model: RobotModel): RobotModel {
  const { token: _token, credentials: _credentials, ...rest } = model;
  return rest;
}

/** A UI change (tab, scope, namespace): the credential texts are asked for again when the scope or namespace changed. */
export function withUi(model: RobotModel, ui: Partial<RobotPageState>): { model: RobotModel; askCredentials: boolean } {
  const next = { ...model.ui, ...ui };
  const askCredentials = next.scope !== model.ui.scope || next.namespace !== model.ui.namespace;
  return { model: { ...model, ui: next }, askCredentials };
}

/** What stands for the token before Reveal: as many dots as it has characters would tell its length, so a fixed run. */
export const MASK = '•'.repeat(24);
