// Bundles the extension, the CLI and the webview pages with esbuild. `vscode` stays external.
// With --production (what `npm run package` runs) it prints the webview bundle's size and fails above the budget.
import * as esbuild from 'esbuild';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const production = process.argv.includes('--production');
const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: !production, minify: production, logLevel: 'warning' };

// undici (half of the code) goes to dist/undici.js, loaded by the first request (core/quay/dispatcher.ts `loadUndici`)
// rather than with the extension: activation loads only dist/extension.js.
// `import('undici')` resolves to a stand-in that requires the file at that moment (esbuild would keep an external
// `import()`, which VS Code's extension host need not support from a CommonJS extension).
const undiciApart = {
  name: 'undici-apart',
  setup: (b) => {
    b.onResolve({ filter: /^undici$/ }, () => ({ path: 'undici', namespace: 'undici-apart' }));
    b.onResolve({ filter: /^\.\/undici\.js$/ }, () => ({ path: './undici.js', external: true }));
    b.onLoad({ filter: /.*/, namespace: 'undici-apart' }, () => ({ contents: "module.exports = require('./undici.js');", loader: 'js' }));
  },
};
// `import * as vscode from 'vscode'` in each of ~80 modules would copy the whole API object into a namespace per
// module when the bundle loads (esbuild's __toESM of an external): about half of the bundle's load time. One
// module re-exports the API's values once (the names @types/vscode declares), and every import shares it.
const vscodeNames = [...new Set([...readFileSync('node_modules/@types/vscode/index.d.ts', 'utf8').matchAll(/^\t(?:export )?(?:class|enum|namespace|function|const|let) (\w+)/gm)].map((m) => m[1]))];
const vscodeOnce = {
  name: 'vscode-once',
  setup: (b) => {
    b.onResolve({ filter: /^vscode$/ }, (args) => (args.namespace === 'vscode-once' ? { path: 'vscode', external: true } : { path: 'vscode', namespace: 'vscode-once' }));
    b.onLoad({ filter: /.*/, namespace: 'vscode-once' }, () => ({ contents: `const api = require('vscode');\nexport const { ${vscodeNames.join(', ')} } = api;\n`, loader: 'js' }));
  },
};
await esbuild.build({ ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'], plugins: [undiciApart, vscodeOnce] });
await esbuild.build({ ...common, entryPoints: ['node_modules/undici/index.js'], outfile: 'dist/undici.js' });
// The `quay-robots` CLI (package.json `bin`): the same headless planners, no editor.
await esbuild.build({ ...common, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js' });
// The rotation finder's reader thread (src/core/rotation/readerPool.ts loads it beside the bundle that runs it).
await esbuild.build({ ...common, entryPoints: ['src/core/rotation/readerWorker.ts'], outfile: 'dist/readerWorker.js' });

// The webview pages (webview-ui/): one entry per page, `webview-ui/src/pages/<name>.ts` → `webview-ui/dist/<name>.js`
// and `<name>.css`; code shared by pages (Lit, @vscode-elements/elements) goes to chunks both import.
const WEBVIEW_OUT = 'webview-ui/dist';
const WEBVIEW_BUDGET = 200 * 1024;
const pages = readdirSync('webview-ui/src/pages').filter((f) => f.endsWith('.ts')).map((f) => join('webview-ui/src/pages', f));
rmSync(WEBVIEW_OUT, { recursive: true, force: true });
await esbuild.build({
  entryPoints: pages,
  outdir: WEBVIEW_OUT,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'browser',
  target: 'chrome120',
  chunkNames: 'chunk-[hash]',
  minify: production,
  sourcemap: !production,
  logLevel: 'warning',
});
if (production) {
  const files = readdirSync(WEBVIEW_OUT).filter((f) => /\.(js|css)$/.test(f));
  const sizes = files.map((f) => [f, statSync(join(WEBVIEW_OUT, f)).size]);
  const total = sizes.reduce((sum, [, size]) => sum + size, 0);
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  console.log(`webview bundle: ${kb(total)} minified (budget ${kb(WEBVIEW_BUDGET)}): ${sizes.map(([f, s]) => `${f} ${kb(s)}`).join(', ')}`);
  if (total > WEBVIEW_BUDGET) {
    console.error(`webview bundle over budget by ${kb(total - WEBVIEW_BUDGET)}`);
    process.exit(1);
  }
}
