// The robot hygiene report of an organization (host: src/webviews/hygienePanel.ts). Renders the model
// (../hygiene/model.ts) with Lit: every server string goes through a text binding, never through innerHTML. The page
// names a finding to the host only by the review's run number and the finding's index in it.
import '../base.css';
import './hygiene.css';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import { html, nothing, render, type TemplateResult } from 'lit';
import { SEVERITIES, type Severity } from '../../../src/core/hygiene/types';
import { isHygienePageState, isToHygienePage, type FromHygienePage, type HygienePageState, type ToHygienePage } from '../../../src/webviews/protocol';
import { connect } from '../host';
import { CHECK_TITLE, evidenceLines, groups, initialModel, plural, summary, toggleCollapsed, update, type HygieneModel, type IndexedFinding, type PracticeGroup, type Report } from '../hygiene/model';

const app = document.getElementById('app') as HTMLElement;
let model: HygieneModel;
const host = connect<ToHygienePage, FromHygienePage, HygienePageState>(isToHygienePage, isHygienePageState, (message) => {
  model = update(model, message);
  draw();
});
model = initialModel(host.restored);
const post = (message: FromHygienePage) => host.post(message);

function setUi(ui: HygienePageState): void {
  model = { ...model, ui };
  host.save(ui);
  draw();
}

function draw(): void {
  render(page(), app);
  app.setAttribute('aria-busy', String(model.report === undefined || model.progress !== undefined));
  // Which review the page shows (the E2E waits for a re-run's report by it).
  app.dataset['run'] = String(model.report?.run ?? '');
}

function page(): TemplateResult {
  const r = model.report;
  return html`
    ${r !== undefined ? header(r) : html`<header class="report-header"><h1>Robot hygiene</h1></header>`}
    ${model.progress !== undefined
      ? html`<p class="row" id="progress" role="status"><vscode-progress-ring></vscode-progress-ring><span>${model.progress}</span></p>`
      : nothing}
    ${model.error !== undefined ? html`<p class="error" id="error" role="alert">${model.error}</p>` : nothing}
    ${r !== undefined ? body(r) : nothing}
  `;
}

function header(r: Report): TemplateResult {
  const disabled = model.busy || model.progress !== undefined;
  return html`
    <header class="report-header">
      <h1>Robot hygiene of ${r.org}</h1>
      <p id="summary">${summary(r)}</p>
      <p class="muted">
        ${r.host} · reviewed ${r.when}${r.robots !== undefined ? ` · ${plural(r.robots, 'robot')}` : ''}${r.requests !== undefined ? ` · ${plural(r.requests, 'request')} to Quay` : ''}
      </p>
      <div class="row toolbar">
        <vscode-button id="rerun" ?disabled=${disabled} @click=${() => post({ type: 'rerun' })}>Run again</vscode-button>
        <vscode-button secondary id="export-markdown" ?disabled=${disabled} @click=${() => post({ type: 'export', format: 'markdown' })}>Export Markdown…</vscode-button>
        <vscode-button secondary id="export-json" ?disabled=${disabled} @click=${() => post({ type: 'export', format: 'json' })}>Export JSON…</vscode-button>
        <vscode-button secondary id="export-sarif" ?disabled=${disabled} @click=${() => post({ type: 'export', format: 'sarif' })}>Export SARIF…</vscode-button>
        <label for="severity">Show</label>
        <select id="severity" @change=${(e: Event) => {
          const v = (e.target as HTMLSelectElement).value;
          const s = SEVERITIES.find((x) => x === v);
          if (s !== undefined) setUi({ ...model.ui, minSeverity: s });
        }}>
          ${SEVERITIES.map((s) => html`<option value=${s} ?selected=${s === model.ui.minSeverity}>${severityFilterLabel(s)}</option>`)}
        </select>
      </div>
    </header>
  `;
}

function severityFilterLabel(s: Severity): string {
  return s === 'info' ? 'all findings' : s === 'warning' ? 'warnings and errors' : 'errors only';
}

function body(r: Report): TemplateResult {
  return html`
    ${r.notes.length > 0
      ? html`<section aria-label="What the review could not examine"><h2>Not examined</h2><ul class="notes">${r.notes.map((n) => html`<li>${n}</li>`)}</ul></section>`
      : nothing}
    ${groups(r, model.ui).map((g) => practice(r, g))}
  `;
}

