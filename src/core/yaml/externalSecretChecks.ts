/**
 * What can be told from the text of External Secrets objects and workflows alone (the keyless exchange: contract §6.2), with the
 * edits that fix it:
 * - `quay-eso-refresh`: an ExternalSecret fed by a QuayAccessToken refreshes every hour or less often (or has no
 *   `refreshInterval`, whose default is 1h): the credentials expire after one hour. Fix: `refreshInterval: 55m`.
 * - `quay-eso-robot`: `spec.robotAccount` is not `namespace+name`.
 * - `quay-eso-url`: `spec.url` has a scheme or a path where the generator expects a host. Fix: the host.
 * - `quay-gha-id-token`: a workflow job exchanges a token at Quay's federation endpoint without `id-token: write`.
 *   Fix: the permission (githubLogin.ts).
 * The checks that need Quay (the robot exists, it trusts the generator's service account) are made by the
 * editor from `quayGenerators`.
 */
import { isMap, isScalar, isSeq } from 'yaml';
import type { ParsedNode } from 'yaml';
import { isRobotName } from '../k8s/credentials';
import { KEYLESS_REFRESH_INTERVAL, QUAY_GENERATOR_KIND } from '../k8s/externalSecrets';
import type { TextEdit, TextRange } from './edits';
import { FEDERATION_TOKEN_PATH, jobsExchangingWithoutIdToken, planIdTokenPermission } from './githubLogin';
import { columnOf, directPair, mapPath, stringOf } from './nodes';
import type { ManifestDocument, ParsedManifests } from './parse';

export const DIAGNOSTIC_ESO_REFRESH = 'quay-eso-refresh';
export const DIAGNOSTIC_ESO_ROBOT = 'quay-eso-robot';
export const DIAGNOSTIC_ESO_URL = 'quay-eso-url';
export const DIAGNOSTIC_GHA_ID_TOKEN = 'quay-gha-id-token';

export interface Finding {
  readonly code: typeof DIAGNOSTIC_ESO_REFRESH | typeof DIAGNOSTIC_ESO_ROBOT | typeof DIAGNOSTIC_ESO_URL | typeof DIAGNOSTIC_GHA_ID_TOKEN;
  readonly range: TextRange;
  readonly message: string;
  readonly fix?: { readonly title: string; readonly edits: readonly TextEdit[] };
}

export interface QuayGenerator {
  readonly documentIndex: number;
  readonly name: string | undefined;
  /** The generator's namespace, else that of an ExternalSecret using it (ESO mints the token there). */
  readonly namespace: string | undefined;
  /** `spec.url` as written (default `quay.io`). */
  readonly url: string;
  readonly robot: string | undefined;
  readonly serviceAccount: string | undefined;
  /** Where a finding about the robot goes (`robotAccount`'s value, else the kind). */
  readonly range: TextRange;
}

