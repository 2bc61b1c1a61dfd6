import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';

/** scripts/check-imports.mjs (the lint step's layer, cycle and size check) on small fixture trees. */
const script = join(__dirname, '..', '..', '..', 'scripts', 'check-imports.mjs');

function check(files: Record<string, string>): { status: number | null; out: string } {
  const root = mkdtempSync(join(tmpdir(), 'check-imports-'));
  try {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    const r = spawnSync(process.execPath, [script, '--root', root], { encoding: 'utf8' });
    return { status: r.status, out: r.stdout + r.stderr };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const clean = {
  'src/core/a.ts': "import { b } from './b';\nexport const a = b + 1;\n",
  'src/core/b.ts': 'export const b = 1;\n',
  'src/views/v.ts': "import * as vscode from 'vscode';\nimport { a } from '../core/a';\nexport const v = [vscode, a];\n",
  'src/commands/c.ts': "import type { D } from '../codeActions/d';\nimport { v } from '../views/v';\nexport const c: D = { v };\n",
  'src/codeActions/d.ts': 'export interface D { readonly v: unknown }\n',
};

void test('a tree that keeps to the layers passes and says what it read', () => {
  const { status, out } = check(clean);
  assert.equal(status, 0, out);
  assert.match(out, /^check-imports: 5 files in src\/, 5 imports$/m);
  assert.match(out, /^0 import cycles/m);
  assert.match(out, /^0 imports across layers/m);
});

void test('an upward import, vscode in core, a value import of a types-only layer, a cycle and a long file each fail the check', () => {
  const { status, out } = check({
    ...clean,
    'src/core/b.ts': "import type { v } from '../views/v';\nexport const b = 1;\nexport type V = typeof v;\n",
    'src/core/e.ts': "import * as vscode from 'vscode';\nexport const e = vscode;\n",
    'src/commands/c.ts': "import { d } from '../codeActions/d';\nexport const c = d;\n",
    'src/codeActions/d.ts': "import type { c } from '../commands/c';\nexport const d = 1;\nexport type C = typeof c;\n",
    'src/host/long.ts': 'export const x = 1;\n'.repeat(401),
  });
  assert.equal(status, 1, out);
  assert.match(out, /^ {2}src\/core\/b\.ts → src\/views\/v\.ts: core may import only itself, not views$/m);
  assert.match(out, /^ {2}src\/core\/e\.ts → vscode: core never imports the editor API$/m);
  assert.match(out, /^ {2}src\/commands\/c\.ts → src\/codeActions\/d\.ts: commands imports only types from codeActions$/m);
  assert.match(out, /^ {2}src\/codeActions\/d\.ts → src\/commands\/c\.ts: codeActions may import .*, not commands$/m);
  // core/a → core/b → views/v → core/a (type imports count), and commands/c ↔ codeActions/d.
  assert.match(out, /^2 import cycles/m);
  assert.match(out, / {4}src\/core\/b\.ts → src\/views\/v\.ts\n {4}src\/views\/v\.ts → src\/core\/a\.ts/);
  assert.match(out, / {4}src\/codeActions\/d\.ts → src\/commands\/c\.ts\n {4}src\/commands\/c\.ts → src\/codeActions\/d\.ts/);
  assert.match(out, /^ {2}src\/host\/long\.ts: 401 lines \(at most 400\)$/m);
});

void test('a relative import of a file that does not exist fails the check', () => {
  const { status, out } = check({ ...clean, 'src/core/b.ts': "export { gone } from './gone';\n" });
  assert.equal(status, 1, out);
  assert.match(out, /^ {2}src\/core\/b\.ts: '\.\/gone' names no file$/m);
});
