import * as vscode from 'vscode';
import { feature } from '../core/capabilities';
import { instanceHost } from '../core/instances';
import type { CommandContext } from '../commands/commandContext';
import { insertPullSecret } from '../commands/manifests/pullSecretCommands';
import { manifestTarget } from '../commands/manifests/manifestEditing';
import { applyGrants, confirmPlan, showBulkReport } from '../commands/permissions/bulkChange';
import type { RobotTarget } from '../commands/pickers';
import { KeylessEntryRef, MembershipRef, PrototypeRef, RobotRef } from '../refs';
import { copyToken, copyTokenReadingCommand, fetchRobotToken, saveDockerConfig } from '../commands/robots/credentials';
import { currentTrust } from '../commands/federation/trust';
import { ACTIVITY_DAYS } from '../core/activity';
import { Commands, WebviewTypes } from '../constants';
import { concernsRobot, logEntryFields } from '../core/activity';
import { planBulk } from '../core/bulk/plan';
import { loginCommand, type SecretScope } from '../core/k8s/credentials';
import type { LogEntry, LogQuery, Prototype, Role } from '../core/quay/types';
import { isOverdue } from '../core/rotation/tokenAge';
import { logTarget } from '../core/quay/logs';
import { TOKEN_VARIABLE } from '../core/shell';
import { exactTime, relativeTime } from '../core/time';
import { maxTokenAgeDays } from '../host/settings';
import { tokenAgeText } from '../views/tokenAgeText';
import { robotRequestProblem, type RobotPageLoaded } from './hostChecks';
import { WebviewPanelHost } from './panel';
import { isRobotHostMessage, type RobotHostMessage, type RobotPageMessage } from './protocol';
import { credentialTexts } from './robotCredentials';
import { errorMessage } from '../core/log';

/** Activity rows per "Load more", and at most this many log pages read for them. */
const ACTIVITY_BATCH = 20;
const ACTIVITY_PAGES = 10;

/** One panel per robot: opening the robot again reveals it. */
export function showRobotPage(c: CommandContext, target: RobotTarget): void {
  const key = `${target.instance.url}\n${target.namespace.kind}:${target.namespace.name}\n${target.robot.shortName}`;
  if (!WebviewPanelHost.reveal(WebviewTypes.robot, key)) new RobotPage(c, target, key);
}

/**
 * The extension side of a robot's page. Every section is loaded on its own and reports its own error in place;
 * every change goes through the commands' own code (plan → apply → report for repository roles, their modals for
 * team, default-permission, rotate and delete), then the sections it touches are read again.
 *
 * The token is fetched only on Reveal (sent to the page) and Copy (clipboard only), kept in memory while the page is
 * visible so the Secret preview can follow the namespace field, and dropped when the page is hidden.
 */
class RobotPage {
  private readonly host: WebviewPanelHost<RobotPageMessage, RobotHostMessage>;
  private token: string | undefined;
  private prototypes: readonly Prototype[] = [];
  private activity: { query: LogQuery; next: string | undefined } | undefined;
  private lastEditor = vscode.window.activeTextEditor;
  /** What the page was sent: a request may name only these (`robotRequestProblem`). */
  private loaded: RobotPageLoaded = {};

  constructor(
    private readonly c: CommandContext,
    private target: RobotTarget,
    key: string,
  ) {
    this.host = new WebviewPanelHost(
      c.extensionUri,
      { viewType: WebviewTypes.robot, page: 'robot', title: target.robot.fullName, key, accepts: isRobotHostMessage },
      c.logger,
      (m) => this.handle(m),
    );
    const editors = vscode.window.onDidChangeActiveTextEditor((e) => {
      if (e !== undefined) this.lastEditor = e;
    });
    const visibility = this.host.onDidChangeVisibility((visible) => {
      if (!visible) this.token = undefined;
    });
    this.host.onDidDispose(() => {
      this.token = undefined;
      editors.dispose();
      visibility.dispose();
    });
  }

  private get ref(): RobotRef {
    return new RobotRef(this.target.instance.url, this.target.namespace, this.target.robot);
  }

