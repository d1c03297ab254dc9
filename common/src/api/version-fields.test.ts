import { describe, expect, it } from 'vitest';
import { WITHHELD } from './status.ts';
import { versionFieldRows } from './version-fields.ts';

describe('versionFieldRows', () => {
  it('lists every key but the version, config maps key by key, withheld values as hidden', () => {
    const rows = versionFieldRows({
      kind: 'template',
      version: '1.4.2',
      fields: { version: '1.4.2', image: 'registry/cart:1.4.2', replicas: 2, apiToken: WITHHELD, config: { LOG_LEVEL: 'debug', DATABASE_URL: WITHHELD, FLAGS: ['a'] }, deploymentConfig: { SMTP_PASS: WITHHELD } },
      withheld: ['apiToken', 'config.DATABASE_URL', 'deploymentConfig.SMTP_PASS'],
      lockReasons: [],
      locked: false,
    });
    expect(rows).toEqual([
      { key: 'image', value: 'registry/cart:1.4.2', hidden: false },
      { key: 'replicas', value: '2', hidden: false },
      { key: 'apiToken', value: '', hidden: true },
      { key: 'config.LOG_LEVEL', value: 'debug', hidden: false },
      { key: 'config.DATABASE_URL', value: '', hidden: true },
      { key: 'config.FLAGS', value: '["a"]', hidden: false },
      { key: 'deploymentConfig.SMTP_PASS', value: '', hidden: true },
    ]);
  });

  it('shows a value that merely looks like the marker when the aggregator did not withhold it (an admin view)', () => {
    expect(versionFieldRows({ kind: 'template', fields: { version: '1', config: { NOTE: WITHHELD } }, lockReasons: [], locked: false })).toEqual([{ key: 'config.NOTE', value: WITHHELD, hidden: false }]);
    expect(versionFieldRows({ kind: 'template', fields: { version: '1', config: 'x' }, withheld: ['config'], lockReasons: [], locked: false })).toEqual([{ key: 'config', value: '', hidden: true }]);
    expect(versionFieldRows(undefined)).toEqual([]);
  });

  it('lists encrypted values by key and origin, never a value', () => {
    const rows = versionFieldRows({ kind: 'template', fields: { version: '1', image: 'x' }, secrets: [{ key: 'secrets.API_KEY', setBy: 'ci-bot', setAt: '2026-05-06T07:08:09Z', commit: 'abc' }, { key: 'secrets.OLD' }], lockReasons: [], locked: false });
    expect(rows).toEqual([
      { key: 'image', value: 'x', hidden: false },
      { key: 'secrets.API_KEY', value: '', hidden: false, secret: { setBy: 'ci-bot', setAt: '2026-05-06T07:08:09Z' } },
      { key: 'secrets.OLD', value: '', hidden: false, secret: {} },
    ]);
  });
});
