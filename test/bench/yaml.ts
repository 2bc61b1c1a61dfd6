/**
 * YAML planner benchmark: a generated 10,000-line manifest file of 500 documents (Deployments, StatefulSets,
 * CronJobs, Pods, ServiceAccounts, Services, ConfigMaps, pull Secrets; images on quay.io), and the work the
 * editor does on it, each measured from the text, median of 30 runs after warm-up:
 * - code actions from scratch: parse + the file's image pulls + the add-imagePullSecret plan under a cursor;
 * - diagnostics from scratch: parse + diagnoseDocument over the whole file, on this file (the quick reader reads
 *   most documents) and on the same file with an anchor in every document (it reads none: the whole-file path);
 * - after a one-line edit, and a code-action request on the parse the editor already holds for the version;
 * - every document parsed, and diagnostics read from such a parse by the finders;
 * against the floor: one `parseAllDocuments` of the same text. Targets: ≤ 3× the floor and < 50 ms; every row
 * is judged. "Parse" is lazy (parse.ts): documents are parsed when asked for; diagnostics read the documents of
 * the usual shape with the quick reader (scan.ts) and parse, of the others, only those that may hold an image
 * on a configured host, a ServiceAccount or a pull Secret (facts.ts).
 *
 * The baseline here is the parser itself (what any YAML tool pays to read the file), measured in the same run.
 */
import { performance } from 'node:perf_hooks';
import { parseAllDocuments } from 'yaml';
import { pullSecretManifest } from '../../src/core/k8s/manifests';
import { planAddImagePullSecret } from '../../src/core/yaml/addImagePullSecret';
import { diagnoseDocument } from '../../src/core/yaml/diagnostics';
import { scannedFacts } from '../../src/core/yaml/facts';
import { imagePulls } from '../../src/core/yaml/pullCredentials';
import { parseManifests } from '../../src/core/yaml/parse';
import { scanDocument } from '../../src/core/yaml/scan';
import type { ParsedManifests } from '../../src/core/yaml/parse';
import { findWorkloads } from '../../src/core/yaml/workloads';
import { median } from './report';

const DOCUMENTS = 500;
const TARGET_LINES = 10_000;
const ITERATIONS = 30;
const WARMUP = 5;

function deployment(i: number, kind: 'Deployment' | 'StatefulSet'): string[] {
  return [
    'apiVersion: apps/v1',
    `kind: ${kind}`,
    'metadata:',
    `  name: app-${i}`,
    `  namespace: team-${i % 7}`,
    `  labels: {app: app-${i}, tier: backend}`,
    'spec:',
    `  replicas: ${1 + (i % 3)}`,
    '  selector:',
    '    matchLabels:',
    `      app: app-${i}`,
    '  template:',
    '    metadata:',
    `      labels: {app: app-${i}}`,
    '    spec:',
    '      containers:',
    `        - name: app-${i}`,
    `          image: quay.io/acme/app-${i}:1.${i % 10}.0  # pinned`,
    '          ports:',
    '            - containerPort: 8080',
  ];
}

function cronJob(i: number): string[] {
  return [
    'apiVersion: batch/v1',
    'kind: CronJob',
    'metadata:',
    `  name: job-${i}`,
    `  namespace: team-${i % 7}`,
    'spec:',
    '  schedule: "*/15 * * * *"',
    '  jobTemplate:',
    '    spec:',
    '      template:',
    '        spec:',
    '          restartPolicy: OnFailure',
    '          imagePullSecrets:',
    '          - name: acme-ci-pull-secret',
    '          containers:',
    `          - name: job-${i}`,
    `            image: quay.io/other/job-${i}:latest`,
    '            args: ["--once"]',
  ];
}

function pod(i: number): string[] {
  return [
    '# a debugging pod',
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    `  name: debug-${i}`,
    `  namespace: team-${i % 7}`,
    'spec:',
    `  serviceAccountName: sa-${i % 7}`,
    '  containers:',
    '  - name: shell',
    '    image: quay.io/acme/toolbox:2',
    '    command: [sleep, infinity]',
  ];
}

function serviceAccount(i: number): string[] {
  return ['apiVersion: v1', 'kind: ServiceAccount', 'metadata:', `  name: sa-${i % 7}`, `  namespace: team-${i % 7}`, 'imagePullSecrets:', '  - name: acme-ci-pull-secret'];
}

function service(i: number): string[] {
  return ['apiVersion: v1', 'kind: Service', 'metadata:', `  name: app-${i}`, 'spec:', `  selector: {app: app-${i}}`, '  ports:', '    - port: 80', '      targetPort: 8080'];
}

