// A version file's keys as the dashboard and the CLI list them, with the values the caller may not see marked hidden.
import type { ResourceInEnv } from './status.ts';

/** One key of a version file: `image`, or `config.KEY` inside the config maps. */
export interface FieldRow {
  key: string;
  /** The value as text (JSON for lists and maps); empty when hidden. */
  value: string;
  /** The aggregator withheld the value: the caller lacks `secrets:read` and the key is not declared public. */
  hidden: boolean;
  /** An encrypted value (SOPS): who set it and when; nobody sees its value here, admins included. */
  secret?: { setBy?: string; setAt?: string };
}

// Maps whose keys are listed one by one, so a hidden key sits next to the public ones.
const CONFIG_MAPS = new Set(['config', 'deploymentConfig']);

/** Every key but `version` (shown on its own), config maps flattened to `config.KEY`, in file order; encrypted values last. */
export function versionFieldRows(inEnv: ResourceInEnv | undefined): FieldRow[] {
  const withheld = new Set(inEnv?.withheld ?? []);
  const row = (key: string, value: unknown): FieldRow => (withheld.has(key) ? { key, value: '', hidden: true } : { key, value: typeof value === 'string' ? value : JSON.stringify(value), hidden: false });
  const rows: FieldRow[] = [];
  for (const [key, value] of Object.entries(inEnv?.fields ?? {})) {
    if (key === 'version') continue;
    if (CONFIG_MAPS.has(key) && typeof value === 'object' && value !== null && !Array.isArray(value)) {
      for (const [name, item] of Object.entries(value)) rows.push(row(`${key}.${name}`, item));
    } else rows.push(row(key, value));
  }
  for (const { key, setBy, setAt } of inEnv?.secrets ?? []) {
    rows.push({ key, value: '', hidden: false, secret: { ...(setBy === undefined ? {} : { setBy }), ...(setAt === undefined ? {} : { setAt }) } });
  }
  return rows;
}
