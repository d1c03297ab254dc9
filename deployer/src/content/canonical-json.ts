// Content hashing shared by both targets: equal content always gives the same hash, whatever the key order.
import { createHash } from 'node:crypto';
import type { YamlValue } from '@cascade/common';

/** JSON with object keys sorted at every level, so equal objects always hash alike. */
export function canonicalJson(value: YamlValue | undefined): string {
  if (value === null || value === undefined || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`).join(',')}}`;
}

/** Hex sha256 of a string. */
export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
