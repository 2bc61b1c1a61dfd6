/** Shared by the YAML, k8s and CLI unit tests: the repository root, the golden fixtures and the corpus. */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { TestContext } from 'node:test';

/** The folder with package.json above this file (tests run from out/, fixtures live in the source tree). */
export function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`No package.json above ${__dirname}`);
    dir = up;
  }
  return dir;
}

export const FIXTURES = join(repoRoot(), 'test', 'fixtures', 'yaml');
export const CORPUS = join(repoRoot(), '..', 'shared', 'corpus', 'kubernetes-examples');

export interface GoldenCase {
  readonly description: string;
  /** Which planner: add (default), serviceAccount, rollout, insertDocument. */
  readonly op?: 'add' | 'serviceAccount' | 'rollout' | 'insertDocument' | 'keyless' | 'vault' | 'githubLogin';
  readonly secret?: string;
  /** `cursor`: the offset of the first occurrence of this text; or a document index. */
  readonly target?: { readonly cursor: string } | { readonly documentIndex: number };
  readonly include?: 'workloads' | 'serviceAccounts' | 'all';
  readonly expect: 'changed' | 'unchanged' | 'refused';
  readonly refusal?: string;
  readonly serviceAccount?: string;
  readonly namespace?: string;
  readonly namespaces?: readonly string[];
  readonly robot?: string;
  readonly host?: string;
  readonly scope?: 'registry' | 'org';
  readonly token?: string;
  readonly after?: number;
  readonly manifest?: string;
  /** keyless / vault: the ExternalSecret version, the generator's audiences, the store and remote key. */
  readonly apiVersion?: 'v1' | 'v1beta1';
  readonly audiences?: readonly string[];
  readonly store?: { readonly kind: 'SecretStore' | 'ClusterSecretStore'; readonly name: string };
  readonly remoteKey?: string;
  readonly property?: string;
}

export interface LoadedCase {
  readonly name: string;
  readonly dir: string;
  readonly spec: GoldenCase;
  readonly input: string;
  readonly expected: string | undefined;
}

/** Read as UTF-8 without dropping a BOM (Node keeps U+FEFF at the start). */
export function readText(path: string): string {
  return readFileSync(path, 'utf8');
}

export function loadCases(): LoadedCase[] {
  return readdirSync(FIXTURES)
    .filter((name) => statSync(join(FIXTURES, name)).isDirectory())
    .sort()
    .map((name) => {
      const dir = join(FIXTURES, name);
      const spec = JSON.parse(readText(join(dir, 'case.json'))) as GoldenCase;
      const expectedPath = join(dir, 'expected.yaml');
      return {
        name,
        dir,
        spec,
        input: readText(join(dir, 'input.yaml')),
        expected: existsSync(expectedPath) ? readText(expectedPath) : undefined,
      };
    });
}

/** A file to read: its name in messages and its text. */
export interface NamedText {
  readonly name: string;
  readonly text: string;
}

/** The golden inputs, named `golden <case>`. */
export function goldenInputs(): NamedText[] {
  return loadCases().map((c) => ({ name: `golden ${c.name}`, text: c.input }));
}

/**
 * The corpus files (named by their path below CORPUS), or undefined when the corpus is missing: then the test is
 * skipped visibly with the reason. Under CI=true the corpus is always at ../shared/corpus, so a missing one fails
 * the test instead of skipping it.
 */
export function corpusFiles(t: TestContext): NamedText[] | undefined {
  if (!existsSync(CORPUS)) {
    const reason = `corpus not found at ${CORPUS} (expected ../shared/corpus/kubernetes-examples beside the repository)`;
    if (process.env.CI === 'true') assert.fail(`${reason}; with CI=true it must be there`);
    t.skip(reason);
    return undefined;
  }
  return yamlFilesUnder(CORPUS).map((file) => ({ name: relative(CORPUS, file), text: readText(file) }));
}

/** Every *.yaml / *.yml under a folder, sorted. */
export function yamlFilesUnder(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (/\.ya?ml$/i.test(entry.name)) out.push(p);
    }
  };
  walk(root);
  return out.sort();
}