function configMap(i: number): string[] {
  return ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', `  name: settings-${i}`, 'data:', '  LOG_LEVEL: info', `  FEATURE_${i}: "on"`];
}

/**
 * 500 documents, padded with comment lines to exactly 10,000 lines. With `anchors`, every document's metadata
 * also carries an anchored annotation (`annotations: &owner {owner: team-3}`), which the quick reader gives up
 * on: a file it can read none of.
 */
export function generateManifests(options: { anchors?: boolean } = {}): string {
  const docs: string[][] = [];
  for (let i = 0; i < DOCUMENTS; i++) {
    switch (i % 8) {
      case 0:
      case 4:
        docs.push(deployment(i, 'Deployment'));
        break;
      case 1:
        docs.push(deployment(i, 'StatefulSet'));
        break;
      case 2:
        docs.push(cronJob(i));
        break;
      case 3:
        docs.push(pod(i));
        break;
      case 5:
        docs.push(serviceAccount(i));
        break;
      case 6:
        docs.push(service(i));
        break;
      default:
        docs.push(
          i % 16 === 7
            ? pullSecretManifest({ host: 'quay.io', robot: 'acme+ci', token: 'BENCHTOKEN', scope: 'org', namespace: `team-${i % 7}`, name: 'acme-ci-pull-secret' }).split('\n')
            : configMap(i),
        );
    }
  }
  if (options.anchors === true) docs.forEach((d, i) => d.splice(d.indexOf('metadata:') + 1, 0, `  annotations: &owner {owner: team-${i % 7}}`));
  const lines = docs.reduce((n, d) => n + d.length, 0) + DOCUMENTS - 1;
  let padding = TARGET_LINES - lines;
  for (let i = 0; padding > 0; i = (i + 1) % docs.length, padding--) docs[i]?.push(`# note ${padding}`);
  return `${docs.map((d) => d.join('\n')).join('\n---\n')}\n`;
}

function measure(run: (i: number) => void): number {
  for (let i = 0; i < WARMUP; i++) run(i);
  const times: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const t0 = performance.now();
    run(i);
    times.push(performance.now() - t0);
  }
  return median(times);
}

