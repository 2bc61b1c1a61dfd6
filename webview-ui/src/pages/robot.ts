// The robot page (host: src/webviews/robotPanel.ts). Renders the model (../robot/model.ts) with Lit: every server
// string goes through a text binding, never through innerHTML.
import '../base.css';
import './robot.css';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { html, nothing, render, type TemplateResult } from 'lit';
import { hasControlChars, visibleText } from '../../../src/core/serverText';
import { isRobotPageMessage, isRobotPageState, type RobotHostMessage, type RobotPageState, type RobotTab } from '../../../src/webviews/protocol';
import { connect } from '../host';
import { forgetToken, initialModel, MASK, update, withUi, type RobotModel, type Section } from '../robot/model';

const app = document.getElementById('app') as HTMLElement;
let model: RobotModel;
const host = connect(isRobotPageMessage, isRobotPageState, (message) => {
  model = update(model, message);
  draw();
});
model = initialModel(host.restored);
const post = (message: RobotHostMessage) => host.post(message);
post({ type: 'credentials', scope: model.ui.scope, namespace: model.ui.namespace });

// Hidden: VS Code discards a hidden page (no retainContextWhenHidden); the token goes first all the same.
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'hidden') {
    model = forgetToken(model);
    draw();
  }
});

function setUi(ui: Partial<RobotPageState>): void {
  const next = withUi(model, ui);
  model = next.model;
  host.save(model.ui);
  if (next.askCredentials) post({ type: 'credentials', scope: model.ui.scope, namespace: model.ui.namespace });
  draw();
}

const TABS: { id: RobotTab; label: string; orgOnly?: boolean }[] = [
  { id: 'credentials', label: 'Credentials' },
  { id: 'repositories', label: 'Repositories' },
  { id: 'teams', label: 'Teams & default permissions', orgOnly: true },
  { id: 'keyless', label: 'Keyless' },
  { id: 'activity', label: 'Activity' },
];

function draw(): void {
  render(page(), app);
  app.setAttribute('aria-busy', String(model.header === undefined));
}

function page(): TemplateResult {
  const h = model.header;
  if (h === undefined) return html`<p class="muted">Loading…</p>`;
  const tabs = TABS.filter((t) => t.orgOnly !== true || h.isOrg);
  const selected = Math.max(0, tabs.findIndex((t) => t.id === model.ui.tab));
  return html`
    <header class="robot-header">
      <div class="row">
        <h1>${h.fullName}</h1>
        ${h.keyless ? html`<span class="badge" title="Pulls with short-lived tokens exchanged from an OIDC identity">keyless</span>` : nothing}
        ${h.overdue ? html`<span class="badge warn">rotation due</span>` : nothing}
      </div>
      <p class=${h.description === '' ? 'muted' : ''} title="Quay has no API to change a robot's description: it is set when the robot is created.">
        ${h.description === '' ? 'No description' : h.description}
      </p>
      <dl class="facts">
        <dt>Created</dt><dd>${h.created}</dd>
        <dt>Last used</dt><dd>${h.lastUsed}</dd>
        <dt>Token</dt><dd>${h.tokenAge ?? 'age not known yet'}</dd>
      </dl>
      <div class="row actions">
        <vscode-button secondary @click=${() => post({ type: 'rotate' })}>Rotate token…</vscode-button>
        <vscode-button secondary @click=${() => post({ type: 'delete' })}>Delete robot…</vscode-button>
        <vscode-button secondary @click=${() => post({ type: 'refresh' })}>Refresh</vscode-button>
      </div>
    </header>
    <vscode-tabs
      selected-index=${selected}
      @vsc-tabs-select=${(e: CustomEvent<{ selectedIndex: number }>) => {
        const tab = tabs[e.detail.selectedIndex]?.id;
        if (tab !== undefined && tab !== model.ui.tab) setUi({ tab });
      }}
    >
      ${tabs.map(
        (t) => html`<vscode-tab-header slot="header">${t.label}</vscode-tab-header>
          <vscode-tab-panel>${panel(t.id)}</vscode-tab-panel>`,
      )}
    </vscode-tabs>
  `;
}