function practice(r: Report, g: PracticeGroup): TemplateResult {
  const hidden = g.total - g.findings.length;
  return html`
    <section class="practice" id=${`practice-${g.practice}`} data-count=${g.total} aria-labelledby=${`heading-${g.practice}`}>
      <div class="practice-heading">
        <button aria-expanded=${String(!g.collapsed)} @click=${() => setUi(toggleCollapsed(model.ui, g.practice))}>
          <span aria-hidden="true">${g.collapsed ? '▸' : '▾'}</span>
          <h2 id=${`heading-${g.practice}`}>${g.title}</h2>
        </button>
        <span class=${`badge count ${g.total === 0 ? 'ok' : worst(g)}`} title=${`${plural(g.total, 'finding')}`}>${g.total === 0 ? 'passed' : String(g.total)}</span>
      </div>
      ${g.collapsed
        ? nothing
        : html`
            <p class="muted practice-advice">${g.advice}</p>
            ${g.total === 0 ? html`<p class="muted passed">No finding.</p>` : nothing}
            ${g.findings.map((f) => finding(r, f))}
            ${hidden > 0 ? html`<p class="muted passed">${plural(hidden, 'finding')} below the severity shown.</p>` : nothing}
          `}
    </section>
  `;
}

function worst(g: PracticeGroup): Severity {
  return g.findings.reduce<Severity>((w, f) => (SEVERITIES.indexOf(f.finding.severity) > SEVERITIES.indexOf(w) ? f.finding.severity : w), 'info');
}

function finding(r: Report, { index, finding: f }: IndexedFinding): TemplateResult {
  const fixed = model.fixed.has(index);
  const disabled = model.busy || model.progress !== undefined || fixed;
  return html`
    <article class=${`finding sev-${f.severity}${fixed ? ' fixed' : ''}`} id=${`finding-${index}`} data-check=${f.check} data-robot=${f.robot}>
      <div class="finding-head">
        <span class=${`badge severity ${f.severity}`}>${f.severity}</span>
        <a class="robot" href="#" title="Open the robot's page" @click=${(e: Event) => { e.preventDefault(); post({ type: 'openRobot', run: r.run, index }); }}>${f.robot}</a>
        <span class="muted">${CHECK_TITLE[f.check]} · <code>${f.check}</code></span>
      </div>
      <p class="message">${f.message}</p>
      <dl class="evidence">
        ${evidenceLines(f, r.roots).map((line) =>
          line.kind === 'file'
            ? html`<dt>${line.label}</dt><dd><a class="file" href="#" title="Open the file at this line" @click=${(e: Event) => { e.preventDefault(); post({ type: 'openFile', run: r.run, index, file: line.file }); }}>${line.text}</a></dd>`
            : html`<dt>${line.label}</dt><dd class=${line.kind === 'missing' ? 'missing' : ''}>${line.text}</dd>`,
        )}
      </dl>
      ${f.fix !== undefined
        ? html`<div class="row fix-row">
            <vscode-button class="fix" ?disabled=${disabled} @click=${() => post({ type: 'fix', run: r.run, index })}>${fixed ? 'Fix applied: run again to confirm' : fixLabel(f.fix.kind)}</vscode-button>
            <span class="muted">${f.fix.label}</span>
          </div>`
        : nothing}
    </article>
  `;
}

function fixLabel(kind: NonNullable<IndexedFinding['finding']['fix']>['kind']): string {
  switch (kind) {
    case 'downgrade-to-read':
      return 'Downgrade to read…';
    case 'pull-only-successor':
      return 'Create a pull-only successor…';
    case 'delete-robot':
      return 'Delete robot…';
    case 'revoke-grants':
      return 'Revoke unused grants…';
    case 'delete-default-permission':
      return 'Delete default permission…';
    case 'remove-from-team':
      return 'Remove from team…';
    case 'split-per-environment':
      return 'Split per environment…';
    case 'rotate':
      return 'Rotate token…';
    case 'keyless-external-secret':
      return 'Use a keyless ExternalSecret…';
    case 'descriptive-successor':
      return 'Create a successor with a descriptive name…';
    case 'rotate-and-dereference':
      return 'Rotate and replace the file’s token…';
  }
}

draw();
