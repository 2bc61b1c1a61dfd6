// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import { LAYERS } from './scripts/layers.mjs';

/**
 * Per-layer `no-restricted-imports` from the table in scripts/layers.mjs (AGENTS.md "Layers"): the layers a layer may
 * not import, as patterns over the import's text (an editor squiggle where the import is written).
 * scripts/check-imports.mjs (run by `npm run lint` after eslint) checks the same table on the resolved files, and cycles.
 */
const layerRules = LAYERS.map((layer, i) => {
  const said = `${layer.name} may import ${layer.may.join(', ') || 'only itself'} (AGENTS.md "Layers")`;
  const patterns = LAYERS.filter((other) => other !== layer && !layer.may.includes(other.name)).map((other) => ({
    group: other.imports,
    caseSensitive: true,
    message: `${said}, not ${other.name}.`,
  }));
  for (const name of layer.typesOnly ?? []) {
    const other = LAYERS.find((l) => l.name === name);
    patterns.push({ group: other.imports, caseSensitive: true, allowTypeImports: true, message: `${layer.name} imports only types from ${name} (AGENTS.md "Layers").` });
  }
  const paths = layer.vscode ? [] : [{ name: 'vscode', message: `${layer.name} is headless: inject what you need instead.` }];
  // A file belongs to the first layer that lists it (src/webviews/protocol.ts is not a webviews file).
  const ignores = LAYERS.slice(0, i).flatMap((l) => l.files);
  return { files: layer.files, ignores, rules: { '@typescript-eslint/no-restricted-imports': ['error', { paths, patterns }] } };
});

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', '.cache/**', 'node_modules/**', 'webview-ui/dist/**', '**/*.mjs', '**/*.js'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
    },
  },
  ...layerRules,
);
