// `npm run lint` (after eslint): the import graph of src/, every import resolved to its file, type imports
// included. Fails (exit 1) on an import a layer may not make (scripts/layers.mjs, AGENTS.md "Layers"), on any
// import cycle (Tarjan's strongly connected components), and on a src/**/*.ts file over MAX_LINES lines.
// Prints what it found: files, edges, and every violation, cycle and oversized file.
//
// `node scripts/check-imports.mjs [--root DIR]`: DIR (default: the repository) holds the src/ tree to check;
// test/unit/checkImports.test.ts runs it on small fixture trees.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { layerOf, MAX_LINES } from './layers.mjs';

const rootAt = process.argv.indexOf('--root');
const root = rootAt === -1 ? resolve(dirname(fileURLToPath(import.meta.url)), '..') : resolve(process.argv[rootAt + 1]);

/** Repository-relative, forward slashes. */
const rel = (abs) => relative(root, abs).split(sep).join('/');

function sourceFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** The file a relative specifier names (`./x` → x.ts or x/index.ts), or undefined. */
function resolveRelative(from, specifier) {
  const base = resolve(dirname(from), specifier.replace(/\.js$/, ''));
  return [`${base}.ts`, join(base, 'index.ts')].find((p) => existsSync(p));
}

const files = sourceFiles(join(root, 'src'));
/** file → [{ to, specifier, typeOnly }]; `to` is a repository-relative file or, for a package, the specifier. */
const graph = new Map();
const problems = { layers: [], unresolved: [], cycles: [], oversized: [] };
let edgeCount = 0;

/** The imports of a file: `import` and `export … from` statements (with whether they import types only), and
 * whatever else the compiler's pre-processor finds (a dynamic `import()`), counted as value imports. */
function importsOf(abs, text) {
  const source = ts.createSourceFile(abs, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const found = new Map();
  const add = (specifier, typeOnly) => found.set(specifier, (found.get(specifier) ?? true) && typeOnly);
  for (const s of source.statements) {
    if (ts.isImportDeclaration(s) && ts.isStringLiteral(s.moduleSpecifier)) {
      const clause = s.importClause;
      const named = clause?.namedBindings !== undefined && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : undefined;
      const typeOnly = clause !== undefined && (clause.isTypeOnly || (clause.name === undefined && named !== undefined && named.length > 0 && named.every((e) => e.isTypeOnly)));
      add(s.moduleSpecifier.text, typeOnly);
    } else if (ts.isExportDeclaration(s) && s.moduleSpecifier !== undefined && ts.isStringLiteral(s.moduleSpecifier)) {
      add(s.moduleSpecifier.text, s.isTypeOnly);
    }
  }
  for (const { fileName } of ts.preProcessFile(text, true, true).importedFiles) if (!found.has(fileName)) add(fileName, false);
  return found;
}

for (const abs of files) {
  const text = readFileSync(abs, 'utf8');
  const from = rel(abs);
  const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
  if (lines > MAX_LINES) problems.oversized.push(`${from}: ${lines} lines (at most ${MAX_LINES})`);
  const edges = [];
  for (const [specifier, typeOnly] of importsOf(abs, text)) {
    if (specifier.startsWith('.')) {
      const target = resolveRelative(abs, specifier);
      if (target === undefined) problems.unresolved.push(`${from}: '${specifier}' names no file`);
      else edges.push({ to: rel(target), specifier, typeOnly });
    } else {
      edges.push({ to: specifier, specifier, typeOnly });
    }
  }
  edgeCount += edges.length;
  graph.set(from, edges);
}

// Layers: an edge from a layer to one it may not import, and `vscode` where the layer may not use the editor API.
for (const [from, edges] of graph) {
  const layer = layerOf(from);
  if (layer === undefined) continue;
  for (const { to, specifier, typeOnly } of edges) {
    if (!graph.has(to)) {
      if (specifier === 'vscode' && !layer.vscode) problems.layers.push(`${from} → vscode: ${layer.name} never imports the editor API`);
      continue;
    }
    const target = layerOf(to);
    if (target === undefined || target === layer) continue;
    if (layer.may.includes(target.name)) {
      if (layer.typesOnly?.includes(target.name) === true && !typeOnly) problems.layers.push(`${from} → ${to}: ${layer.name} imports only types from ${target.name}`);
      continue;
    }
    problems.layers.push(`${from} → ${to}: ${layer.name} may import ${layer.may.length > 0 ? layer.may.join(', ') : 'only itself'}, not ${target.name}`);
  }
}

// Cycles: Tarjan's strongly connected components over the files of src/; a component of two or more files, or a
// file importing itself, is a cycle.
{
  let next = 0;
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const visit = (v) => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const { to: w } of graph.get(v)) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v), index.get(w)));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const component = [];
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    const members = new Set(component);
    if (component.length > 1 || graph.get(v).some((e) => e.to === v)) {
      const inside = component
        .sort()
        .flatMap((f) => graph.get(f).filter((e) => members.has(e.to)).map((e) => `    ${f} → ${e.to}`));
      problems.cycles.push(`${component.length} files:\n${inside.join('\n')}`);
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
}

console.log(`check-imports: ${graph.size} files in src/, ${edgeCount} imports`);
// Which layer imports which, and how often (within a layer not counted): the table as the code uses it.
const between = new Map();
for (const [from, edges] of graph) {
  for (const { to } of edges) {
    const a = layerOf(from)?.name;
    const b = graph.has(to) ? layerOf(to)?.name : undefined;
    if (a !== undefined && b !== undefined && a !== b) between.set(`${a} → ${b}`, (between.get(`${a} → ${b}`) ?? 0) + 1);
  }
}
console.log(`imports between layers: ${[...between].sort(([x], [y]) => x.localeCompare(y)).map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}`);
const sections = [
  ['imports across layers that AGENTS.md does not allow', problems.layers],
  ['relative imports that name no file', problems.unresolved],
  ['import cycles (type imports included)', problems.cycles],
  [`files over ${MAX_LINES} lines`, problems.oversized],
];
let failed = false;
for (const [title, list] of sections) {
  console.log(`${list.length} ${title}${list.length > 0 ? ':' : ''}`);
  for (const p of list) console.log(`  ${p}`);
  failed ||= list.length > 0;
}
process.exit(failed ? 1 : 0);