export async function benchYaml(): Promise<string> {
  const text = generateManifests();
  const lineCount = text.split('\n').length - 1;
  // Cursor positions spread over the file (one per iteration).
  const cursors: number[] = [];
  for (let k = 0, at = 0; k < ITERATIONS + WARMUP; k++) {
    at = text.indexOf('image: quay.io', (at + 7919 * (k + 1)) % text.length);
    if (at < 0) at = text.indexOf('image: quay.io');
    cursors.push(at);
  }
  let sink = 0;
  const floor = measure(() => {
    sink += parseAllDocuments(text).length;
  });
  const parseAll = measure(() => {
    sink += parseManifests(text).documents.length;
  });
  const hosts = ['quay.io'];
  // What the code-action provider does for a quick fix: every image pull of the file (to match the diagnostic),
  // then the plan for the document under the cursor.
  const codeActionRequest = (parsed: ParsedManifests, offset: number): void => {
    sink += imagePulls(parsed, hosts).length;
    const plan = planAddImagePullSecret(parsed, 'quay-pull', { target: { offset } });
    sink += plan.status === 'refused' ? 0 : plan.edits.length;
  };
  const codeActions = measure((i) => codeActionRequest(parseManifests(text), cursors[i] ?? 0));
  const diagnostics = measure(() => {
    sink += diagnoseDocument(parseManifests(text), { quayHosts: hosts }).length;
  });
  // Typing: each run edits one document (a line inserted at a cursor), re-parses from the previous version's
  // parse (what ManifestParseCache does per keystroke), then computes diagnostics and code actions.
  const versions: string[] = [];
  let current = text;
  for (let k = 0; k < ITERATIONS + WARMUP; k++) {
    const at = current.lastIndexOf('\n', cursors[k] ?? 0) + 1;
    current = `${current.slice(0, at)}# edit ${k}\n${current.slice(at)}`;
    versions.push(current);
  }
  let previous = parseManifests(text);
  diagnoseDocument(previous, { quayHosts: hosts });
  const incremental = measure((i) => {
    const version = versions[i] ?? text;
    const parsed = parseManifests(version, previous);
    previous = parsed;
    sink += diagnoseDocument(parsed, { quayHosts: hosts }).length;
    codeActionRequest(parsed, version.indexOf('image: quay.io', cursors[i] ?? 0));
  });
  // The editor's code-action request on a version whose diagnostics are done: ManifestParseCache hands the
  // provider that parse (a fresh one per run here, diagnosed before the clock starts).
  const diagnosed = Array.from({ length: ITERATIONS + WARMUP }, () => {
    const parsed = parseManifests(text);
    diagnoseDocument(parsed, { quayHosts: hosts });
    return parsed;
  });
  const warmCodeActions = measure((i) => codeActionRequest(diagnosed[i] ?? parseManifests(text), cursors[i] ?? 0));
  // Diagnostics when every document is already parsed: the finders read the parse, the quick reader is not used.
  const parsedAll = parseManifests(text);
  const workloads = findWorkloads(parsedAll).length;
  const warmDiagnostics = measure(() => {
    sink += diagnoseDocument(parsedAll.withoutFindings(), { quayHosts: hosts }).length;
  });
  // The same file with an anchor in every document: the quick reader reads none, so diagnostics parse every
  // document that may matter to them (an image on a configured host, a ServiceAccount, a pull Secret).
  const anchored = generateManifests({ anchors: true });
  const anchoredFloor = measure(() => {
    sink += parseAllDocuments(anchored).length;
  });
  const anchoredDiagnostics = measure(() => {
    sink += diagnoseDocument(parseManifests(anchored), { quayHosts: hosts }).length;
  });
  /** Documents the quick reader reads (the rest need the parse), and documents diagnostics parse, on a fresh parse of `t`. */
  const census = (t: string) => {
    const p = parseManifests(t);
    let readable = 0;
    for (let i = 0; i < p.documentCount; i++) {
      const span = p.unparsedSpan(i);
      const scanned = span === undefined ? undefined : scanDocument(t, span.start, span.end);
      if (scanned !== undefined && scannedFacts(scanned, i) !== undefined) readable++;
    }
    const count = diagnoseDocument(p, { quayHosts: hosts }).length;
    let parsed = 0;
    for (let i = 0; i < p.documentCount; i++) if (p.unparsedSpan(i) === undefined) parsed++;
    return { documents: p.documentCount, readable, parsed, diagnostics: count };
  };
  const plain = census(text);
  const anchors = census(anchored);
  if (plain.diagnostics !== anchors.diagnostics) throw new Error('yaml bench: the anchored file gives other diagnostics');
  await Promise.resolve();

  const rows: [string, number, number][] = [
    ['parseAllDocuments (floor)', floor, floor],
    ['every document parsed (parseManifests, CST kept, LineCounter)', parseAll, floor],
    ['code actions from scratch: parse + image pulls + plan at cursor', codeActions, floor],
    ['diagnostics from scratch: quick reader + parse of the rest', diagnostics, floor],
    ['diagnostics from scratch, quick reader reads none (anchored file)', anchoredDiagnostics, anchoredFloor],
    ['after a one-line edit: incremental parse + diagnostics + code actions', incremental, floor],
    ['code actions on the open document (parse shared with diagnostics)', warmCodeActions, floor],
    ['diagnostics with every document parsed (finders, no quick reader)', warmDiagnostics, floor],
  ];
  const verdict = (ms: number, base: number): string => `${ms <= 3 * base ? 'ratio ok' : 'ratio OVER'}, ${ms < 50 ? '< 50 ms ok' : '≥ 50 ms MISSED'}`;
  const width = Math.max(...rows.map((r) => r[0].length));
  const out = [
    `YAML planners — ${lineCount} lines, ${plain.documents} documents, ${workloads} pod specs/ServiceAccounts, ${plain.diagnostics} diagnostics; median of ${ITERATIONS} runs (${WARMUP} warm-up), Node ${process.version}`,
    `quick reader: reads ${plain.readable} of ${plain.documents} documents (diagnostics parse ${plain.parsed}); anchored file (an anchor in every document, floor ${anchoredFloor.toFixed(2)} ms): reads ${anchors.readable} (diagnostics parse ${anchors.parsed})`,
    `${'operation'.padEnd(width)}  median ms  × floor  target ≤ 3× floor and < 50 ms`,
    ...rows.map(([name, ms, base], i) => `${name.padEnd(width)}  ${ms.toFixed(2).padStart(9)}  ${(ms / base).toFixed(2).padStart(7)}  ${i === 0 ? '—' : verdict(ms, base)}`),
  ];
  if (sink < 0) out.push(String(sink));
  return out.join('\n');
}

if (require.main === module) {
  benchYaml().then(
    (s) => console.log(s),
    (e: unknown) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
