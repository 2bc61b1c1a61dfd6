// Packages the .vsix the way `npm run package` does and checks what it ships: the bundle, the manifest,
// media and docs — never sources, tests, maps, node_modules or anything that could hold a token.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

execFileSync('npm', ['run', '--silent', 'package'], { stdio: ['ignore', 'ignore', 'inherit'] });
const files = execFileSync('npx', ['vsce', 'ls', '--no-dependencies'], { encoding: 'utf8' }).split('\n').filter(Boolean);
const forbidden = files.filter((f) => /^(src|test|scripts|out|node_modules|\.cache|\.ci)\/|\.map$|\.ts$/.test(f));
// Each webview page ships as webview-ui/dist/<page>.js + .css (scripts/build.mjs).
const pages = readdirSync('webview-ui/src/pages').filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3));
const required = ['package.json', 'dist/extension.js', 'dist/undici.js', 'media/quay.svg', 'media/icon.png', 'README.md', 'CHANGELOG.md', ...pages.flatMap((p) => [`webview-ui/dist/${p}.js`, `webview-ui/dist/${p}.css`])];
const missing = required.filter((r) => !files.includes(r));
console.log(`quay-robots.vsix ships ${files.length} files: ${files.join(', ')}`);
if (forbidden.length > 0 || missing.length > 0) {
  console.error(`package check failed: forbidden ${JSON.stringify(forbidden)}, missing ${JSON.stringify(missing)}`);
  process.exit(1);
}
