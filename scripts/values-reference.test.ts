// docs/install.md describes every value of the chart, as values.schema.json and values.yaml say today.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CHART_DIR, INSTALL_DOC, currentValuesTable, spliceTable, valueRows } from './values-reference.ts';

describe('the values reference', () => {
  it('is current in docs/install.md (regenerate with `npx tsx scripts/gen-values-reference.ts`)', () => {
    const doc = readFileSync(INSTALL_DOC, 'utf8');
    expect(spliceTable(doc, currentValuesTable())).toBe(doc);
  });

  it('describes every value, and has a row for every value of values.yaml', () => {
    const rows = valueRows(JSON.parse(readFileSync(`${CHART_DIR}values.schema.json`, 'utf8')), {});
    expect(rows.filter((row) => row.description === '').map((row) => row.key)).toEqual([]);
    const keys = rows.map((row) => row.key);
    // Maps in values.yaml are walked down to the keys the table lists; an empty one (`deployer: {}`) stands for its section.
    const unlisted = (value: unknown, path: string): string[] => {
      if (keys.includes(path)) return [];
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return [path];
      const entries = Object.entries(value);
      if (entries.length === 0) return keys.some((key) => key.startsWith(`${path}.`)) ? [] : [path];
      return entries.flatMap(([name, child]) => unlisted(child, path === '' ? name : `${path}.${name}`));
    };
    expect(unlisted(parse(readFileSync(`${CHART_DIR}values.yaml`, 'utf8')), '')).toEqual([]);
  });
});