  private get client() {
    return this.c.clients.get(this.target.instance.url);
  }

  private get registryHost(): string {
    return instanceHost(this.target.instance);
  }

  private async handle(m: RobotHostMessage): Promise<void> {
    const { robot, namespace } = this.target;
    const problem = robotRequestProblem(this.loaded, m);
    if (problem !== undefined) {
      this.c.logger.warn(`Robot page ${robot.fullName}: refused ${m.type} from the page: ${problem}.`);
      throw new Error(vscode.l10n.t('The page of {0} asked to act on something it does not show ({1}): nothing was changed. Refresh the page and try again.', robot.fullName, problem));
    }
    // An action the tree offers too runs as that command, by its id with a ref (as a menu runs it): its own wrapper
    // reports a failure; the page then reloads what the command may have changed.
    switch (m.type) {
      case 'ready':
      case 'refresh':
        this.token = undefined;
        return this.loadAll();
      case 'reveal':
        this.token = await fetchRobotToken(this.c, this.target);
        if (this.host.visible) await this.host.post({ type: 'token', token: this.token });
        return;
      case 'hide':
        this.token = undefined;
        return;
      case 'copyToken':
        return copyToken(this.c, this.target);
      case 'copyUsername':
        await vscode.env.clipboard.writeText(robot.fullName);
        vscode.window.setStatusBarMessage(vscode.l10n.t('Copied {0}', robot.fullName), 3000);
        return;
      case 'credentials':
        await this.host.post({
          type: 'credentials',
          scope: m.scope,
          namespace: m.namespace,
          ...credentialTexts({ host: this.registryHost, robot: robot.fullName, scope: m.scope, namespace: m.namespace, token: this.token, mask: vscode.l10n.t('<hidden: press Reveal>') }),
        });
        return;
      case 'insertSecret':
        return this.insertSecret(m.scope, m.namespace, m.into);
      case 'copyLogin':
        return copyTokenReadingCommand(this.c, this.target, loginCommand(m.tool, { host: this.registryHost, robot: robot.fullName }), vscode.l10n.t('the {0} login command', m.tool));
      case 'saveDockerConfig':
        return saveDockerConfig(this.c, this.target, m.scope);
      case 'setRole':
        return this.changeRepository(m.repository, m.role);
      case 'revoke':
        return this.changeRepository(m.repository, undefined);
      case 'grant':
        await vscode.commands.executeCommand(Commands.grantRepositories, this.ref);
        return this.loadRepositories();
      case 'addToTeam':
        await vscode.commands.executeCommand(Commands.addToTeam, this.ref);
        return this.loadRobot();
      case 'removeFromTeam':
        await vscode.commands.executeCommand(Commands.removeFromTeam, new MembershipRef(this.target.instance.url, namespace.name, m.team, robot.fullName));
        return this.loadRobot();
      case 'addPrototype':
        await vscode.commands.executeCommand(Commands.createPrototype, this.ref);
        return this.loadPrototypes();
      case 'removePrototype': {
        const rule = this.prototypes.find((p) => p.id === m.id);
        if (rule === undefined) return this.loadPrototypes();
        await vscode.commands.executeCommand(Commands.deletePrototype, new PrototypeRef(this.target.instance.url, namespace.name, rule));
        return this.loadPrototypes();
      }
      case 'addFederation':
        await vscode.commands.executeCommand(Commands.addTrust, this.ref);
        return this.loadFederation();
      case 'removeFederation':
        await vscode.commands.executeCommand(Commands.removeTrust, new KeylessEntryRef(this.ref, { issuer: m.issuer, subject: m.subject }));
        return this.loadFederation();
      case 'testLogin':
        await vscode.commands.executeCommand(Commands.testKeylessLogin, this.ref);
        return;
      case 'loadMoreActivity':
        return this.loadActivity(true);
      case 'rotate':
        await vscode.commands.executeCommand(Commands.rotateToken, this.ref);
        this.token = undefined;
        return this.loadAll();
      case 'delete':
        // The page closes only after a delete that happened (the command resolves false when cancelled or failed).
        if ((await vscode.commands.executeCommand<boolean>(Commands.deleteRobot, this.ref)) === true) this.host.dispose();
        return;
    }
  }

