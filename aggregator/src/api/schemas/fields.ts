// The fields write requests are built from, as zod schemas: one schema both checks a field and describes it in the
// OpenAPI document. Each refusal's message says what the field must be; request-errors.ts adds the field's name.
import { checkEnvName, checkResourceName, checkStagingName, DNS_LABEL, NAME_SEGMENT, refusedCharacter, RESOURCE_NAME_PATTERN } from '@cascade/common';
import { z } from '@hono/zod-openapi';

/** Longest version string: fits a label value with room to spare. */
export const MAX_VERSION_LENGTH = 128;
/** Longest lock reason. */
export const MAX_REASON_LENGTH = 500;
/** Longest changelog (it becomes the commit body). */
const MAX_CHANGELOG_LENGTH = 64 * 1024;

/** How a value reads in a message: `an array`, `null`, `a number`. */
export function typeName(value: unknown): string {
  return Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
}

/** The message for a value of the wrong type; a missing value is `required` rather than of a wrong type. */
export function wrongType(expected: string): (issue: { input?: unknown }) => string {
  return (issue) => (issue.input === undefined || issue.input === null ? 'is required' : `must be ${expected}, not ${typeName(issue.input)}`);
}

/** Tells whether text holds control characters; tab and newline count only when `multiLine` is false. */
function hasControl(text: string, multiLine: boolean): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (multiLine && (code === 9 || code === 10)) continue;
    if (code < 32 || code === 127) return true;
  }
  return false;
}

/** Refuses what YAML 1.1 readers take as a line break (LS, PS, NEL) and what reorders or hides text (bidi controls, C1). */
function refuseCharacters(text: string, ctx: z.RefinementCtx): void {
  const refused = refusedCharacter(text);
  if (refused) ctx.addIssue({ code: 'custom', message: `must not contain ${refused}` });
}

/**
 * An optional field: absent, or `null` as clients that fill every key send it, is left out of the parsed body.
 * Without this a `null` would be refused as of the wrong type.
 */
export function optional<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (value === null ? undefined : value), schema.optional());
}

/** A one-line string without control characters, bounded in length; `null` or absent is `is required`. */
export function oneLine(max: number) {
  return z
    .string({ error: wrongType('a string') })
    .refine((text) => text.trim() !== '', 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine((text) => !hasControl(text, false), 'must be one line without control characters')
    .superRefine(refuseCharacters);
}

/** Refuses what `checkResourceName` refuses: the one definition of a resource name, shared with the repo model. */
export function refuseResourceName(name: string, ctx: z.RefinementCtx): void {
  const problem = checkResourceName(name);
  if (problem) ctx.addIssue({ code: 'custom', message: `resource name ${problem}` });
}

/** Refuses what `checkEnvName` refuses. */
export function refuseEnvName(name: string, ctx: z.RefinementCtx): void {
  const problem = checkEnvName(name);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
}

/** Refuses what `checkStagingName` refuses: a staging name is a DNS label of at most 63 characters. */
export function refuseStagingName(name: string, ctx: z.RefinementCtx): void {
  const problem = checkStagingName(name);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
}

/** A staging name. */
export function stagingName() {
  return oneLine(100).superRefine(refuseStagingName).openapi({ pattern: DNS_LABEL.source, description: 'Staging name: a DNS label (lower-case letters, digits, "-"), e.g. feature-x' });
}

/** A resource name: path segments of lower-case letters, digits, `.`, `_`, `-`; never `..` or absolute. */
export function resourceName() {
  return oneLine(300).superRefine(refuseResourceName).openapi({ pattern: RESOURCE_NAME_PATTERN, description: 'Resource name, e.g. shop/cart' });
}

/** An environment name. */
export function envName() {
  return oneLine(100).superRefine(refuseEnvName).openapi({ pattern: NAME_SEGMENT.source, description: 'Environment name' });
}

/** A changelog: multi-line text without control characters; Windows line endings become newlines. */
export function changelog() {
  return (
    z
      .string({ error: wrongType('a string') })
      // Line endings from Windows runners are normalised rather than refused.
      .overwrite((text) => text.replace(/\r\n?/g, '\n'))
      .max(MAX_CHANGELOG_LENGTH, `must be at most ${MAX_CHANGELOG_LENGTH} characters`)
      // Control characters never belong in a changelog; they could also confuse whoever parses the log.
      .refine((text) => !hasControl(text, true), 'must not contain control characters other than tab and newline')
      .superRefine(refuseCharacters)
  );
}

/** One part of a commit author: one line, without the `<` and `>` git would mangle. */
function authorPart(description: string) {
  return oneLine(200)
    .refine((text) => !/[<>]/.test(text), 'must not contain < or >')
    .openapi({ description });
}

/** A commit author `{ name, email }`. */
export function author() {
  return z
    .strictObject(
      { name: authorPart('Author name'), email: authorPart('Author email') },
      { error: (issue) => (issue.code === 'unrecognized_keys' ? 'unknown field; expected name, email' : 'must be { "name": …, "email": … }') },
    )
    .openapi('AuthorInput', { description: "Author of the commit; default: the token's name, which is always recorded in `Cascade-Requested-By`" });
}

/** A request body: a JSON object holding only the fields of `shape`; any other key is refused by name. */
export function requestBody<Shape extends z.ZodRawShape>(shape: Shape) {
  const known = Object.keys(shape).join(', ');
  return z.strictObject(shape, { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown field; expected ${known}` : 'must be a JSON object') });
}
