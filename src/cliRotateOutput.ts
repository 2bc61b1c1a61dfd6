/**
 * What `quay-robots rotate` prints: the plan (each place with file, line, column and encoding; each cluster Secret
 * with context and namespace; what cannot be updated; what was not searched) and the report, as text lines or as
 * the one JSON object of `--format json` (its shape is in the README, "Rotate on the command line"). The numbers and
 * words come from the engine's outcome and `core/rotation/report.ts`, as in the editor. No token is ever printed.
 */
import { isAbsolute, relative } from 'node:path';
import type { SecretMatch, SecretUpdate } from './core/k8s/clusterSecrets';
import { managedReason, problemLines, secretLabel, type ClusterScan } from './core/rotation/clusters';
import type { Applied, NotRotated } from './core/rotation/engine';
import { notScannedFiles } from './core/rotation/notScanned';
import { describeEncoding, type Usage, type WorkspaceScan } from './core/rotation/places';
import { loginLine } from './core/rotation/report';
import type { StepResult } from './core/rotation/successorPlan';
import { visibleText } from './core/serverText';

/** What the plan shows, for a rotation or a `--finish`. */
export interface PlanView {
  readonly command: 'rotate' | 'finish';
  readonly host: string;
  readonly robot: string;
  /** The robot whose token the places get (a successor's name, or the robot itself). */
  readonly newRobot: string;
  readonly scan: WorkspaceScan;
  readonly clusters?: ClusterScan;
  /** The successor's steps, in order. */
  readonly steps: readonly string[];
  /** Said in the plan: a federation read that failed, recent use of the token. */
  readonly notes: readonly string[];
}

/** `dir/file` under the working folder, else the absolute path. */
export function displayPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

const placeJson = (u: Usage, cwd: string): Record<string, unknown> => ({
  file: displayPath(u.file, cwd),
  line: u.usage.line,
  column: u.usage.column,
  encoding: u.usage.encoding,
  ...(u.usage.inner !== undefined ? { inner: u.usage.inner } : {}),
});
const secretJson = (m: SecretMatch): Record<string, unknown> => ({ context: m.context, namespace: m.namespace, name: m.name, type: m.type, registry: m.registry });
const placeText = (u: Usage, cwd: string): string => `${displayPath(u.file, cwd)}:${u.usage.line}:${u.usage.column}  ${describeEncoding(u.usage)}`;

/** The Secrets the rotation updates: those no controller manages. */
export function updatableSecrets(clusters: ClusterScan | undefined): SecretMatch[] {
  return (clusters?.matches ?? []).filter((m) => m.managedBy === null);
}

/** What the rotation cannot update, each with where and why (the same lists as the editor's plan). */
export function notUpdatable(v: PlanView, cwd: string): { place: string; reason: string }[] {
  return [
    ...v.scan.nonUpdatable.map((n) => ({ place: `${displayPath(n.file, cwd)}:${n.line}`, reason: `${n.kind}${n.secretName !== undefined ? ` of Secret ${n.secretName}` : ''}: cannot be updated from here` })),
    ...v.scan.externalSecrets.map((es) => ({ place: `${displayPath(es.file, cwd)}:${es.line}`, reason: `ExternalSecret ${es.name} renders the token from a vault${es.store !== undefined ? ` (${es.store})` : ''}: update the vault, then refresh` })),
    ...(v.clusters?.matches ?? []).filter((m) => m.managedBy !== null).map((m) => ({ place: secretLabel(m), reason: managedReason(m) })),
    ...(v.clusters?.externalSecrets ?? []).map((es) => ({ place: `${es.context} · ${es.namespace}/${es.name}`, reason: `ExternalSecret renders the token from a vault${es.store !== undefined ? ` (${es.store})` : ''}: update the vault, then refresh` })),
  ];
}

/** Files, folders and clusters that were not searched, with why: they may hold the token. */
export function notSearched(v: PlanView, cwd: string): string[] {
  return [...notScannedFiles(v.scan.notScanned).map((f) => `${displayPath(f.path, cwd)}: ${f.why}`), ...(v.clusters !== undefined ? problemLines(v.clusters) : [])];
}

export function planJson(v: PlanView, cwd: string): Record<string, unknown> {
  return {
    files: v.scan.usages.map((u) => placeJson(u, cwd)),
    secrets: updatableSecrets(v.clusters).map(secretJson),
    notUpdatable: notUpdatable(v, cwd),
    notSearched: notSearched(v, cwd),
    filesScanned: v.scan.filesScanned,
    steps: v.steps,
    notes: v.notes,
  };
}

