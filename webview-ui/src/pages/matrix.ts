// The access matrix of an organization (src/webviews/matrixPanel.ts is its host; the editing and filtering logic is
// src/core/matrix/accessMatrix.ts, unit-tested in Node). The grid is virtualized in both directions: only the cells
// in view exist in the DOM, positioned inside a sticky viewport over a spacer the size of the whole matrix.
import '../base.css';
import '../matrix.css';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { html, render } from 'lit';
import { AccessMatrix, NO_FILTER, type MatrixFilter } from '../../../src/core/matrix/accessMatrix';
import type { Role } from '../../../src/core/quay/types';
import { isMatrixPageState, isToMatrixPage, type FromMatrixPage, type MatrixPageState, type ToMatrixPage } from '../../../src/webviews/protocol';
import { connect } from '../host';
import { clampCell, COL_W, countsText, drawStats, HEAD_H, inRange, keyMove, namesIn, ROLE_KEYS, ROW_H, ROWHEAD_W, rowLabel, scrollToShow, selectionRange, visibleWindow, type Cell, type CellRange } from '../matrix/grid';

const app = document.getElementById('app') as HTMLElement;

let matrix: AccessMatrix | undefined;
let filter: MatrixFilter = { ...NO_FILTER, teams: false };
let view: { rows: number[]; columns: number[] } = { rows: [], columns: [] };
let active: Cell = { r: 0, c: 0 };
let anchor: Cell = { r: 0, c: 0 };
let busy = false;
/** For the E2E: milliseconds from the `data` message to the first frame painted with it. */
let firstPaintPending: number | undefined;
/** For the E2E: how long each drawing after the first took (scrolling, filtering, editing). */
const drawTimes: number[] = [];

const host = connect<ToMatrixPage, FromMatrixPage, MatrixPageState>(isToMatrixPage, isMatrixPageState, onMessage);
let restored = host.restored;

function onMessage(message: ToMatrixPage): void {
  switch (message.type) {
    case 'loading':
      // "Reload": keep the filters and the pending changes for the matrix that comes back.
      if (matrix !== undefined) restored = snapshot(matrix);
      matrix = undefined;
      status(`Reading ${message.org} from Quay…`);
      return;
    case 'failed':
      status(message.message, true);
      return;
    case 'data':
      firstPaintPending = performance.now();
      show(message);
      return;
    case 'rows':
      matrix?.replaceRows(message.rows);
      refilter(false);
      return;
    case 'reviewing':
      busy = message.busy;
      updateBar();
      return;
  }
}

function status(text: string, error = false): void {
  app.setAttribute('aria-busy', String(!error));
  render(html`<p class=${error ? 'error' : 'muted'} role=${error ? 'alert' : 'status'}>${text}</p>`, app);
}

// --- the page skeleton (rendered once per data message) -----------------------------------------------------------

let scroller: HTMLElement;
let canvas: HTMLElement;
let viewport: HTMLElement;
let headerRow: HTMLElement;
let corner: HTMLElement;
let counts: HTMLElement;
let bar: HTMLElement;
let barText: HTMLElement;
let reviewButton: HTMLElement & { disabled: boolean };
const headerPool: HTMLElement[] = [];
const rowPool: { el: HTMLElement; head: HTMLElement; cells: HTMLElement[] }[] = [];

