/**
 * When a planner must not touch a document: templates (Helm/Go `{{ }}` directives that shape the structure would
 * be mangled by a YAML edit, and their YAML shape is not the rendered one), YAML errors, tabs used for indentation.
 */
import { isCollection, isScalar, Scalar, visit } from 'yaml';
import type { TextRange } from './edits';
import type { ManifestDocument, ParsedManifests } from './parse';

export type RefusalCode = 'template' | 'tabs' | 'yaml-error' | 'unknown-shape' | 'no-target' | 'invalid-name';

export interface Refusal {
  readonly status: 'refused';
  readonly code: RefusalCode;
  /** A sentence for the user, naming the line where it helps. */
  readonly reason: string;
  readonly documentIndex: number | undefined;
  readonly range: TextRange | undefined;
}

export function refusal(code: RefusalCode, reason: string, documentIndex?: number, range?: TextRange): Refusal {
  return { status: 'refused', code, reason, documentIndex, range };
}

function lineOf(parsed: ParsedManifests, offset: number): number {
  return parsed.positionAt(offset).line + 1;
}

/**
 * Offset of the first template directive that shapes the document's structure, or -1. Helm/Go `{{ }}` shapes it
 * when it parses as a flow collection (`{{- if .x }}`, `replicas: {{ .Values.n }}`), makes up a key
 * (`{{ .k }}: v`, `name-{{ .x }}: v`), or starts a line of a plain scalar; and in a document that does not parse,
 * wherever it sits in a plain scalar or at the start of a line. `{{ … }}` inside a scalar value is content: a
 * container argument `--format={{.Name}}`, a GitHub workflow's `${{ matrix.os }}`; so are quoted and block
 * scalars (Prometheus rule texts, annotations) and comments.
 */
export function findTemplateDirective(parsed: ParsedManifests, d: ManifestDocument): number {
  const text = parsed.text;
  const first = text.indexOf('{{', d.range.start);
  if (first < 0 || first >= d.range.end) return -1;
  const broken = d.errors.length > 0;
  /** The first `{{` in [start, end) that counts: any (`anywhere`), else one that starts its line (after `- `). */
  const directiveIn = (start: number, end: number, anywhere: boolean): number => {
    for (let at = text.indexOf('{{', start); at >= 0 && at < end; at = text.indexOf('{{', at + 2)) {
      if (anywhere || /^[ \t]*(?:-[ \t]+)*$/.test(text.slice(text.lastIndexOf('\n', at - 1) + 1, at))) return at;
    }
    return -1;
  };
  let found = -1;
  visit(d.doc, {
    Node(key, node) {
      if (found >= 0) return visit.BREAK;
      if (!node.range) return undefined;
      const [start, end] = node.range;
      if (isCollection(node) && node.flow === true && text.startsWith('{{', start)) found = start;
      else if (isScalar(node) && (node.type === Scalar.PLAIN || node.type === undefined)) found = directiveIn(start, end, broken || key === 'key');
      return found >= 0 ? visit.BREAK : undefined;
    },
  });
  if (found >= 0 || !broken) return found;
  // A broken document with `{{` at the start of a line (after indentation or `- `) is a template.
  const re = /^[ \t]*(?:-[ \t]+)?\{\{/gm;
  re.lastIndex = d.range.start;
  const m = re.exec(text);
  return m !== null && m.index < d.range.end ? m.index + m[0].indexOf('{{') : -1;
}

/** Why this document cannot be edited safely, or undefined when it can. Memoised per document. */
export function documentRefusal(parsed: ParsedManifests, d: ManifestDocument): Refusal | undefined {
  return parsed.cached(`refusal:${d.index}`, () => {
    const template = findTemplateDirective(parsed, d);
    if (template >= 0) {
      return refusal(
        'template',
        `Document ${d.index + 1} contains a template directive ({{ … }}) at line ${lineOf(parsed, template)}; edit the chart's template by hand or the rendered manifest.`,
        d.index,
        { start: template, end: template + 2 },
      );
    }
    const tab = d.errors.find((e) => e.code === 'TAB_AS_INDENT');
    if (tab !== undefined) {
      const at = tab.pos[0];
      return refusal('tabs', `Document ${d.index + 1} uses tabs for indentation (line ${lineOf(parsed, at)}); YAML allows only spaces.`, d.index, {
        start: at,
        end: tab.pos[1],
      });
    }
    const error = d.errors[0];
    if (error !== undefined) {
      const at = error.pos[0];
      const message = error.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? error.code;
      return refusal('yaml-error', `Document ${d.index + 1} is not valid YAML (line ${lineOf(parsed, at)}: ${message}).`, d.index, {
        start: at,
        end: error.pos[1],
      });
    }
    return undefined;
  });
}
