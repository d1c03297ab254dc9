// Tags whose values JSON cannot hold: the reader leaves them unresolved and refuses them, so no repo value is ever a
// Buffer, Set, Map or Date that would be applied (or compared) as anything other than what the file says.
import type { Document, Tags, YAMLWarning } from 'yaml';

/** Why each YAML type without a JSON form is refused, and what to write instead. */
const JSONLESS_TYPES: ReadonlyMap<string, string> = new Map([
  ['tag:yaml.org,2002:binary', 'JSON has no binary values; write the base64 text as a plain string (as Secret data is)'],
  ['tag:yaml.org,2002:set', 'JSON has no sets; write a list'],
  ['tag:yaml.org,2002:omap', 'JSON has no ordered maps; write a map, or a list of maps'],
  ['tag:yaml.org,2002:pairs', 'JSON has no lists of pairs; write a map, or a list of maps'],
  ['tag:yaml.org,2002:timestamp', 'JSON has no dates; write the time as a plain string'],
]);

/**
 * Library warnings that mean a tag was dropped: the value was read as if untagged. Unknown tags and the types above
 * (left unresolved by the parse options below) both end here.
 */
const DROPPED_TAG_WARNINGS: ReadonlySet<string> = new Set(['TAG_RESOLVE_FAILED', 'BAD_COLLECTION_TYPE']);

/**
 * Parse options that resolve no JSON-less type: `resolveKnownTags: false` stops the YAML 1.2 schema from reading the
 * explicit tags, and the tag filter takes them out of the YAML 1.1 schema a `%YAML 1.1` line selects (there a plain
 * date stays the string it is written as, instead of becoming a Date).
 */
export const JSON_ONLY_TAGS = { resolveKnownTags: false, customTags: withoutJsonlessTypes } as const;

/** A `customTags` function: the schema's tags minus the types JSON cannot hold. */
function withoutJsonlessTypes(tags: Tags): Tags {
  return tags.filter((tag) => typeof tag === 'string' || !JSONLESS_TYPES.has(tag.tag));
}

/** A tag the reader refused: where it is written (offset of the tag) and why. */
export interface RefusedTag {
  offset: number;
  message: string;
}

/** The tags of a document that were dropped, each with the sentence a user acts on; `text` is the file's text. */
export function refusedTags(doc: Pick<Document.Parsed, 'warnings' | 'directives'>, text: string): RefusedTag[] {
  return doc.warnings.filter((warning) => DROPPED_TAG_WARNINGS.has(warning.code)).map((warning) => ({ offset: warning.pos[0], message: refusalMessage(doc, warningTag(warning, text)) }));
}

/** The tag as written in the file (`!!binary`, `!Ref`); the warning is positioned on the tag token. */
function warningTag(warning: YAMLWarning, text: string): string {
  const written = text.slice(warning.pos[0], warning.pos[1]);
  return written.startsWith('!') ? written : warning.message;
}

/** Why a tag is refused: the JSON-less types by name, any other tag as one Cascade cannot read. */
function refusalMessage(doc: Pick<Document.Parsed, 'directives'>, written: string): string {
  // Resolve the written form, so `!<tag:yaml.org,2002:set>` or a `%TAG` handle is known as `!!set` too.
  const reason = JSONLESS_TYPES.get(doc.directives.tagName(written, () => undefined) ?? '');
  if (reason !== undefined) return `${written} is refused: repo files are read as JSON values, and ${reason}`;
  return `tag ${written} is refused: Cascade reads no custom tags (nor a tag its value does not fit) and would drop it silently; remove the tag`;
}
