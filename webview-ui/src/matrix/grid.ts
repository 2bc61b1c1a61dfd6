// The access matrix page's grid logic without the DOM (webview-ui/src/pages/matrix.ts draws it): cells of the filtered
// view, the selected range, keyboard moves and the counts line. Plain TypeScript, unit-tested in Node.
import type { AccessMatrix } from '../../../src/core/matrix/accessMatrix';
import type { Role } from '../../../src/core/quay/types';
import { splitRobotName } from '../../../src/core/robotName';

/** A cell of the filtered view: `r` indexes `view.rows`, `c` indexes `view.columns`. */
export interface Cell {
  readonly r: number;
  readonly c: number;
}

/** The filtered view: indexes into the matrix's rows and repositories. */
export interface GridView {
  readonly rows: readonly number[];
  readonly columns: readonly number[];
}

export interface CellRange {
  readonly r0: number;
  readonly r1: number;
  readonly c0: number;
  readonly c1: number;
}

/** The cell moved inside the view. */
export function clampCell(cell: Cell, view: GridView): Cell {
  return { r: Math.max(0, Math.min(cell.r, view.rows.length - 1)), c: Math.max(0, Math.min(cell.c, view.columns.length - 1)) };
}

/** The rectangle between the anchor and the active cell. */
export function selectionRange(anchor: Cell, active: Cell): CellRange {
  return { r0: Math.min(anchor.r, active.r), r1: Math.max(anchor.r, active.r), c0: Math.min(anchor.c, active.c), c1: Math.max(anchor.c, active.c) };
}

/** The row names and repositories of a range of the view. */
export function namesIn(matrix: AccessMatrix, view: GridView, range: CellRange): { rows: string[]; repos: string[] } {
  const rows = view.rows.slice(range.r0, range.r1 + 1).map((i) => matrix.rows[i]?.name ?? '');
  const repos = view.columns.slice(range.c0, range.c1 + 1).map((i) => matrix.repositories[i] ?? '');
  return { rows, repos };
}

/** Where a navigation key moves the active cell (`page`: rows per PageUp/PageDown), before clamping; else undefined. */
export function keyMove(key: string, ctrlKey: boolean, active: Cell, page: number, view: GridView): Cell | undefined {
  switch (key) {
    case 'ArrowUp':
      return { r: active.r - 1, c: active.c };
    case 'ArrowDown':
      return { r: active.r + 1, c: active.c };
    case 'ArrowLeft':
      return { r: active.r, c: active.c - 1 };
    case 'ArrowRight':
      return { r: active.r, c: active.c + 1 };
    case 'PageUp':
      return { r: active.r - page, c: active.c };
    case 'PageDown':
      return { r: active.r + page, c: active.c };
    case 'Home':
      return ctrlKey ? { r: 0, c: 0 } : { r: active.r, c: 0 };
    case 'End':
      return ctrlKey ? { r: view.rows.length - 1, c: view.columns.length - 1 } : { r: active.r, c: view.columns.length - 1 };
    default:
      return undefined;
  }
}

/** Keys that set the selected cells to a role (undefined: no access). */
export const ROLE_KEYS: Readonly<Record<string, Role | undefined>> = { r: 'read', w: 'write', a: 'admin', Delete: undefined, Backspace: undefined, '0': undefined };

/** "10 of 500 robots · 3 of 40 repositories" (rows: "robots", or "rows" when teams are shown). */
export function countsText(matrix: AccessMatrix, view: GridView, teams: boolean): string {
  const total = teams ? matrix.rows.length : matrix.rows.filter((r) => r.kind === 'robot').length;
  return `${view.rows.length} of ${total} ${teams ? 'rows' : 'robots'} · ${view.columns.length} of ${matrix.repositories.length} repositories`;
}

/** The grid's geometry in CSS pixels: a row's height, the header's, a column's width, the row names' column. */
export const ROW_H = 24;
export const HEAD_H = 30;
export const COL_W = 76;
export const ROWHEAD_W = 230;

/** The rows `[r0, r1)` and columns `[c0, c1)` of the view that a scroll box shows (one more each way for partial cells). */
export function visibleWindow(view: GridView, box: { width: number; height: number; top: number; left: number }): CellRange {
  return {
    r0: Math.floor(box.top / ROW_H),
    r1: Math.min(view.rows.length, Math.ceil((box.top + box.height - HEAD_H) / ROW_H) + 1),
    c0: Math.floor(box.left / COL_W),
    c1: Math.min(view.columns.length, Math.ceil((box.left + box.width - ROWHEAD_W) / COL_W) + 1),
  };
}

/** Whether a cell is inside a range (ends included). */
export function inRange(range: CellRange, r: number, c: number): boolean {
  return r >= range.r0 && r <= range.r1 && c >= range.c0 && c <= range.c1;
}

/** A row's name as its header shows it: a team with "team", a robot without its namespace. */
export function rowLabel(row: { readonly kind: string; readonly name: string }): string {
  return row.kind === 'team' ? `team ${row.name}` : splitRobotName(row.name).shortName;
}

/** For the E2E: "N drawings, median X ms, slowest Y ms" over the last 500 drawing times. */
export function drawStats(times: readonly number[]): string {
  const sorted = [...times.slice(-500)].sort((a, b) => a - b);
  return `${times.length} drawings, median ${(sorted[sorted.length >> 1] ?? 0).toFixed(1)} ms, slowest ${(sorted[sorted.length - 1] ?? 0).toFixed(1)} ms`;
}

/** The scroll position that brings a cell into view (below the header, right of the row names), moving as little as it can. */
export function scrollToShow(cell: Cell, box: { width: number; height: number; top: number; left: number }): { top: number; left: number } {
  const y = cell.r * ROW_H;
  const x = cell.c * COL_W;
  const h = box.height - HEAD_H;
  const w = box.width - ROWHEAD_W;
  const top = y < box.top ? y : y + ROW_H > box.top + h ? y + ROW_H - h : box.top;
  const left = x < box.left ? x : x + COL_W > box.left + w ? x + COL_W - w : box.left;
  return { top, left };
}