function show(data: Extract<ToMatrixPage, { type: 'data' }>): void {
  matrix = new AccessMatrix(data);
  const saved = restored?.org === data.org ? restored : undefined;
  restored = undefined;
  if (saved !== undefined) {
    filter = saved.filter;
    matrix.restorePending(saved.pending);
  }
  const onText = (key: 'row' | 'repository') => (e: Event) => {
    filter = { ...filter, [key]: (e.target as HTMLInputElement).value };
    refilter(true);
  };
  const onCheck = (key: 'onlyAccessedRepositories' | 'onlyRowsWithoutAccess' | 'teams') => (e: Event) => {
    filter = { ...filter, [key]: (e.target as HTMLInputElement).checked };
    refilter(true);
  };
  headerPool.length = 0;
  rowPool.length = 0;
  render(
    html`<h1 class="sr-only">Access of ${data.org}</h1>
      <header class="toolbar">
        <vscode-textfield id="row-filter" placeholder="Filter robots and teams" aria-label="Filter robots and teams" .value=${filter.row} @input=${onText('row')}></vscode-textfield>
        <vscode-textfield id="repo-filter" placeholder="Filter repositories" aria-label="Filter repositories" .value=${filter.repository} @input=${onText('repository')}></vscode-textfield>
        <vscode-checkbox id="only-accessed" label="Only repositories some robot can access" ?checked=${filter.onlyAccessedRepositories} @change=${onCheck('onlyAccessedRepositories')}></vscode-checkbox>
        <vscode-checkbox id="only-without" label="Only robots without any access" ?checked=${filter.onlyRowsWithoutAccess} @change=${onCheck('onlyRowsWithoutAccess')}></vscode-checkbox>
        <vscode-checkbox id="show-teams" label="Teams" ?checked=${filter.teams} @change=${onCheck('teams')}></vscode-checkbox>
        <vscode-button id="reload" secondary @click=${() => host.post({ type: 'reload' })}>Reload</vscode-button>
      </header>
      <div class="toolbar selection" role="toolbar" aria-label="Set the selected cells">
        <span class="muted">Set selection:</span>
        ${(['none', 'read', 'write', 'admin'] as const).map(
          (r) => html`<vscode-button secondary data-role=${r} @click=${() => setSelection(r === 'none' ? undefined : r)}>${r}</vscode-button>`,
        )}
        <span id="counts" class="muted" role="status"></span>
      </div>
      <!-- At the top: VS Code's notifications cover the bottom right of the editor area. -->
      <div id="bar" class="bar" role="region" aria-label="Pending changes" hidden>
        <span id="bar-text"></span>
        <vscode-button id="discard" secondary @click=${discard}>Discard</vscode-button>
        <vscode-button id="review" @click=${review}></vscode-button>
      </div>
      <div id="scroller" class="scroller" role="grid" tabindex="0" aria-multiselectable="true" aria-label=${`Access of ${data.org}: robots by repositories`}>
        <div id="canvas" class="canvas"><div id="viewport" class="viewport"><div class="row header" role="row" aria-rowindex="1"><div class="corner" role="columnheader" aria-colindex="1"></div></div></div></div>
      </div>
      `,
    app,
  );
  app.removeAttribute('aria-busy');
  scroller = byId('scroller');
  canvas = byId('canvas');
  viewport = byId('viewport');
  headerRow = viewport.firstElementChild as HTMLElement;
  corner = headerRow.firstElementChild as HTMLElement;
  corner.textContent = `${data.org}`;
  counts = byId('counts');
  bar = byId('bar');
  barText = byId('bar-text');
  reviewButton = byId('review') as HTMLElement & { disabled: boolean };
  scroller.addEventListener(
    'scroll',
    () => {
      draw();
      save();
    },
    { passive: true },
  );
  scroller.addEventListener('keydown', onKey);
  viewport.addEventListener('click', onClick);
  new ResizeObserver(draw).observe(scroller);
  refilter(saved === undefined);
  if (saved !== undefined) {
    active = clampCell({ r: saved.focus.row, c: saved.focus.column }, view);
    anchor = active;
    scroller.scrollTop = saved.scrollTop;
    scroller.scrollLeft = saved.scrollLeft;
    draw();
  }
  updateBar();
}

function byId(id: string): HTMLElement {
  return document.getElementById(id) as HTMLElement;
}

// --- filtering, drawing -------------------------------------------------------------------------------------------

function refilter(resetSelection: boolean): void {
  if (matrix === undefined) return;
  const started = performance.now();
  view = matrix.filter(filter);
  canvas.style.width = `${ROWHEAD_W + view.columns.length * COL_W}px`;
  canvas.style.height = `${HEAD_H + view.rows.length * ROW_H}px`;
  scroller.setAttribute('aria-rowcount', String(view.rows.length + 1));
  scroller.setAttribute('aria-colcount', String(view.columns.length + 1));
  counts.textContent = countsText(matrix, view, filter.teams);
  if (resetSelection) anchor = active = { r: 0, c: 0 };
  else active = anchor = clampCell(active, view);
  draw();
  document.body.dataset.filterMs = (performance.now() - started).toFixed(1);
  save();
}

const ROLE_TEXT: Record<Role, string> = { read: 'read', write: 'write', admin: 'admin' };

