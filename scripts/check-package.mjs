// Packages the .vsix the way `npm run package` does and checks what it ships: the bundle, the manifest,
// media and docs — never sources, tests, maps, node_modules or anything that could hold a token.
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { VSCE_FILES } from './package.mjs';

// vsce prints its warnings on stdout; any warning fails the check (package.json's `package` script silences one on
// purpose, the missing `repository` field: the project has no public repository URL yet).
const packaged = spawnSync('npm', ['run', '--silent', 'package'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const warnings = `${packaged.stdout}\n${packaged.stderr}`.split('\n').filter((l) => /\bWARNING\b/.test(l));
if (packaged.status !== 0 || warnings.length > 0) {
  console.error(`npm run package: exit ${String(packaged.status)}\n${warnings.join('\n')}\n${packaged.stderr}`);
  process.exit(1);
}
const files = execFileSync('npx', ['vsce', 'ls', ...VSCE_FILES], { encoding: 'utf8' }).split('\n').filter(Boolean);
const forbidden = files.filter((f) => /^(src|test|scripts|out|node_modules|\.cache|\.ci)\/|\.map$|\.ts$/.test(f));
// Each webview page ships as webview-ui/dist/<page>.js + .css (scripts/build.mjs).
const pages = readdirSync('webview-ui/src/pages').filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3));
const required = ['package.json', 'dist/extension.js', 'dist/undici.js', 'media/quay.svg', 'media/icon.png', 'dist/README.md', 'CHANGELOG.md', ...pages.flatMap((p) => [`webview-ui/dist/${p}.js`, `webview-ui/dist/${p}.css`])];
const missing = required.filter((r) => !files.includes(r));
console.log(`quay-robots.vsix ships ${files.length} files: ${files.join(', ')}`);
if (forbidden.length > 0 || missing.length > 0) {
  console.error(`package check failed: forbidden ${JSON.stringify(forbidden)}, missing ${JSON.stringify(missing)}`);
  process.exit(1);
}