  private async loadAll(): Promise<void> {
    await this.postHeader(undefined);
    await Promise.all([
      this.host.post({ type: 'logins', podman: this.login('podman'), docker: this.login('docker'), variable: TOKEN_VARIABLE }),
      this.loadRobot(),
      this.loadRepositories(),
      this.loadPrototypes(),
      this.loadFederation(),
      this.loadActivity(false),
    ]);
  }

  private login(tool: 'podman' | 'docker'): string {
    return loginCommand(tool, { host: this.registryHost, robot: this.target.robot.fullName });
  }

  /** `keyless`: the robot has federation entries (undefined while they are loading). */
  private async postHeader(keyless: boolean | undefined): Promise<void> {
    const { robot, namespace, instance } = this.target;
    const now = new Date();
    const age = this.c.tokenAges.peek(instance.url, namespace, robot.fullName);
    await this.host.post({
      type: 'header',
      robot: {
        fullName: robot.fullName,
        shortName: robot.shortName,
        namespace: namespace.name,
        isOrg: namespace.kind === 'org',
        description: robot.description,
        created: robot.created !== undefined ? `${exactTime(robot.created)} (${relativeTime(robot.created, now)})` : '—',
        lastUsed: robot.lastAccessed !== undefined ? `${exactTime(robot.lastAccessed)} (${relativeTime(robot.lastAccessed, now)})` : vscode.l10n.t('never'),
        ...(age !== undefined
          ? { tokenAge: tokenAgeText(age, now) }
          : feature(this.c.capabilities.peek(instance.url), 'AGGREGATED_LOG_COUNT_RETRIEVAL') === false
            ? { tokenAge: vscode.l10n.t('unknown: usage log aggregation is off on this Quay (FEATURE_AGGREGATED_LOG_COUNT_RETRIEVAL)') }
            : {}),
        overdue: age !== undefined && keyless !== true && isOverdue(age, now, maxTokenAgeDays()) === true,
        keyless: keyless === true,
        registryHost: this.registryHost,
      },
    });
  }

  /** Runs `load`, posting its rows or the reason it failed (cleaned of credentials). */
  private async section<T>(load: () => Promise<T>, post: (result: { rows?: T; error?: string }) => Promise<unknown>): Promise<void> {
    let result: { rows?: T; error?: string };
    try {
      result = { rows: await load() };
    } catch (e) {
      this.c.logger.warn(`Robot page ${this.target.robot.fullName}: ${errorMessage(e)}`);
      result = { error: this.c.logger.clean(errorMessage(e)) };
    }
    await post(result);
  }

  /** The robot as the list says (description, dates, teams: the list is where Quay names a robot's teams). */
  private loadRobot(): Promise<void> {
    const { namespace, robot } = this.target;
    return this.section(
      async () => {
        const robots = await this.client.listRobots(namespace, { permissions: namespace.kind === 'org', token: false });
        const fresh = robots.find((r) => r.shortName === robot.shortName);
        if (fresh === undefined) throw new Error(vscode.l10n.t('{0} no longer exists on {1}.', robot.fullName, this.target.instance.url));
        this.target = { ...this.target, robot: fresh };
        return [...(fresh.teams ?? [])].sort((a, b) => a.localeCompare(b));
      },
      async (r) => {
        this.loaded = { ...this.loaded, teams: r.rows };
        await this.postHeader(undefined);
        if (namespace.kind === 'org') await this.host.post({ type: 'teams', ...r });
      },
    );
  }

  private loadRepositories(): Promise<void> {
    return this.section(
      async () =>
        [...(await this.client.getRobotPermissions(this.target.namespace, this.target.robot.shortName))]
          .sort((a, b) => a.repository.localeCompare(b.repository))
          .map((g) => ({ repository: g.repository, role: g.role, isPublic: g.isPublic })),
      (r) => {
        this.loaded = { ...this.loaded, repositories: r.rows?.map((g) => g.repository) };
        return this.host.post({ type: 'repositories', ...r });
      },
    );
  }

