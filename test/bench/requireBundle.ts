/**
 * `node out/test/bench/requireBundle.js <bundle>`: loads the bundle once, as the extension host does before calling
 * `activate`, and prints `{"wallMs":…,"cpuMs":…}` (this process's CPU time, steadier than wall time on a loaded
 * machine). `vscode` is a stand-in: every name the API declares (@types/vscode) answers a proxy that does nothing,
 * enough for the bundle's top-level code (enum reads, `class … { static metadata = … }`).
 */
import { readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

const load = createRequire(__filename);
const declarations = readFileSync(load.resolve('@types/vscode/index.d.ts'), 'utf8');
const names = [...declarations.matchAll(/^\t(?:export )?(?:class|enum|namespace|function|const|let) (\w+)/gm)].map((m) => m[1] ?? '');
const nothing: object = new Proxy(function nothing() {}, {
  get: (_target, key) => (key === 'then' ? undefined : key === Symbol.toPrimitive ? () => '' : nothing),
  apply: () => nothing,
  construct: () => nothing,
});
const loader = Module as unknown as { _resolveFilename(request: string, ...rest: unknown[]): string };
const resolveFilename = loader._resolveFilename.bind(loader);
loader._resolveFilename = (request, ...rest) => (request === 'vscode' ? 'vscode' : resolveFilename(request, ...rest));
const standIn = new Module('vscode');
standIn.exports = Object.fromEntries(names.map((n) => [n, nothing]));
standIn.loaded = true;
load.cache.vscode = standIn;

const bundle = resolve(process.argv[2] ?? 'dist/extension.js');
const cpu = process.cpuUsage();
const started = performance.now();
load(bundle);
const wallMs = performance.now() - started;
const used = process.cpuUsage(cpu);
console.log(JSON.stringify({ wallMs, cpuMs: (used.user + used.system) / 1000 }));