const UNIT_SECONDS: Readonly<Record<string, number>> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/** A Go duration (`55m`, `1h30m`, `3600s`) in seconds; undefined when it is not one. */
export function durationSeconds(text: string): number | undefined {
  const t = text.trim();
  if (!/^(?:[0-9]+(?:\.[0-9]+)?(?:ns|us|µs|ms|s|m|h))+$/.test(t)) return t === '0' ? 0 : undefined;
  let total = 0;
  for (const m of t.matchAll(/([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s|m|h)/g)) total += Number(m[1]) * (UNIT_SECONDS[m[2] ?? ''] ?? 0);
  return total;
}

const span = (n: ParsedNode): TextRange => ({ start: n.range[0], end: n.range[1] });

function kindRange(d: ManifestDocument): TextRange {
  const root = d.doc.contents;
  const kind = isMap(root) ? directPair(root, 'kind')?.value : undefined;
  return kind !== undefined && kind !== null ? span(kind) : { start: d.range.start, end: d.range.start };
}

/** The QuayAccessToken generators an ExternalSecret document uses (`dataFrom[].sourceRef.generatorRef`). */
function generatorRefs(d: ManifestDocument): string[] {
  const root = d.doc.contents;
  const dataFrom = isMap(root) ? mapPath(d.doc, root, ['spec', 'dataFrom']) : undefined;
  if (!isSeq(dataFrom)) return [];
  return dataFrom.items.flatMap((item) => {
    const ref = isMap(item) ? mapPath(d.doc, item, ['sourceRef', 'generatorRef']) : undefined;
    return isMap(ref) && stringOf(directPair(ref, 'kind')?.value ?? null) === QUAY_GENERATOR_KIND ? [stringOf(directPair(ref, 'name')?.value ?? null) ?? ''] : [];
  });
}

function refreshFinding(parsed: ParsedManifests, d: ManifestDocument): Finding | undefined {
  const root = d.doc.contents;
  const spec = isMap(root) ? directPair(root, 'spec')?.value : undefined;
  if (!isMap(spec)) return undefined;
  const pair = directPair(spec, 'refreshInterval');
  const value = pair?.value ?? null;
  const written = isScalar(value) ? String(value.value) : undefined;
  const seconds = written === undefined ? 3600 : durationSeconds(written);
  // 0 turns refreshing off: the Secret is made once and expires an hour later.
  if (seconds === undefined || (seconds > 0 && seconds < 3600)) return undefined;
  const message =
    written === undefined
      ? `No refreshInterval (the default is 1h): the QuayAccessToken credentials expire after one hour, so pulls fail until the next refresh. Use ${KEYLESS_REFRESH_INTERVAL}.`
      : `refreshInterval ${written}: the QuayAccessToken credentials expire after one hour, so pulls fail until the next refresh. Use ${KEYLESS_REFRESH_INTERVAL}.`;
  const title = `Set refreshInterval: ${KEYLESS_REFRESH_INTERVAL}`;
  if (value !== null && pair !== undefined) {
    return { code: DIAGNOSTIC_ESO_REFRESH, range: span(value), message, fix: { title, edits: [{ offset: value.range[0], length: value.range[1] - value.range[0], text: KEYLESS_REFRESH_INTERVAL }] } };
  }
  const first = spec.items[0];
  const range = pair !== undefined && isScalar(pair.key) ? span(pair.key) : kindRange(d);
  if (spec.flow === true || first === undefined || !isScalar(first.key)) return { code: DIAGNOSTIC_ESO_REFRESH, range, message };
  const at = first.key.range[0];
  const col = columnOf(parsed.text, at);
  return { code: DIAGNOSTIC_ESO_REFRESH, range, message, fix: { title, edits: [{ offset: at, length: 0, text: `refreshInterval: ${KEYLESS_REFRESH_INTERVAL}${parsed.eol}${' '.repeat(col)}` }] } };
}

function generatorOf(d: ManifestDocument, users: ReadonlyMap<string, string | undefined>): { generator: QuayGenerator; findings: Finding[] } | undefined {
  const root = d.doc.contents;
  const spec = isMap(root) ? directPair(root, 'spec')?.value : undefined;
  if (!isMap(spec)) return undefined;
  const findings: Finding[] = [];
  const urlNode = directPair(spec, 'url')?.value ?? null;
  const url = stringOf(urlNode) ?? 'quay.io';
  if (urlNode !== null && isScalar(urlNode) && /^[a-z][a-z0-9+.-]*:\/\/|\//i.test(url)) {
    const host = url.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/\/.*$/, '');
    findings.push({
      code: DIAGNOSTIC_ESO_URL,
      range: span(urlNode),
      message: `spec.url "${url}": the QuayAccessToken generator expects Quay's host (it always uses https and its own path), here "${host}".`,
      ...(host !== '' ? { fix: { title: `Use ${host}`, edits: [{ offset: urlNode.range[0], length: urlNode.range[1] - urlNode.range[0], text: host }] } } : {}),
    });
  }
  const robotNode = directPair(spec, 'robotAccount')?.value ?? null;
  const robot = stringOf(robotNode);
  const range = robotNode !== null ? span(robotNode) : kindRange(d);
  if (robot !== undefined && !isRobotName(robot)) {
    findings.push({ code: DIAGNOSTIC_ESO_ROBOT, range, message: `robotAccount "${robot}" is not a full robot name: Quay expects namespace+name (e.g. ${robot.includes('+') ? 'acme+deployer' : `<namespace>+${robot}`}).` });
  }
  const saRef = directPair(spec, 'serviceAccountRef')?.value;
  const serviceAccount = isMap(saRef) ? stringOf(directPair(saRef, 'name')?.value ?? null) : undefined;
  const name = d.name;
  const namespace = d.namespace ?? (name !== undefined ? users.get(name) : undefined);
  return { generator: { documentIndex: d.index, name, namespace, url, robot, serviceAccount, range }, findings };
}

/** May this text hold what the checks look at? (A quick test before parsing anything.) */
export function mayHoldExternalSecretChecks(text: string): boolean {
  return text.includes(QUAY_GENERATOR_KIND) || text.includes(FEDERATION_TOKEN_PATH);
}

/** The text findings of a file, and its QuayAccessToken generators for the checks against Quay. */
export function externalSecretChecks(parsed: ParsedManifests): { findings: Finding[]; generators: QuayGenerator[] } {
  if (!mayHoldExternalSecretChecks(parsed.text)) return { findings: [], generators: [] };
  const findings: Finding[] = [];
  const generators: QuayGenerator[] = [];
  const docs = parsed.documents.filter((d) => d.errors.length === 0);
  const users = new Map<string, string | undefined>();
  for (const d of docs) {
    if (d.kind !== 'ExternalSecret') continue;
    const refs = generatorRefs(d);
    for (const r of refs) if (!users.has(r) || users.get(r) === undefined) users.set(r, d.namespace);
    if (refs.length === 0) continue;
    const f = refreshFinding(parsed, d);
    if (f !== undefined) findings.push(f);
  }
  for (const d of docs) {
    if (d.kind !== QUAY_GENERATOR_KIND || d.apiVersion?.startsWith('generators.external-secrets.io/') !== true) continue;
    const g = generatorOf(d, users);
    if (g === undefined) continue;
    findings.push(...g.findings);
    generators.push(g.generator);
  }
  if (parsed.text.includes(FEDERATION_TOKEN_PATH)) {
    for (const job of jobsExchangingWithoutIdToken(parsed)) {
      const fix = planIdTokenPermission(parsed, job);
      findings.push({
        code: DIAGNOSTIC_GHA_ID_TOKEN,
        range: { start: job.keyOffset, end: job.keyOffset + job.id.length },
        message: `Job "${job.id}" exchanges a token at Quay (${FEDERATION_TOKEN_PATH}) without permissions: id-token: write: GitHub gives it no OIDC token.`,
        ...('status' in fix ? {} : { fix: { title: 'Add permissions: id-token: write', edits: fix.edits } }),
      });
    }
  }
  return { findings, generators };
}
