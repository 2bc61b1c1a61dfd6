// `npm run package`: the production bundle, then quay-robots.vsix. The README it ships (dist/README.md, the
// extension's readme.md in the package) has its screenshots inlined as data: URIs: VS Code's details page loads
// images from https: and data: only (its CSP), and vsce can rewrite relative links to https only given a public
// repository, which this project does not have yet (hence --allow-missing-repository; see README "Packaging").
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

export const PACKAGED_README = 'dist/README.md';
/** What `vsce ls` and `vsce package` share; the package step adds its own options. */
export const VSCE_FILES = ['--no-dependencies', '--readme-path', PACKAGED_README];

/** README.md with each `![alt](media/x.png)` as a data: URI (the only image source the details page shows offline). */
export function inlineImages(markdown, read = readFileSync) {
  return markdown.replace(/!\[([^\]]*)\]\((media\/[\w.-]+\.png)\)/g, (_, alt, file) => `![${alt}](data:image/png;base64,${read(file).toString('base64')})`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  execFileSync('node', ['scripts/build.mjs', '--production'], { stdio: 'inherit' });
  writeFileSync(PACKAGED_README, inlineImages(readFileSync('README.md', 'utf8')));
  execFileSync('npx', ['vsce', 'package', ...VSCE_FILES, '--no-rewrite-relative-links', '--allow-missing-repository', '--out', 'quay-robots.vsix'], { stdio: 'inherit' });
}