/** Puts the cells in view into the DOM, reusing the elements of the previous frame. */
function draw(): void {
  const m = matrix;
  if (m === undefined) return;
  const started = performance.now();
  const width = scroller.clientWidth;
  const height = scroller.clientHeight;
  const top = scroller.scrollTop;
  const left = scroller.scrollLeft;
  viewport.style.width = `${width}px`;
  viewport.style.height = `${height}px`;
  const { r0, r1, c0, c1 }: CellRange = visibleWindow(view, { width, height, top, left });
  const cols = Math.max(0, c1 - c0);
  const sel = selectionRange(anchor, active);
  for (let k = 0; k < cols; k++) {
    const c = c0 + k;
    const el = headerPool[k] ?? addHeader();
    const repo = m.repositories[view.columns[c] ?? -1] ?? '';
    el.hidden = false;
    el.textContent = repo;
    el.title = repo;
    el.setAttribute('aria-colindex', String(c + 2));
    el.style.transform = `translateX(${ROWHEAD_W + c * COL_W - left}px)`;
  }
  for (let k = cols; k < headerPool.length; k++) (headerPool[k]).hidden = true;
  const rows = Math.max(0, r1 - r0);
  for (let k = 0; k < rows; k++) {
    const r = r0 + k;
    const slot = rowPool[k] ?? addRow();
    const row = m.rows[view.rows[r] ?? -1];
    if (row === undefined) continue;
    slot.el.hidden = false;
    slot.el.setAttribute('aria-rowindex', String(r + 2));
    slot.el.style.transform = `translateY(${HEAD_H + r * ROW_H - top}px)`;
    slot.head.textContent = rowLabel(row);
    slot.head.title = row.name;
    slot.head.classList.toggle('team', row.kind === 'team');
    for (let k2 = 0; k2 < cols; k2++) {
      const c = c0 + k2;
      const cell = slot.cells[k2] ?? addCell(slot);
      const repo = m.repositories[view.columns[c] ?? -1] ?? '';
      const role = m.role(row.name, repo);
      const changed = m.isChanged(row.name, repo);
      const selected = inRange(sel, r, c);
      cell.hidden = false;
      cell.id = `cell-${r}-${c}`;
      cell.dataset.r = String(r);
      cell.dataset.c = String(c);
      cell.setAttribute('aria-colindex', String(c + 2));
      cell.setAttribute('aria-selected', String(selected));
      cell.textContent = role === undefined ? '·' : ROLE_TEXT[role];
      cell.setAttribute('aria-label', `${role ?? 'none'}${changed ? ' (changed)' : ''}`);
      cell.className = `cell ${role ?? 'none'}${changed ? ' changed' : ''}${selected ? ' selected' : ''}${r === active.r && c === active.c ? ' active' : ''}`;
      cell.style.transform = `translateX(${ROWHEAD_W + c * COL_W - left}px)`;
    }
    for (let k2 = cols; k2 < slot.cells.length; k2++) (slot.cells[k2]).hidden = true;
  }
  for (let k = rows; k < rowPool.length; k++) (rowPool[k] as { el: HTMLElement }).el.hidden = true;
  if (view.rows.length > 0 && view.columns.length > 0) scroller.setAttribute('aria-activedescendant', `cell-${active.r}-${active.c}`);
  else scroller.removeAttribute('aria-activedescendant');
  // For the E2E: the first drawing, and the slowest one after it (scrolling, filtering, editing).
  const took = performance.now() - started;
  if (firstPaintPending !== undefined) {
    document.body.dataset.firstDrawMs = took.toFixed(1);
    drawTimes.length = 0;
  } else {
    drawTimes.push(took);
    document.body.dataset.drawStats = drawStats(drawTimes);
  }
  if (firstPaintPending !== undefined) {
    const since = firstPaintPending;
    firstPaintPending = undefined;
    // The frame after this one has been painted when the second callback runs.
    requestAnimationFrame(() => requestAnimationFrame(() => (document.body.dataset.firstPaintMs = (performance.now() - since).toFixed(1))));
  }
}

function addHeader(): HTMLElement {
  const el = document.createElement('div');
  el.className = 'colhead';
  el.setAttribute('role', 'columnheader');
  headerRow.appendChild(el);
  headerPool.push(el);
  return el;
}

function addRow(): { el: HTMLElement; head: HTMLElement; cells: HTMLElement[] } {
  const el = document.createElement('div');
  el.className = 'row';
  el.setAttribute('role', 'row');
  const head = document.createElement('div');
  head.className = 'rowhead';
  head.setAttribute('role', 'rowheader');
  head.setAttribute('aria-colindex', '1');
  el.appendChild(head);
  viewport.appendChild(el);
  const slot = { el, head, cells: [] as HTMLElement[] };
  rowPool.push(slot);
  return slot;
}

