import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Commands, Settings, Submenus, Views } from '../../src/constants';

const root = join(__dirname, '..', '..', '..');
interface Manifest {
  engines: { vscode: string };
  contributes: {
    commands: { command: string; title: string; category?: string }[];
    views: Record<string, { id: string }[]>;
    submenus: { id: string; label: string }[];
    menus: Record<string, { command?: string; submenu?: string; when?: string; group?: string }[]>;
  };
  menus?: unknown;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Manifest;
const nls = JSON.parse(readFileSync(join(root, 'package.nls.json'), 'utf8')) as Record<string, string>;

void test('package.json commands equal the registered command set', () => {
  const declared = pkg.contributes.commands.map((c) => c.command).sort();
  assert.deepEqual(declared, Object.values(Commands).sort());
  for (const c of pkg.contributes.commands) assert.equal(c.category, 'Quay', `${c.command} has category Quay`);
});

void test('submenus equal the constants, each is used and has entries, and every menu entry names a known command', () => {
  const ids = pkg.contributes.submenus.map((s) => s.id).sort();
  assert.deepEqual(ids, Object.values(Submenus).sort());
  const known = new Set<string>(ids);
  const commands = new Set<string>(Object.values(Commands));
  const entries = Object.values(pkg.contributes.menus).flat();
  for (const id of ids) {
    assert.ok(entries.some((e) => e.submenu === id), `${id} is shown in a menu`);
    assert.ok((pkg.contributes.menus[id]?.length ?? 0) > 0, `${id} has entries`);
  }
  for (const e of entries) assert.ok(e.submenu !== undefined ? known.has(e.submenu) : commands.has(e.command ?? ''), `menu entry ${JSON.stringify(e)}`);
});

void test('every %key% of the manifest has an English string', () => {
  const keys = [...JSON.stringify(pkg).matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]);
  assert.ok(keys.length > 10);
  for (const k of keys) assert.ok(nls[k] !== undefined, `package.nls.json lacks ${k}`);
});

void test('the view ids match constants and the engine loads in code-server 4.100 (VS Code 1.100)', () => {
  assert.deepEqual(pkg.contributes.views[Views.container]?.map((v) => v.id), [Views.registry]);
  assert.equal(pkg.engines.vscode, '^1.100.0');
  assert.equal(pkg.devDependencies['@types/vscode'], '1.100.0');
});

void test('no archived or replaced dependency: keytar, js-yaml, @vscode/webview-ui-toolkit', () => {
  const all = { ...pkg.dependencies, ...pkg.devDependencies };
  for (const banned of ['keytar', 'js-yaml', '@vscode/webview-ui-toolkit']) assert.equal(all[banned], undefined, banned);
  assert.match(pkg.dependencies.undici ?? '', /^\^7\./);
  assert.ok(pkg.dependencies.yaml !== undefined);
});

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

void test('src/core never imports vscode (it is tested in plain Node)', () => {
  const offenders = walk(join(root, 'src', 'core'))
    .filter((f) => f.endsWith('.ts'))
    .filter((f) => /(?:from\s+['"]vscode['"]|require\(\s*['"]vscode['"]\s*\)|import\(\s*['"]vscode['"]\s*\))/.test(readFileSync(f, 'utf8')));
  assert.deepEqual(offenders, []);
});

// Security review 2026-12, finding 2: a repository's .vscode/settings.json chose the kubectl the extension ran
// (and could hide usages from a rotation), even in Restricted Mode.
void test('a workspace cannot choose the kubectl program, and its rotation excludes are ignored when untrusted', () => {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    capabilities: { untrustedWorkspaces: { supported: string; restrictedConfigurations?: string[] } };
    contributes: { configuration: { properties: Record<string, { scope?: string }> } };
  };
  const props = manifest.contributes.configuration.properties;
  const key = (setting: string): string => `${Settings.section}.${setting}`;
  assert.equal(props[key(Settings.kubectlPath)]?.scope, 'machine', 'quay.kubectl.path is a user (machine) setting only');
  assert.equal(props[key(Settings.rotationExclude)]?.scope, 'window');
  assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
  const restricted = manifest.capabilities.untrustedWorkspaces.restrictedConfigurations ?? [];
  for (const setting of [Settings.kubectlPath, Settings.rotationExclude]) assert.ok(restricted.includes(key(setting)), `${key(setting)} is in restrictedConfigurations`);
  for (const setting of restricted) assert.ok(props[setting] !== undefined, `${setting} is a declared setting`);
  assert.match(nls['capabilities.untrustedWorkspaces'] ?? '', /runs no kubectl/);
});