export function planText(v: PlanView, cwd: string): string[] {
  const secrets = updatableSecrets(v.clusters);
  const cannot = notUpdatable(v, cwd);
  const unsearched = notSearched(v, cwd);
  const what = v.command === 'finish' ? `Finish the rotation of ${v.robot}` : v.newRobot !== v.robot ? `Move ${v.robot} to the successor ${v.newRobot}` : `Regenerate the token of ${v.robot}`;
  return [
    `${what} on ${v.host}`,
    ...(v.steps.length > 0 ? ['', 'Successor steps:', ...v.steps.map((s, i) => `  ${i + 1}. ${s}`)] : []),
    '',
    `Files (${v.scan.usages.length} places, ${v.scan.filesScanned} files scanned):`,
    ...(v.scan.usages.length > 0 ? v.scan.usages.map((u) => `  ${placeText(u, cwd)}`) : ['  none']),
    ...(v.clusters !== undefined
      ? ['', `Cluster Secrets (${secrets.length}, contexts ${v.clusters.contexts.join(', ')}):`, ...(secrets.length > 0 ? secrets.map((m) => `  ${m.context}  ${m.namespace}/${m.name}  ${m.type} · ${m.registry}`) : ['  none'])]
      : []),
    ...(cannot.length > 0 ? ['', `Cannot be updated here (${cannot.length}):`, ...cannot.map((c) => `  ${c.place}  ${c.reason}`)] : []),
    ...(unsearched.length > 0 ? ['', `Not searched, may hold the token (${unsearched.length}):`, ...unsearched.map((s) => `  ${s}`)] : []),
    ...(v.notes.length > 0 ? ['', ...v.notes] : []),
    '',
  ];
}

/** Whether the registry logins prove the rotation: the new credentials accepted, the old token (same robot) refused. */
export function loginsProve(o: Pick<Applied, 'newLogin' | 'oldLogin'>): boolean {
  return o.newLogin.kind === 'ok' && (o.oldLogin === undefined || o.oldLogin.kind === 'refused');
}

/** Everything a rotation's report lists as left: failed places, not updatable ones, Secrets not updated. */
export function leftAfter(o: Applied, v: PlanView, cwd: string): { place: string; reason: string }[] {
  const failedSecrets = o.secrets.filter((s): s is Exclude<SecretUpdate, { outcome: 'updated' }> => s.outcome !== 'updated');
  return [
    ...o.applied.failed.map((f) => ({ place: displayPath(f.file, cwd), reason: f.reason.replace(/\s+/g, ' ').trim() })),
    ...failedSecrets.map((s) => ({ place: secretLabel(s.match), reason: `${s.outcome}: ${s.reason}` })),
    ...notUpdatable(v, cwd),
  ];
}

export function appliedJson(o: Applied, v: PlanView, cwd: string, steps: readonly StepResult[]): Record<string, unknown> {
  return {
    rotated: true,
    steps: steps.map((s) => (s.ok ? { label: s.label, ok: true } : { label: s.label, ok: false, reason: s.reason })),
    updated: {
      files: o.applied.updated.map((u) => placeJson(u, cwd)),
      secrets: o.secrets.filter((s) => s.outcome === 'updated').map((s) => ({ context: s.match.context, namespace: s.match.namespace, name: s.match.name })),
    },
    rescanned: o.applied.rescanned.map((f) => displayPath(f, cwd)),
    left: leftAfter(o, v, cwd),
    notSearched: notSearched(v, cwd),
    login: { newToken: loginLine(o.newLogin), ...(o.oldLogin !== undefined ? { oldToken: loginLine(o.oldLogin) } : {}) },
  };
}

export function appliedText(o: Applied, v: PlanView, cwd: string, steps: readonly StepResult[], summary: string): string[] {
  const left = leftAfter(o, v, cwd);
  const updatedSecrets = o.secrets.filter((s) => s.outcome === 'updated');
  return [
    summary,
    ...(steps.length > 0 ? ['', 'Steps:', ...steps.map((s) => `  ${s.ok ? '✓' : '✗'} ${s.label}${s.ok ? '' : `: ${s.reason}`}`)] : []),
    '',
    `Updated (${o.applied.updated.length + updatedSecrets.length}):`,
    ...o.applied.updated.map((u) => `  ${placeText(u, cwd)}`),
    ...updatedSecrets.map((s) => `  ${secretLabel(s.match)}`),
    ...o.applied.rescanned.map((f) => `  ${displayPath(f, cwd)} changed after the plan: scanned again and edited on its current text`),
    ...(left.length > 0 ? ['', `Left (${left.length}):`, ...left.map((l) => `  ${l.place}  ${l.reason}`)] : []),
    '',
    'Registry login:',
    `  ${o.pending.newUser} with the new token: ${loginLine(o.newLogin)}`,
    ...(o.oldLogin !== undefined ? [`  ${o.pending.oldUser} with the old token: ${loginLine(o.oldLogin)}`] : []),
    '',
  ];
}

export function notRotatedJson(o: NotRotated, message: string): Record<string, unknown> {
  return {
    rotated: false,
    error: message,
    oldTokenWorks: o.oldTokenWorks,
    ...(o.oldLogin !== undefined ? { login: { oldToken: loginLine(o.oldLogin) } } : {}),
    steps: o.steps.map((s) => (s.ok ? { label: s.label, ok: true } : { label: s.label, ok: false, reason: s.reason })),
  };
}

/** Each line made visible (server text cannot add lines or control characters), joined for the terminal. */
export function textBlock(lines: readonly string[]): string {
  return `${lines.map(visibleText).join('\n')}\n`;
}