function panel(tab: RobotTab): TemplateResult {
  switch (tab) {
    case 'credentials':
      return credentials();
    case 'repositories':
      return repositories();
    case 'teams':
      return teams();
    case 'keyless':
      return keyless();
    case 'activity':
      return activity();
  }
}

/** Loading, Quay's error, an empty text, or the rows. */
function sectionBody<T>(s: Section<T>, empty: string, rows: (rows: readonly T[]) => TemplateResult): TemplateResult {
  if (s.error !== undefined) return html`<p class="error" role="alert">${s.error}</p>`;
  if (s.rows === undefined) return html`<p class="muted">Loading…</p>`;
  if (s.rows.length === 0) return html`<p class="muted">${empty}</p>`;
  return rows(s.rows);
}

const CREDENTIAL_TABS = ['Robot token', 'Kubernetes Secret', 'Podman login', 'Docker login', 'Docker config.json'];

function credentials(): TemplateResult {
  const h = model.header!;
  return html`
    <vscode-tabs
      class="credential-tabs"
      selected-index=${model.ui.credentialTab}
      @vsc-tabs-select=${(e: CustomEvent<{ selectedIndex: number }>) => {
        e.stopPropagation();
        if (e.detail.selectedIndex !== model.ui.credentialTab) setUi({ credentialTab: e.detail.selectedIndex });
      }}
    >
      ${CREDENTIAL_TABS.map((label) => html`<vscode-tab-header slot="header">${label}</vscode-tab-header>`)}
      <vscode-tab-panel>${tokenTab(h.fullName)}</vscode-tab-panel>
      <vscode-tab-panel>${secretTab(h.isOrg)}</vscode-tab-panel>
      <vscode-tab-panel>${loginTab('podman')}</vscode-tab-panel>
      <vscode-tab-panel>${loginTab('docker')}</vscode-tab-panel>
      <vscode-tab-panel>${configTab(h.isOrg)}</vscode-tab-panel>
    </vscode-tabs>
  `;
}

function tokenTab(fullName: string): TemplateResult {
  return html`
    <dl class="facts">
      <dt>Username</dt>
      <dd class="row"><code>${fullName}</code><vscode-button secondary @click=${() => post({ type: 'copyUsername' })}>Copy username</vscode-button></dd>
      <dt>Token</dt>
      <dd class="row">
        <code class="token" aria-label=${model.token === undefined ? 'Token, hidden' : 'Token'}>${model.token ?? MASK}</code>
        ${model.token === undefined
          ? html`<vscode-button @click=${() => post({ type: 'reveal' })}>Reveal</vscode-button>`
          : html`<vscode-button secondary @click=${() => { model = forgetToken(model); draw(); post({ type: 'hide' }); post({ type: 'credentials', scope: model.ui.scope, namespace: model.ui.namespace }); }}>Hide</vscode-button>`}
        <vscode-button secondary @click=${() => post({ type: 'copyToken' })}>Copy</vscode-button>
      </dd>
    </dl>
    <p class="muted">The token is the robot's password. It is fetched from Quay when you press Reveal or Copy, and forgotten when this page is hidden.</p>
  `;
}

/** `group`: the radio group's name, one per tab (radios sharing a name across tabs would uncheck each other). */
function scopeChoice(isOrg: boolean, group: string): TemplateResult {
  const h = model.header!;
  return html`
    <fieldset class="scope">
      <legend>Secret scope</legend>
      <label><input type="radio" name=${group} value="org" ?disabled=${!isOrg} .checked=${model.ui.scope === 'org'} @change=${() => setUi({ scope: 'org' })} />
        Organization <span class="muted">(auths key ${h.registryHost}/${h.namespace})</span></label>
      <label><input type="radio" name=${group} value="registry" .checked=${model.ui.scope === 'registry'} @change=${() => setUi({ scope: 'registry' })} />
        Registry <span class="muted">(auths key ${h.registryHost})</span></label>
    </fieldset>
  `;
}