function addCell(slot: { el: HTMLElement; cells: HTMLElement[] }): HTMLElement {
  const el = document.createElement('div');
  el.setAttribute('role', 'gridcell');
  slot.el.appendChild(el);
  slot.cells.push(el);
  return el;
}

// --- editing ------------------------------------------------------------------------------------------------------

function cycleActive(): void {
  if (matrix === undefined || view.rows.length === 0 || view.columns.length === 0) return;
  const { rows, repos } = namesIn(matrix, view, { r0: active.r, r1: active.r, c0: active.c, c1: active.c });
  matrix.cycle(rows[0] ?? '', repos[0] ?? '');
  edited();
}

function setSelection(role: Role | undefined): void {
  if (matrix === undefined || view.rows.length === 0 || view.columns.length === 0) return;
  const { rows, repos } = namesIn(matrix, view, selectionRange(anchor, active));
  matrix.setRange(rows, repos, role);
  edited();
}

function discard(): void {
  matrix?.discard();
  edited();
}

function edited(): void {
  draw();
  updateBar();
  save();
}

function review(): void {
  if (matrix === undefined || busy) return;
  const changes = matrix.changes().map((ch) => ({ kind: ch.kind, principal: ch.principal, repository: ch.repository, from: ch.from ?? null, to: ch.to ?? null }));
  if (changes.length > 0) host.post({ type: 'review', changes });
}

function updateBar(): void {
  if (matrix === undefined) return;
  const n = matrix.changeCount;
  bar.hidden = n === 0;
  barText.textContent = busy ? 'Reviewing in the plan quick pick…' : `${n} pending ${n === 1 ? 'change' : 'changes'}`;
  reviewButton.textContent = `Review ${n} ${n === 1 ? 'change' : 'changes'}`;
  reviewButton.disabled = busy;
}

function onClick(e: MouseEvent): void {
  const target = (e.target as HTMLElement).closest<HTMLElement>('.cell');
  if (target === null) return;
  const cell = { r: Number(target.dataset.r), c: Number(target.dataset.c) };
  scroller.focus({ preventScroll: true });
  if (e.shiftKey) {
    active = cell;
    draw();
    return;
  }
  anchor = active = cell;
  cycleActive();
}

function onKey(e: KeyboardEvent): void {
  if (matrix === undefined) return;
  const page = Math.max(1, Math.floor((scroller.clientHeight - HEAD_H) / ROW_H) - 1);
  const move = keyMove(e.key, e.ctrlKey, active, page, view);
  if (move !== undefined) {
    e.preventDefault();
    active = clampCell(move, view);
    if (!e.shiftKey) anchor = active;
    reveal(active);
    draw();
    save();
    return;
  }
  if (e.key === ' ') {
    e.preventDefault();
    cycleActive();
  } else if (e.key === 'Enter') {
    // Enter reviews the pending changes, as the bar's "Review N changes" button does (Space changes a cell).
    e.preventDefault();
    review();
  } else if (e.key in ROLE_KEYS && !e.ctrlKey && !e.metaKey && !e.altKey) {
    e.preventDefault();
    setSelection(ROLE_KEYS[e.key]);
  } else if (e.key === 'Escape') {
    anchor = active;
    draw();
  }
}

/** Scrolls so that the cell is in view (below the header, right of the row names). */
function reveal(cell: Cell): void {
  const { top, left } = scrollToShow(cell, { width: scroller.clientWidth, height: scroller.clientHeight, top: scroller.scrollTop, left: scroller.scrollLeft });
  if (top !== scroller.scrollTop) scroller.scrollTop = top;
  if (left !== scroller.scrollLeft) scroller.scrollLeft = left;
}

// --- state across hide/show ---------------------------------------------------------------------------------------

let saveQueued = false;
function save(): void {
  if (saveQueued || matrix === undefined) return;
  saveQueued = true;
  requestAnimationFrame(() => {
    saveQueued = false;
    if (matrix !== undefined) host.save(snapshot(matrix));
  });
}

function snapshot(m: AccessMatrix): MatrixPageState {
  return {
    org: m.org,
    filter,
    pending: m.pendingEntries(),
    scrollTop: scroller.scrollTop,
    scrollLeft: scroller.scrollLeft,
    focus: { row: active.r, column: active.c },
  };
}
