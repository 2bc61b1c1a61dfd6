import { test } from 'node:test';
import assert from 'node:assert/strict';
import { entryDisplay } from '../../../src/core/federation/display';
import { hasControlChars, visibleText } from '../../../src/core/serverText';

void test('visibleText leaves ordinary text alone and writes control characters as escapes on one line', () => {
  for (const s of ['system:serviceaccount:prod:puller', 'repo:acme/app:ref:refs/heads/main', 'C:\\path with spaces', 'ünïcødé ✓']) {
    assert.equal(hasControlChars(s), false, s);
    assert.equal(visibleText(s), s);
  }
  assert.equal(visibleText('puller\ntouch ~/PWNED #'), 'puller\\ntouch ~/PWNED #');
  assert.equal(visibleText('a\r\nb\tc'), 'a\\r\\nb\\tc');
  assert.equal(visibleText('esc\u001b[31m red'), 'esc\\u001b[31m red');
  assert.equal(visibleText('nul\u0000 del\u007f nel\u0085 ls\u2028 rlo\u202e lri\u2066'), 'nul\\u0000 del\\u007f nel\\u0085 ls\\u2028 rlo\\u202e lri\\u2066');
  // With a control character present, a backslash is doubled: a real line break and the two characters \n differ.
  assert.equal(visibleText('a\\nb\n'), 'a\\\\nb\\n');
  assert.notEqual(visibleText('a\\nb\n'), visibleText('a\nb\n'));
});

void test('entryDisplay: the tree row of a trust entry shows control characters escaped, behind a warning', () => {
  assert.deepEqual(entryDisplay({ issuer: 'https://kc.example/realms/r', subject: 'system:serviceaccount:prod:puller' }), {
    label: 'system:serviceaccount:prod:puller',
    description: 'https://kc.example/realms/r',
  });
  const hostile = entryDisplay({ issuer: 'https://kc.example/realms/r', subject: 'system:serviceaccount:prod:puller\ntouch ~/PWNED #' });
  assert.equal(hostile.label, 'system:serviceaccount:prod:puller\\ntouch ~/PWNED #');
  assert.equal(hostile.description, '⚠ contains control characters (shown escaped) · https://kc.example/realms/r');
  assert.equal(hostile.warning, 'contains control characters (shown escaped)');
  const issuer = entryDisplay({ issuer: 'https://kc.example\r\n/realms/r', subject: 'sub' }, 'enthält Steuerzeichen');
  assert.equal(issuer.label, 'sub');
  assert.equal(issuer.description, '⚠ enthält Steuerzeichen · https://kc.example\\r\\n/realms/r');
  for (const text of [hostile.label, hostile.description, issuer.description]) assert.equal(hasControlChars(text), false);
});
