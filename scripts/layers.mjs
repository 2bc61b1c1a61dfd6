// The layers of src/ (AGENTS.md "Layers"), read by eslint.config.mjs (per-layer `no-restricted-imports` over the
// import's text) and by scripts/check-imports.mjs (every import resolved to its file, type imports included). A layer
// may import its own files and the layers in `may` (from those in `typesOnly`, types only); `vscode: false` forbids
// the editor API. `files`: globs from the repository root; `imports`: how an import of the layer is spelled, for eslint.

/** @typedef {{ name: string, files: string[], imports: string[], may: string[], typesOnly?: string[], vscode: boolean }} Layer */

/** @type {Layer[]} */
export const LAYERS = [
  { name: 'core', files: ['src/core/**/*.ts'], imports: ['**/core/**'], may: [], vscode: false },
  // Leaves every editor layer may import: the ids shared with package.json, and the objects named outside the tree.
  { name: 'constants', files: ['src/constants.ts'], imports: ['**/constants'], may: [], vscode: true },
  { name: 'refs', files: ['src/refs.ts'], imports: ['**/refs'], may: ['core'], vscode: false },
  // The typed messages between host and pages (webview-ui/src imports it too).
  { name: 'protocol', files: ['src/webviews/protocol.ts'], imports: ['**/webviews/protocol'], may: ['core'], vscode: false },
  { name: 'host', files: ['src/host/**/*.ts'], imports: ['**/host/**'], may: ['core', 'constants', 'refs'], vscode: true },
  { name: 'views', files: ['src/views/**/*.ts'], imports: ['**/views/**'], may: ['host', 'core', 'constants', 'refs'], vscode: true },
  { name: 'codeActions', files: ['src/codeActions/**/*.ts'], imports: ['**/codeActions/**'], may: ['views', 'host', 'core', 'constants', 'refs'], vscode: true },
  {
    name: 'commands',
    files: ['src/commands/**/*.ts'],
    imports: ['**/commands/**'],
    may: ['codeActions', 'views', 'host', 'core', 'constants', 'refs', 'protocol'],
    typesOnly: ['codeActions'],
    vscode: true,
  },
  {
    name: 'webviews',
    files: ['src/webviews/**/*.ts'],
    imports: ['**/webviews/**', '!**/webviews/protocol'],
    may: ['commands', 'views', 'host', 'core', 'constants', 'refs', 'protocol'],
    vscode: true,
  },
  { name: 'cli', files: ['src/cli*.ts'], imports: ['**/cli', '**/cli[A-Z]*'], may: ['core'], vscode: false },
  {
    name: 'extension',
    files: ['src/extension.ts'],
    imports: ['**/extension'],
    may: ['core', 'constants', 'refs', 'protocol', 'host', 'views', 'codeActions', 'commands', 'webviews'],
    vscode: true,
  },
];

/** No source file in src/ is longer than this (house style: a file one can read in one sitting). */
export const MAX_LINES = 400;

/** A glob of `files` as a regular expression: `**` any folders, `*` any characters but `/`. */
function globRegExp(glob) {
  const body = glob
    .split('**/')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*'))
    .join('(?:.*/)?');
  return new RegExp(`^${body}$`);
}
const matchers = LAYERS.map((layer) => ({ layer, res: layer.files.map(globRegExp) }));

/** The layer of a repository-relative path (the first that matches, so leaves come before their folders), or undefined. */
export function layerOf(path) {
  return matchers.find((m) => m.res.some((re) => re.test(path)))?.layer;
}