  private loadPrototypes(): Promise<void> {
    const { namespace, robot } = this.target;
    if (namespace.kind !== 'org') return Promise.resolve();
    return this.section(
      async () => {
        this.prototypes = (await this.client.listPrototypes(namespace.name)).filter((p) => p.delegate.name === robot.fullName);
        return this.prototypes.map((p) => ({ id: p.id, role: p.role, ...(p.activatingUser !== undefined ? { creator: p.activatingUser.name } : {}) }));
      },
      (r) => this.host.post({ type: 'prototypes', ...r }),
    );
  }

  private loadFederation(): Promise<void> {
    return this.section(
      async () => (await currentTrust(this.c, this.target)).map((f) => ({ issuer: f.issuer, subject: f.subject, ...(f.audiences !== undefined ? { audiences: [...f.audiences] } : {}) })),
      async (r) => {
        this.loaded = { ...this.loaded, federation: r.rows };
        await this.host.post({ type: 'federation', ...r });
        if (r.rows !== undefined) await this.postHeader(r.rows.length > 0);
      },
    );
  }

  /**
   * The usage logs of the robot's namespace over the last {@link ACTIVITY_DAYS} days, newest first (Quay's order),
   * kept when they concern the robot; "Load more" goes on from where the last batch stopped.
   */
  private loadActivity(more: boolean): Promise<void> {
    return this.section(
      async () => {
        if (!more || this.activity === undefined) {
          const end = new Date();
          this.activity = { query: { starttime: new Date(end.getTime() - ACTIVITY_DAYS * 86_400_000), endtime: end }, next: undefined };
        } else if (this.activity.next === undefined) {
          return [];
        }
        const state = this.activity;
        const rows: LogEntry[] = [];
        let pages = 0;
        do {
          const page = await this.client.listLogsPage(logTarget(this.target.namespace), state.query, state.next);
          rows.push(...page.logs.filter((e) => concernsRobot(e, this.target.robot.fullName)));
          state.next = page.nextPage;
          pages++;
        } while (state.next !== undefined && rows.length < ACTIVITY_BATCH && pages < ACTIVITY_PAGES);
        return rows.map(logEntryFields);
      },
      (r) => this.host.post({ type: 'activity', ...r, append: more, more: this.activity?.next !== undefined }),
    );
  }

  /** A role change or a revocation on one repository, through the bulk plan → apply → report code. */
  private async changeRepository(repository: string, role: Role | undefined): Promise<void> {
    const { instance, namespace, robot } = this.target;
    const current = new Map((await this.client.getRobotPermissions(namespace, robot.shortName)).map((p) => [p.repository, p.role] as const));
    const what = role === undefined ? vscode.l10n.t('Revoke the access of {0}', robot.fullName) : vscode.l10n.t('Grant {0} to {1}', role, robot.fullName);
    let report;
    try {
      const changes = await confirmPlan(what, planBulk([repository], current, role));
      report = await applyGrants(this.c, instance.url, namespace, robot.fullName, changes);
    } finally {
      // Also after a cancelled plan: the page's select shows the role it was not given until Quay's is sent again.
      await this.loadRepositories();
    }
    await showBulkReport(this.c, what, report);
  }

  private async insertSecret(scope: SecretScope, namespace: string, into: 'editor' | 'untitled'): Promise<void> {
    const ns = namespace.trim() !== '' ? { namespace: namespace.trim() } : {};
    if (into === 'untitled') return insertPullSecret(this.c, this.target, { scope, target: undefined, ...ns });
    const editor = this.lastEditor;
    if (editor === undefined || editor.document.isClosed) throw new Error(vscode.l10n.t('Open a Kubernetes YAML manifest in an editor first: the Secret goes after the document under its cursor.'));
    const target = await manifestTarget(this.c, { uri: editor.document.uri.toString(), offset: editor.document.offsetAt(editor.selection.active) }, true);
    await insertPullSecret(this.c, this.target, { scope, target, ...ns });
    await vscode.window.showTextDocument(editor.document, { viewColumn: editor.viewColumn ?? vscode.ViewColumn.Active });
  }
}
