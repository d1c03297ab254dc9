// How Cascade's writers style strings so that YAML 1.1 readers (PyYAML, go-yaml, libyaml) read the same string as its
// YAML 1.2 parser: the yaml library alone leaves LS and PS plain, NEL raw inside quotes and `yes` or a timestamp plain.
import { Schema, type Scalar, type ScalarTag, type Tags } from 'yaml';
import { escapedDoubleQuoted, needsEscapes } from './text-rules.ts';

const STRING_TAG = 'tag:yaml.org,2002:str';

/** Plain scalars a YAML 1.1 reader resolves to another type (bool `yes`/`on`, sexagesimal `1:20`, timestamps, `<<`, …). */
const YAML_11_TYPED = new Schema({ schema: 'yaml-1.1' }).tags.flatMap((tag) => (tag.tag !== STRING_TAG && tag.default && 'test' in tag && tag.test ? [tag.test] : []));

/** True when a YAML 1.1 reader would read the plain scalar `text` as something other than that string. */
function typedInYaml11(text: string): boolean {
  // `=` is YAML 1.1's value key; PyYAML's safe loader refuses a document holding it plain.
  return text === '=' || YAML_11_TYPED.some((test) => test.test(text));
}

/**
 * A `customTags` function for documents Cascade edits: its string tag writes strings holding LS, PS, NEL, other
 * non-printables, tabs or bidi controls as escaped double-quoted scalars, and quotes strings Cascade sets that
 * YAML 1.1 would type. Scalars a person wrote and Cascade did not change keep their style.
 */
export function portableStringTags(tags: Tags): Tags {
  return tags.map((tag) => {
    if (typeof tag !== 'object' || tag.tag !== STRING_TAG || !('stringify' in tag) || !tag.stringify) return tag;
    const stringify = tag.stringify;
    const portable: ScalarTag['stringify'] = (item, ctx, onComment, onChompKeep) => {
      const value = item.value;
      if (typeof value !== 'string') return stringify(item, ctx, onComment, onChompKeep);
      if (needsEscapes(value)) return escapedDoubleQuoted(value);
      if (isCascadeWritten(item) && typedInYaml11(value)) return escapedDoubleQuoted(value);
      return stringify(item, ctx, onComment, onChompKeep);
    };
    return { ...tag, stringify: portable } as ScalarTag;
  });
}

/** True for a scalar Cascade created or changed: parsing records the value read in `source`. */
function isCascadeWritten(item: Scalar): boolean {
  return item.source !== item.value;
}