function preview(text: string | undefined, label: string): TemplateResult {
  return text === undefined ? html`<p class="muted">Loading…</p>` : html`<pre aria-label=${label}>${text}</pre>`;
}

function secretTab(isOrg: boolean): TemplateResult {
  const c = model.credentials;
  return html`
    ${scopeChoice(isOrg, 'secret-scope')}
    <div class="row">
      <label for="namespace">Namespace</label>
      <vscode-textfield
        id="namespace"
        placeholder="(none: kubectl --namespace decides)"
        .value=${model.ui.namespace}
        @input=${(e: Event) => setUi({ namespace: (e.target as HTMLInputElement).value })}
      ></vscode-textfield>
    </div>
    ${c?.problem !== undefined ? html`<p class="error" role="alert">${c.problem}</p>` : preview(c?.secretYaml, 'Kubernetes Secret YAML')}
    <div class="row">
      <vscode-button @click=${() => post({ type: 'insertSecret', scope: model.ui.scope, namespace: model.ui.namespace, into: 'editor' })}>Insert into active editor</vscode-button>
      <vscode-button secondary @click=${() => post({ type: 'insertSecret', scope: model.ui.scope, namespace: model.ui.namespace, into: 'untitled' })}>Open as untitled</vscode-button>
    </div>
  `;
}

function loginTab(tool: 'podman' | 'docker'): TemplateResult {
  const l = model.logins;
  return html`
    ${preview(l?.[tool], `${tool} login command`)}
    <p class="muted">
      The command reads the token from $${l?.variable ?? 'QUAY_TOKEN'} on standard input, so it is in neither the shell history nor the process list.
      Set it first with <code>read -rs ${l?.variable ?? 'QUAY_TOKEN'}</code> and paste the token.
    </p>
    <vscode-button @click=${() => post({ type: 'copyLogin', tool })}>Copy command</vscode-button>
  `;
}

function configTab(isOrg: boolean): TemplateResult {
  return html`
    ${scopeChoice(isOrg, 'config-scope')} ${preview(model.credentials?.dockerConfig, 'Docker config.json')}
    <p class="muted">Saving merges this entry into a config.json (docker's own by default), written with mode 0600.</p>
    <vscode-button @click=${() => post({ type: 'saveDockerConfig', scope: model.ui.scope })}>Save to config.json…</vscode-button>
  `;
}

function repositories(): TemplateResult {
  const isOrg = model.header!.isOrg;
  return html`
    ${sectionBody(model.repositories, 'No direct repository permissions.', (rows) => html`
      <table>
        <caption>Direct repository permissions (team permissions apply on top)</caption>
        <thead><tr><th scope="col">Repository</th><th scope="col">Role</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
        <tbody>
          ${rows.map(
            (r) => html`<tr>
              <td>${r.repository}${r.isPublic ? html` <span class="badge">public</span>` : nothing}</td>
              <td>
                <select aria-label=${`Role on ${r.repository}`} @change=${(e: Event) => {
                  const role = (e.target as HTMLSelectElement).value;
                  if (role === 'read' || role === 'write' || role === 'admin') post({ type: 'setRole', repository: r.repository, role });
                }}>
                  ${(['read', 'write', 'admin'] as const).map((role) => html`<option value=${role} ?selected=${role === r.role}>${role}</option>`)}
                </select>
              </td>
              <td><vscode-button secondary aria-label=${`Revoke access to ${r.repository}`} @click=${() => post({ type: 'revoke', repository: r.repository })}>Revoke</vscode-button></td>
            </tr>`,
          )}
        </tbody>
      </table>`)}
    ${isOrg ? html`<vscode-button @click=${() => post({ type: 'grant' })}>Grant access…</vscode-button>` : nothing}
  `;
}

