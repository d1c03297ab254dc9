// What a viewer sees of version files: config values withheld unless declared public, admins see everything.
import { describe, expect, it } from 'vitest';
import type { AggregatorStatus, ResourceView, StatusEvent } from '@cascade/common/api';
import { applyDelta, WITHHELD } from '@cascade/common/api';
import type { YamlValue } from '@cascade/common';
import { diffStatus } from '../events/diff.ts';
import { publicConfigRule } from './public-config.ts';
import { StatusViews } from './status-views.ts';
import { viewStatus, withholdFields } from './withhold.ts';

const FIELDS: Record<string, YamlValue> = {
  version: '1.4.2',
  image: 'registry/cart:1.4.2',
  apiToken: 'tok-123',
  config: { DATABASE_URL: 'postgres://app:hunter2@db/app', LOG_LEVEL: 'debug', FEATURE_CART: true, FEATURES: { beta: true, password: 'p' } },
  deploymentConfig: { memory: '1Gi', SMTP_PASS: 'mail-pass' },
};

const resource = (name: string, fields: Record<string, YamlValue>): ResourceView => ({ name, envs: { dev: { kind: 'template', version: String(fields['version']), fields, lockReasons: [], locked: false } }, versions: [] });
const status = (resources: ResourceView[]): AggregatorStatus => ({
  commit: 'c1',
  environments: [],
  resources,
  transitions: [],
  problems: [],
  deployer: { state: 'unknown', url: 'http://d' },
  transitioner: { state: 'unknown', url: 'http://t' },
});

describe('publicConfigRule', () => {
  it('matches keys exactly, or by prefix with a trailing *, case-sensitively; nothing without patterns', () => {
    const rule = publicConfigRule(['LOG_LEVEL', 'FEATURE_*']);
    expect(['LOG_LEVEL', 'FEATURE_', 'FEATURE_CART', 'log_level', 'LOG_LEVEL_X', 'FEATURES'].map(rule)).toEqual([true, true, true, false, false, false]);
    expect(publicConfigRule([])('LOG_LEVEL')).toBe(false);
    expect(publicConfigRule(['*'])('anything')).toBe(true);
  });
});

describe('withholdFields', () => {
  it('withholds every config and deploymentConfig value but the public ones, listing where', () => {
    const { fields, withheld } = withholdFields(FIELDS, publicConfigRule(['LOG_LEVEL', 'FEATURE*', 'memory']));
    expect(fields).toEqual({
      version: '1.4.2',
      image: 'registry/cart:1.4.2',
      apiToken: WITHHELD,
      // A public value still has nested secret-named keys cut out, as logs do.
      config: { DATABASE_URL: WITHHELD, LOG_LEVEL: 'debug', FEATURE_CART: true, FEATURES: { beta: true, password: '[redacted]' } },
      deploymentConfig: { memory: '1Gi', SMTP_PASS: WITHHELD },
    });
    expect(withheld).toEqual(['apiToken', 'config.DATABASE_URL', 'deploymentConfig.SMTP_PASS']);
    expect(JSON.stringify(fields)).not.toMatch(/hunter2|tok-123|mail-pass/);
  });

  it('withholds a config that is not a map as a whole, and keeps a __proto__ key a plain field', () => {
    const proto = JSON.parse('{"version":"1","config":{"__proto__":{"polluted":"yes"}},"deploymentConfig":"memory=1Gi"}') as Record<string, YamlValue>;
    const { fields, withheld } = withholdFields(proto, publicConfigRule([]));
    expect(withheld).toEqual(['config.__proto__', 'deploymentConfig']);
    expect(Object.getPrototypeOf(fields['config'])).toBe(Object.prototype);
    expect(Object.keys(fields['config'] as object)).toEqual(['__proto__']);
    expect(withholdFields({ version: '1', config: null }, publicConfigRule([]))).toEqual({ fields: { version: '1', config: null }, withheld: [] });
  });
});

describe('StatusViews', () => {
  it('gives roles with secrets:read every value and the others the withheld view, computed once per status', () => {
    const views = new StatusViews(['LOG_LEVEL']);
    const full = status([resource('shop/cart', FIELDS)]);
    expect(views.status(full, 'admin')).toBe(full);
    for (const role of ['viewer', 'ci', 'operator'] as const) {
      const shown = views.status(full, role);
      expect(shown.resources[0]?.envs['dev']).toMatchObject({ withheld: ['apiToken', 'config.DATABASE_URL', 'config.FEATURE_CART', 'config.FEATURES', 'deploymentConfig.memory', 'deploymentConfig.SMTP_PASS'] });
      expect(JSON.stringify(shown)).not.toMatch(/hunter2|tok-123|mail-pass|1Gi/);
      expect(views.status(full, role)).toBe(shown);
    }
    expect(full.resources[0]?.envs['dev']?.fields).toBe(FIELDS);
  });

  it('sends viewers deltas that, applied to their snapshot, give their view of the new state', () => {
    const views = new StatusViews([]);
    const before = status([resource('shop/cart', FIELDS), resource('web', { version: '1' })]);
    const after = status([resource('shop/cart', { ...FIELDS, version: '1.5.0', config: { DATABASE_URL: 'postgres://app:rotated@db/app' } })]);
    const delta = diffStatus(before, after);
    expect(delta).not.toBeNull();
    const event: StatusEvent = { type: 'delta', seq: 2, delta: delta! };
    const shown = views.event(event, 'viewer');
    expect(JSON.stringify(shown)).not.toContain('rotated');
    expect(views.event(event, 'viewer')).toBe(shown);
    expect(views.event(event, 'admin')).toBe(event);
    const snapshot = views.event({ type: 'snapshot', seq: 1, status: before }, 'viewer') as Extract<StatusEvent, { type: 'snapshot' }>;
    expect(applyDelta(snapshot.status, (shown as Extract<StatusEvent, { type: 'delta' }>).delta)).toEqual(viewStatus(after, publicConfigRule([])));
    const bare: StatusEvent = { type: 'delta', seq: 3, delta: { commit: 'c2' } };
    expect(views.event(bare, 'viewer')).toEqual(bare);
  });
});
