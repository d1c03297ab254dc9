// Secret values of a push: key names that fit a placeholder, plaintext bounded per value and per push. Refusals name
// the key and the rule, never the value: zod's own messages could quote it, so every message here is written out.
import { z } from '@hono/zod-openapi';

/** Largest secret value, in UTF-8 bytes (a certificate chain or a service-account key fits). */
export const MAX_SECRET_VALUE_BYTES = 16 * 1024;
/** Largest sum of the secret values of one push, in UTF-8 bytes; encrypted, they stay well inside the version-file bound. */
export const MAX_SECRETS_BYTES = 64 * 1024;
/** Most secrets one version file holds. */
export const MAX_SECRETS = 64;

// A placeholder can reach it (`${secrets.KEY}`): no dots, and a letter first so no key is `__proto__`.
const SECRET_KEY = /^[A-Za-z][A-Za-z0-9_-]{0,127}$/;
const KEY_RULE = 'secret keys start with a letter and hold only letters, digits, "_" and "-" (at most 128)';

/** `secrets`: key → plaintext, encrypted by the aggregator before anything is written. */
export function secretValues() {
  return z
    .record(z.string(), z.unknown(), { error: 'must be an object of key → value' })
    .superRefine((secrets, ctx) => {
      const keys = Object.keys(secrets);
      if (keys.length > MAX_SECRETS) ctx.addIssue({ code: 'custom', message: `must hold at most ${MAX_SECRETS} secrets` });
      let total = 0;
      for (const key of keys) {
        const problem = valueProblem(secrets[key]) ?? (SECRET_KEY.test(key) ? undefined : KEY_RULE);
        if (problem) return void ctx.addIssue({ code: 'custom', path: [key], message: problem });
        total += Buffer.byteLength(secrets[key] as string, 'utf8');
      }
      if (total > MAX_SECRETS_BYTES) ctx.addIssue({ code: 'custom', message: `the values must add up to at most ${MAX_SECRETS_BYTES} bytes` });
    })
    .transform((secrets) => secrets as Record<string, string>) // valueProblem proved every value is a string.
    .openapi({
      description: `Secret values, encrypted to the recipients of the \`.sops.yaml\` rule for the version file and written under its \`secrets\` key (a base reads one as \`\${secrets.KEY}\`). They replace the file's secrets: each secret already there must be sent again or named in \`removeSecrets\`. Values are strings of 1 to ${MAX_SECRET_VALUE_BYTES} bytes, ${MAX_SECRETS_BYTES} bytes in all; they never appear in an answer, a log, the commit or the status`,
    });
}

/** `removeSecrets`: keys of the file's current secrets to drop. */
export function secretKeysToRemove() {
  return z
    .array(z.string({ error: 'must be a string' }).regex(SECRET_KEY, KEY_RULE), { error: 'must be a list of secret keys' })
    .max(MAX_SECRETS, `must hold at most ${MAX_SECRETS} keys`)
    .openapi({ description: 'Secrets of the version file to drop; without `secrets` the file keeps the others only if none remain (the aggregator cannot re-encrypt what it cannot read)' });
}

/** What is wrong with one value, in words that never quote it. */
function valueProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return value === null || value === undefined ? 'is required' : 'must be a string';
  if (value === '') return 'must not be empty';
  if (/\p{Cs}/u.test(value)) return 'must be valid Unicode (it holds a lone surrogate)';
  if (Buffer.byteLength(value, 'utf8') > MAX_SECRET_VALUE_BYTES) return `must be at most ${MAX_SECRET_VALUE_BYTES} bytes`;
  return undefined;
}
