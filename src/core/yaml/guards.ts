/**
 * When a planner must not touch a document: templates (Helm/Go `{{ }}` directives would be mangled by a YAML
 * edit, and their YAML shape is not the rendered one), YAML errors, tabs used for indentation.
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

/** Offset of the first template directive (`{{` outside comments, quoted strings and block scalars), or -1. */
export function findTemplateDirective(parsed: ParsedManifests, d: ManifestDocument): number {
  const text = parsed.text;
  const first = text.indexOf('{{', d.range.start);
  if (first < 0 || first >= d.range.end) return -1;
  // A `{{` in plain YAML context parses as a flow mapping whose source starts with `{{`, or sits inside a plain
  // scalar (`image: repo:{{ .Values.tag }}`). Quoted and block scalars (Prometheus rule texts, annotations)
  // and comments are content, not directives.
  let found = -1;
  visit(d.doc, {
    Node(_key, node) {
      if (found >= 0) return visit.BREAK;
      if (!node.range) return undefined;
      const [start, end] = node.range;
      if (isCollection(node) && node.flow === true && text.startsWith('{{', start)) {
        found = start;
        return visit.BREAK;
      }
      if (isScalar(node) && (node.type === Scalar.PLAIN || node.type === undefined)) {
        const at = text.indexOf('{{', start);
        if (at >= 0 && at < end) {
          found = at;
          return visit.BREAK;
        }
      }
      return undefined;
    },
  });
  if (found >= 0) return found;
  if (d.errors.length > 0) {
    // A broken document with `{{` at the start of a line (after indentation or `- `) is a template.
    const re = /^[ \t]*(?:-[ \t]+)?\{\{/gm;
    re.lastIndex = d.range.start;
    const m = re.exec(text);
    if (m !== null && m.index < d.range.end) return m.index + m[0].indexOf('{{');
  }
  return -1;
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
