/**
 * Generated layouts (seeded, reproducible): every workload kind × indentation 2/3/4 × indented or kubectl-style
 * sequences × LF/CRLF × final line break or not × existing imagePullSecrets in each form × comments placed
 * at random depths, plus the edge cases found while writing the planner. Each plan must satisfy invariants.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planAddImagePullSecret } from '../../../src/core/yaml/addImagePullSecret';
import { applyEdits } from '../../../src/core/yaml/edits';
import { parseManifests } from '../../../src/core/yaml/parse';
import { checkAddPlan } from './invariants';
import { seededRandom } from '../../sandbox/util';

/**
 * Where each workload kind keeps its pod spec, written out here on purpose rather than imported from the code under
 * test (core/yaml/workloads.ts POD_SPEC_PATHS): an oracle a wrong table in the code cannot agree with.
 */
const PATHS: Record<string, string[]> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  DeploymentConfig: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
  PodTemplate: ['template', 'spec'],
};

type Existing = 'none' | 'block' | 'flow' | 'emptyFlow' | 'emptyValue' | 'null' | 'present';

function generate(r: () => number, i: number): { text: string; label: string; seqOffset: number; existing: Existing } {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const kind = pick(Object.keys(PATHS));
  const indent = pick([2, 3, 4]);
  const seqOffset = pick([0, indent]);
  const eol = pick(['\n', '\r\n']);
  const existing = pick<Existing>(['none', 'none', 'block', 'flow', 'emptyFlow', 'emptyValue', 'null', 'present']);
  const pad = (level: number): string => ' '.repeat(level * indent);
  const lines: string[] = ['apiVersion: v1', `kind: ${kind}`, 'metadata:', `${pad(1)}name: w${i}`];
  const path = PATHS[kind] ?? [];
  path.forEach((key, depth) => lines.push(`${pad(depth)}${key}:`));
  const d = path.length;
  const seq = (level: number): string => ' '.repeat(level * indent + seqOffset);
  const specLines: string[][] = [
    [`${pad(d)}containers:`, `${seq(d)}- name: c${i}`, `${seq(d)}  image: quay.io/acme/app-${i}:1`],
    [`${pad(d)}restartPolicy: Always`],
    [`${pad(d)}nodeSelector:`, `${pad(d + 1)}disk: ssd`],
  ];
  if (existing === 'block') specLines.push([`${pad(d)}imagePullSecrets:`, `${seq(d)}- name: other`]);
  if (existing === 'flow') specLines.push([`${pad(d)}imagePullSecrets: [{name: other}]`]);
  if (existing === 'emptyFlow') specLines.push([`${pad(d)}imagePullSecrets: []`]);
  if (existing === 'emptyValue') specLines.push([`${pad(d)}imagePullSecrets:`]);
  if (existing === 'null') specLines.push([`${pad(d)}imagePullSecrets: null`]);
  if (existing === 'present') specLines.push([`${pad(d)}imagePullSecrets:`, `${seq(d)}- name: quay-pull`]);
  // Shuffle the pod spec's keys.
  for (let k = specLines.length - 1; k > 0; k--) {
    const j = Math.floor(r() * (k + 1));
    [specLines[k], specLines[j]] = [specLines[j] ?? [], specLines[k] ?? []];
  }
  lines.push(...specLines.flat());
  // Comments: inline on random lines, and whole-line comments at random depths.
  const out: string[] = [];
  for (const line of lines) {
    out.push(r() < 0.15 && !line.endsWith(':') ? `${line}  # note` : line);
    if (r() < 0.15) out.push(`${' '.repeat(Math.floor(r() * (d + 2)) * indent)}# comment`);
  }
  if (r() < 0.3) out.push('status: {}');
  const body = out.join(eol);
  const text = r() < 0.2 ? body : `${body}${eol}`;
  return { text, label: `#${i} ${kind} indent=${indent} seq=${seqOffset} ${eol === '\n' ? 'LF' : 'CRLF'} existing=${existing}`, seqOffset, existing };
}

/** The new `- name: quay-pull` sits where the document puts sequence items: key column + offset, or beside `- name: other`. */
function checkLayout(text: string, seqOffset: number, existing: Existing): void {
  const plan = planAddImagePullSecret(parseManifests(text), 'quay-pull');
  if (plan.status !== 'changed' || (existing !== 'none' && existing !== 'emptyValue' && existing !== 'block')) return;
  const lines = applyEdits(text, plan.edits).split(/\r?\n/);
  const at = lines.findIndex((l) => /^ *- name: quay-pull$/.test(l));
  assert.ok(at > 0, 'a block item was added');
  const dashCol = (lines[at] ?? '').indexOf('-');
  const keyLine = lines.findIndex((l) => /^ *imagePullSecrets:$/.test(l));
  const keyCol = (lines[keyLine] ?? '').indexOf('i');
  assert.equal(dashCol, keyCol + seqOffset, 'sequence indentation follows the document');
}

void test('generated layouts satisfy the invariants', () => {
  const r = seededRandom(20261125);
  const tally = new Map<string, number>();
  for (let i = 0; i < 400; i++) {
    const { text, label, seqOffset, existing } = generate(r, i);
    let status: string;
    try {
      status = checkAddPlan(text, 'quay-pull').status;
      checkLayout(text, seqOffset, existing);
    } catch (e) {
      throw new Error(`${label}\n${text}\n${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    tally.set(status, (tally.get(status) ?? 0) + 1);
  }
  assert.equal(tally.get('refused'), undefined);
  console.log(`generated: 400 layouts, ${[...tally].map(([s, n]) => `${n} ${s}`).join(', ')}`);
});

void test('edge cases satisfy the invariants', () => {
  const cases: Record<string, string> = {
    keepChomping: 'kind: Pod\nspec:\n  containers:\n  - image: quay.io/a/b\n  script: |+\n    echo\n\n\n',
    deeperItemComment: 'kind: Pod\nspec:\n  imagePullSecrets:\n    - name: a\n      # about a\n  # spec level\n  containers: []\n',
    endMarker: 'kind: Pod\nspec:\n  containers: []\n...\n',
    crlfNoFinalBreak: 'kind: Pod\r\nspec:\r\n  containers: []',
    multiLineFlowLast: 'kind: Pod\nspec:\n  containers: [\n    {image: quay.io/a/b}\n  ]\n',
    emptyValueThenComment: 'kind: Pod\nspec:\n  imagePullSecrets:\n  # none yet\n  containers: []\n',
    tabInBlockScalar: 'kind: Pod\nspec:\n  containers: []\n  x: |\n    a\tb\n',
    tilde: 'kind: Pod\nspec:\n  imagePullSecrets: ~\n',
    anchoredSpec: 'kind: Pod\nspec: &s\n  containers: []\n',
    emptySeqItem: 'kind: Pod\nspec:\n  imagePullSecrets:\n  -\n  containers: []\n',
    indentedDocument: '---\n  kind: Pod\n  spec:\n    containers: []\n',
    flowServiceAccount: '{kind: ServiceAccount, metadata: {name: x}}\n',
    commentAtColumn0: 'kind: Pod\nspec:\n  containers: []\n# trailing\n---\nkind: Pod\nspec: {}\n',
  };
  for (const [name, text] of Object.entries(cases)) {
    try {
      assert.equal(checkAddPlan(text, 'quay-pull').status, 'changed');
    } catch (e) {
      throw new Error(`${name}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  }
});
