import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyEdits, singleEdit } from '../../src/core/yaml/edits';

void test('singleEdit replaces only the span between the common prefix and suffix, and applying it gives the target', () => {
  const cases: [string, string][] = [
    ['a: 1\nb: 2\n', 'a: 1\nx: 9\nb: 2\n'],
    ['a: 1\r\nb: 2\r\n', 'a: 1\r\nb: 2\r\n---\r\nc: 3\r\n'],
    ['same', 'same'],
    ['', 'new'],
    ['old', ''],
    ['x: "\u{1F600}"\n', 'x: "\u{1F601}"\n'],
  ];
  for (const [before, after] of cases) {
    const e = singleEdit(before, after);
    assert.equal(applyEdits(before, [e]), after, JSON.stringify([before, after]));
    // Never inside a CRLF or a surrogate pair.
    for (const i of [e.offset, e.offset + e.length]) {
      assert.ok(!(before[i - 1] === '\r' && before[i] === '\n'), `CRLF split at ${i}`);
      const c = before.charCodeAt(i);
      assert.ok(!(c >= 0xdc00 && c <= 0xdfff), `surrogate split at ${i}`);
    }
  }
  assert.deepEqual(singleEdit('a: 1\nb: 2\n', 'a: 1\nx: 9\nb: 2\n'), { offset: 5, length: 0, text: 'x: 9\n' });
});
