// Bundles the extension (and later the CLI and webview apps) with esbuild. `vscode` stays external.
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: !production, minify: production, logLevel: 'warning' };

await esbuild.build({ ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] });
// The `quay-robots` CLI (package.json `bin`): the same headless planners, no editor.
await esbuild.build({ ...common, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js' });
