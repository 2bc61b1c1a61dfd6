/**
 * One parse per text-document version, re-parsing incrementally from the previous version (a host keeps one
 * of these for code actions and diagnostics, keyed by document URI). Reusing a previous parse consumes it
 * (parse.ts), so only the cache may do it: callers always get the parse of the version they ask for.
 */
import { parseManifests } from './parse';
import type { ParsedManifests } from './parse';

interface Entry {
  readonly version: number;
  readonly text: string;
  readonly parsed: ParsedManifests;
}

export class ManifestParseCache {
  private readonly entries = new Map<string, Entry>();

  /** The parse of `text` (version `version` of `key`), built from the previous version's when there is one. */
  get(key: string, version: number, text: string): ParsedManifests {
    const entry = this.entries.get(key);
    if (entry !== undefined && entry.version === version && entry.text === text) return entry.parsed;
    const parsed = parseManifests(text, entry?.parsed);
    this.entries.set(key, { version, text, parsed });
    return parsed;
  }

  /** Forget a document (closed). */
  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
