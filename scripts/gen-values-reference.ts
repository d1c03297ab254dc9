// Writes the values reference of docs/install.md from the chart's values.schema.json and values.yaml
// (`npx tsx scripts/gen-values-reference.ts`); scripts/values-reference.test.ts fails while it is out of date.
import { readFileSync, writeFileSync } from 'node:fs';
import { INSTALL_DOC, currentValuesTable, spliceTable } from './values-reference.ts';

writeFileSync(INSTALL_DOC, spliceTable(readFileSync(INSTALL_DOC, 'utf8'), currentValuesTable()));
console.error(`wrote the values reference into ${INSTALL_DOC}`);
