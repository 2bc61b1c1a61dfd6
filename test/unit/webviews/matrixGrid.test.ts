import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AccessMatrix, NO_FILTER } from '../../../src/core/matrix/accessMatrix';
import { clampCell, countsText, drawStats, inRange, keyMove, namesIn, rowLabel, scrollToShow, selectionRange, visibleWindow } from '../../../webview-ui/src/matrix/grid';

const matrix = new AccessMatrix({
  org: 'acme',
  repositories: ['api', 'db', 'web'],
  rows: [
    { kind: 'robot', name: 'acme+ci', grants: [['api', 'write']] },
    { kind: 'robot', name: 'acme+idle', grants: [] },
    { kind: 'team', name: 'owners', grants: [['db', 'admin']] },
  ],
});

void test('the selection is the rectangle between anchor and active cell, and names its rows and repositories', () => {
  const view = matrix.filter({ ...NO_FILTER, teams: true });
  const range = selectionRange({ r: 2, c: 0 }, { r: 1, c: 1 });
  assert.deepEqual(range, { r0: 1, r1: 2, c0: 0, c1: 1 });
  assert.deepEqual(namesIn(matrix, view, range), { rows: ['acme+idle', 'owners'], repos: ['api', 'db'] });
  assert.equal(inRange(range, 2, 1), true);
  assert.equal(inRange(range, 0, 1), false);
  assert.deepEqual(clampCell({ r: 9, c: -1 }, view), { r: 2, c: 0 });
});

void test('navigation keys move the active cell; other keys do not', () => {
  const view = { rows: [0, 1, 2, 3, 4], columns: [0, 1, 2] };
  assert.deepEqual(keyMove('ArrowDown', false, { r: 1, c: 1 }, 3, view), { r: 2, c: 1 });
  assert.deepEqual(keyMove('PageUp', false, { r: 4, c: 1 }, 3, view), { r: 1, c: 1 });
  assert.deepEqual(keyMove('End', true, { r: 1, c: 1 }, 3, view), { r: 4, c: 2 });
  assert.deepEqual(keyMove('Home', false, { r: 3, c: 2 }, 3, view), { r: 3, c: 0 });
  assert.equal(keyMove('r', false, { r: 1, c: 1 }, 3, view), undefined);
});

void test('counts, row labels and drawing statistics read as the page shows them', () => {
  assert.equal(countsText(matrix, matrix.filter({ ...NO_FILTER, teams: false }), false), '2 of 2 robots · 3 of 3 repositories');
  assert.equal(countsText(matrix, { rows: [2], columns: [1] }, true), '1 of 3 rows · 1 of 3 repositories');
  assert.equal(rowLabel({ kind: 'robot', name: 'acme+ci' }), 'ci');
  assert.equal(rowLabel({ kind: 'team', name: 'owners' }), 'team owners');
  assert.equal(drawStats([3, 1, 2]), '3 drawings, median 2.0 ms, slowest 3.0 ms');
});

void test('the visible window and the scroll that reveals a cell follow the grid geometry', () => {
  const view = { rows: Array.from({ length: 100 }, (_, i) => i), columns: Array.from({ length: 50 }, (_, i) => i) };
  // 24 px rows under a 30 px header, 76 px columns right of 230 px of row names.
  assert.deepEqual(visibleWindow(view, { width: 230 + 76 * 4, height: 30 + 24 * 10, top: 48, left: 0 }), { r0: 2, r1: 13, c0: 0, c1: 5 });
  const box = { width: 230 + 76 * 4, height: 30 + 24 * 10, top: 48, left: 0 };
  assert.deepEqual(scrollToShow({ r: 0, c: 0 }, box), { top: 0, left: 0 });
  assert.deepEqual(scrollToShow({ r: 20, c: 6 }, box), { top: 21 * 24 - 240, left: 7 * 76 - 304 });
  assert.deepEqual(scrollToShow({ r: 5, c: 1 }, box), { top: 48, left: 0 });
});
