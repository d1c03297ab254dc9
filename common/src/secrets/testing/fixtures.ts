// Fixture files of the secrets tests, and what decrypting them must give.
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

/** Plain text of a fixture under common/src/secrets/fixtures. */
export function fixture(name: string): string {
  return readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
}

/** The documents of a plain YAML text as decryptSopsYaml returns them: ints beyond Number's safe range as bigint. */
export function expectedDocuments(plainYaml: string): unknown[] {
  return parseAllDocuments(plainYaml, { intAsBigInt: true }).map((document) => toExpected(document.toJS()));
}

function toExpected(value: unknown): unknown {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value;
  if (Array.isArray(value)) return value.map(toExpected);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toExpected(v)]));
  return value;
}

/** Every non-empty leaf value in file order: what the SOPS MAC commits to (key names of plain values are not). */
export function macLeaves(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap((item) => macLeaves(item));
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap((item) => macLeaves(item));
  if (value === null || value === '') return [];
  return [String(value)];
}