function teams(): TemplateResult {
  return html`
    <h2>Teams</h2>
    ${sectionBody(model.teams, 'Not a member of any team.', (rows) => html`
      <table>
        <caption>Teams the robot is a member of</caption>
        <thead><tr><th scope="col">Team</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
        <tbody>${rows.map((t) => html`<tr><td>${t}</td><td><vscode-button secondary aria-label=${`Remove from team ${t}`} @click=${() => post({ type: 'removeFromTeam', team: t })}>Remove</vscode-button></td></tr>`)}</tbody>
      </table>`)}
    <vscode-button @click=${() => post({ type: 'addToTeam' })}>Add to team…</vscode-button>
    <h2>Default permissions</h2>
    ${sectionBody(model.prototypes, 'No default permission names this robot.', (rows) => html`
      <table>
        <caption>Roles the robot gets on new repositories</caption>
        <thead><tr><th scope="col">Role</th><th scope="col">Repositories created by</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
        <tbody>${rows.map((p) => html`<tr><td>${p.role}</td><td>${p.creator ?? 'anyone'}</td><td><vscode-button secondary aria-label=${`Delete the default permission ${p.role} for ${p.creator ?? 'anyone'}`} @click=${() => post({ type: 'removePrototype', id: p.id })}>Delete</vscode-button></td></tr>`)}</tbody>
      </table>`)}
    <vscode-button @click=${() => post({ type: 'addPrototype' })}>Add default permission…</vscode-button>
  `;
}

function keyless(): TemplateResult {
  const f = model.federation;
  return html`
    <p class="muted">A keyless robot pulls with short-lived tokens Quay exchanges for an OIDC token whose issuer and subject match an entry.</p>
    ${sectionBody(f, 'No federation entries: the robot signs in with its token only.', (rows) => html`
      <table>
        <caption>Trusted identities</caption>
        <thead><tr><th scope="col">Issuer</th><th scope="col">Subject</th><th scope="col">Audiences</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
        <tbody>${rows.map((e) => html`<tr><td>${visibleText(e.issuer)}</td><td><code>${visibleText(e.subject)}</code>${hasControlChars(e.issuer) || hasControlChars(e.subject) ? html` <span class="muted">⚠ contains control characters (shown escaped)</span>` : nothing}</td><td>${(e.audiences?.length ?? 0) > 0 ? (e.audiences ?? []).map(visibleText).join(', ') : html`<span class="muted" title="Quay checks no aud for this entry">none</span>`}</td><td><vscode-button secondary aria-label=${`Remove the entry ${visibleText(e.subject)}`} @click=${() => post({ type: 'removeFederation', issuer: e.issuer, subject: e.subject })}>Remove</vscode-button></td></tr>`)}</tbody>
      </table>`)}
    <div class="row">
      <vscode-button @click=${() => post({ type: 'addFederation' })}>Add entry…</vscode-button>
      ${(f.rows?.length ?? 0) > 0 ? html`<vscode-button secondary @click=${() => post({ type: 'testLogin' })}>Test login…</vscode-button>` : nothing}
    </div>
  `;
}

function activity(): TemplateResult {
  const a = model.activity;
  return html`
    ${sectionBody(a, 'No activity in the last 30 days.', (rows) => html`
      <table>
        <caption>Usage-log events that concern the robot, newest first (last 30 days)</caption>
        <thead><tr><th scope="col">When</th><th scope="col">Event</th><th scope="col">By</th><th scope="col">Details</th></tr></thead>
        <tbody>${rows.map((r) => html`<tr><td class="nowrap">${r.when}</td><td>${r.kind}</td><td>${r.performer ?? ''}</td><td>${r.details}</td></tr>`)}</tbody>
      </table>`)}
    ${a.more ? html`<vscode-button secondary @click=${() => post({ type: 'loadMoreActivity' })}>Load more</vscode-button>` : nothing}
  `;
}

draw();
