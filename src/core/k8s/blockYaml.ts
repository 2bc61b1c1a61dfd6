/**
 * A small block-YAML writer for the manifests this extension generates: maps, sequences, one-line strings
 * (plain where YAML reads them back as the same string, else double-quoted) and multi-line strings as `|`
 * block scalars. The layout follows the file the text goes into (`ManifestStyle`).
 */
import { hasControlChars } from '../serverText';
import type { ManifestStyle } from './manifests';

export type YamlValue = string | readonly YamlValue[] | { readonly [key: string]: YamlValue | undefined };

/** Plain scalars YAML 1.1/1.2 would read as something other than this string. */
const NOT_PLAIN = /^(?:~|null|true|false|yes|no|on|off|y|n|[-+]?(?:\.inf|\.nan|[0-9][0-9_]*(?:\.[0-9_]*)?(?:e[-+]?[0-9]+)?|\.[0-9]+|0x[0-9a-f]+|0o[0-7]+))$/i;
const PLAIN = /^[A-Za-z0-9_./@][A-Za-z0-9_./@+=-]*(?::[A-Za-z0-9_./@+=-]+)*(?::\/\/[A-Za-z0-9_./@+=:-]+)?$/;

/** What JSON leaves raw but a reader should see escaped: C1 (NEL is a YAML 1.1 line break), line separators, bidi controls. */
const RAW_IN_JSON = /[\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** A one-line string as YAML: plain when safe, else a JSON (double-quoted YAML) string with every control character escaped. */
export function yamlScalar(s: string): string {
  return PLAIN.test(s) && !NOT_PLAIN.test(s) ? s : JSON.stringify(s).replace(RAW_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A multi-line string that a `|` block scalar keeps as it is: no control character but line feeds and tabs, no `\r`. */
const blockable = (s: string): boolean => !hasControlChars(s.replace(/[\n\t]/g, ''));

function isMapping(v: YamlValue): v is { readonly [key: string]: YamlValue | undefined } {
  return typeof v === 'object' && !Array.isArray(v);
}

/** The lines of a map at column `col`. */
function mapLines(map: { readonly [key: string]: YamlValue | undefined }, col: number, style: Required<ManifestStyle>): string[] {
  const pad = ' '.repeat(col);
  const out: string[] = [];
  for (const [key, value] of Object.entries(map)) {
    if (value === undefined) continue;
    const k = yamlScalar(key);
    if (typeof value === 'string') {
      if (!value.includes('\n') || !blockable(value)) out.push(`${pad}${k}: ${yamlScalar(value)}`);
      else {
        const body = value.replace(/\n$/, '').split('\n');
        out.push(`${pad}${k}: |${value.endsWith('\n') ? '' : '-'}`, ...body.map((l) => (l === '' ? '' : `${pad}${' '.repeat(style.indent)}${l}`)));
      }
    } else if (Array.isArray(value)) {
      out.push(`${pad}${k}:`, ...seqLines(value, col + (style.indentSequences ? style.indent : 0), style));
    } else if (isMapping(value)) {
      out.push(`${pad}${k}:`, ...mapLines(value, col + style.indent, style));
    }
  }
  return out;
}

/** The lines of a sequence whose `-` sit at column `col`. */
function seqLines(items: readonly YamlValue[], col: number, style: Required<ManifestStyle>): string[] {
  const pad = ' '.repeat(col);
  return items.flatMap((item) => {
    if (typeof item === 'string') return [`${pad}- ${yamlScalar(item)}`];
    const lines = isMapping(item) ? mapLines(item, col + 2, style) : seqLines(item, col + 2, style);
    const [first = '', ...rest] = lines;
    return [`${pad}- ${first.slice(col + 2)}`, ...rest];
  });
}

/** A document's text (no `---`, no final line break). */
export function blockYaml(root: { readonly [key: string]: YamlValue | undefined }, style: ManifestStyle = {}): string {
  return mapLines(root, 0, { indent: style.indent ?? 2, indentSequences: style.indentSequences ?? true }).join('\n');
}
