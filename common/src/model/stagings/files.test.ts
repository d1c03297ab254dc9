import { describe, expect, it } from 'vitest';
import { repoFilesFromText } from '../../repo/files.ts';
import { createPrng } from '../../testing/prng.ts';
import { parseSnapshot } from '../snapshot.ts';
import { writeStagingFile } from '../writers.ts';
import { parseStagingKindsFile } from './kinds-file.ts';
import { parseStagingFile } from './staging-file.ts';

const KINDS = `stagings:
  feature:
    template: dev
    target: local
    namespace: "shop-{name}"
    baseDomain: shop.example.com
    archiveAfter: 7d
    retention: 14d
    limit: 30
`;

describe('parseStagingKindsFile', () => {
  it('reads a kind with every field', () => {
    const { kinds, problems } = parseStagingKindsFile('stagings.yaml', KINDS);
    expect(problems).toEqual([]);
    expect(kinds.get('feature')).toEqual({ name: 'feature', template: 'dev', target: 'local', namespace: 'shop-{name}', baseDomain: 'shop.example.com', archiveAfterMs: 7 * 86_400_000, retentionMs: 14 * 86_400_000, limit: 30 });
  });

  it('leaves out a bad kind with a located problem and keeps the good one', () => {
    const text = `${KINDS}  broken:\n    template: dev\n    target: local\n    namespace: "kube-{name}"\n    retention: soon\n    limit: 0\n`;
    const { kinds, problems } = parseStagingKindsFile('stagings.yaml', text);
    expect([...kinds.keys()]).toEqual(['feature']);
    expect(problems.map((p) => [p.line, p.message])).toEqual([
      [13, expect.stringMatching(/kube-/)],
      [14, expect.stringMatching(/retention.*duration/)],
      [15, expect.stringMatching(/limit/)],
    ]);
    expect(problems.every((p) => p.file === 'stagings.yaml')).toBe(true);
  });
});

const STAGING = `kind: feature
tag: 1f3e9a2
versions:
  shop/cart: { image: registry.example.com/shop/cart:1f3e9a2 }
overrides:
  app: { FEATURE_FLAGS: new-checkout, RETRIES: 3 }
  deployment: { replicas: 1 }
state: active
`;

describe('parseStagingFile', () => {
  it('reads every field, app values as strings', () => {
    const { staging, problems } = parseStagingFile('stagings/feature-x.yaml', 'feature-x', 'b1', STAGING);
    expect(problems).toEqual([]);
    expect(staging).toMatchObject({ name: 'feature-x', kind: 'feature', tag: '1f3e9a2', app: { FEATURE_FLAGS: 'new-checkout', RETRIES: '3' }, deployment: { replicas: 1 }, state: 'active', versions: { 'shop/cart': { image: 'registry.example.com/shop/cart:1f3e9a2' } } });
    expect(staging.problems).toBeUndefined();
  });

  it.each([
    ['a missing tag', 'kind: feature\n', /"tag" is required/],
    ['a numeric tag', 'kind: feature\ntag: 12\n', /quote it/],
    ['an unknown state', 'kind: feature\ntag: t\nstate: paused\n', /"state" must be one of/],
    ['overrides that are no map', 'kind: feature\ntag: t\noverrides: [1]\n', /"overrides" must be a map/],
    ['an app key that is no variable name', 'kind: feature\ntag: t\noverrides: { app: { "1 BAD": x } }\n', /variable name/],
    ['a control character in a value', 'kind: feature\ntag: t\noverrides: { app: { A: "x\\u0007y" } }\n', /control character/],
    ['a bidirectional control in the tag', 'kind: feature\ntag: "a\\u202eb"\n', /bidirectional/],
    ['plain secrets', 'kind: feature\ntag: t\nsecrets: { app: { KEY: hunter2 } }\n', /not encrypted/],
    ['an unknown key', 'kind: feature\ntag: t\nreplicas: 3\n', /unknown key "replicas"/],
    ['a bad versions entry', 'kind: feature\ntag: t\nversions: { "../x": { a: 1 } }\n', /resource name/],
    ['YAML that does not parse', 'kind: [feature\n', /./],
    ['a list', '- a\n', /must be a map/],
  ])('holds a staging with %s, naming the file and line', (_, text, message) => {
    const { staging, problems } = parseStagingFile('stagings/x.yaml', 'x', 'b1', text);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]!.message).toMatch(message);
    expect(problems[0]!.file).toBe('stagings/x.yaml');
    expect(problems[0]!.staging).toBe('x');
    expect(staging.problems).toEqual(problems);
  });

  it('holds a staging whose file name is no DNS label', () => {
    const { staging } = parseStagingFile('stagings/Feature_X.yaml', 'Feature_X', 'b1', STAGING);
    expect(staging.problems?.[0]?.code).toBe('staging-bad-name');
  });

  it('never throws, whatever the file holds (fuzz)', () => {
    const rng = createPrng(11);
    const pieces = ['kind: ', 'tag: ', 'state: ', 'overrides:', '  app:', '  deployment:', 'secrets:', 'versions:', '  a/b:', '    x: ', '"', "'", '[', '{', '}', ']', ': ', '- ', '&a ', '*a ', '!!binary ', '\n', '  ', 'feature', '1', 'null', '~', '\u0000', '\u2028'];
    for (let i = 0; i < 1500; i++) {
      const text = Array.from({ length: rng.int(40) }, () => pieces[rng.int(pieces.length)]).join('');
      const { staging, problems } = parseStagingFile('stagings/f.yaml', 'f', 'b', text);
      expect(staging.name).toBe('f');
      if (problems.length === 0) expect(staging.kind).not.toBe('');
    }
  });
});

describe('stagings in the snapshot', () => {
  it('keeps a broken staging file as a held staging, beside good ones, and no environment is affected', () => {
    const snapshot = parseSnapshot(repoFilesFromText('c1', {
      'stagings.yaml': KINDS,
      'stagings/good.yaml': STAGING,
      'stagings/bad.yaml': 'kind: [unclosed\n',
      'stagings/README.md': 'how we name stagings',
      'dev/base/web.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: web }\ndata: { v: $version }\n',
      'dev/version/web.yaml': 'version: "1.0"\n',
    }));
    expect([...snapshot.stagings.keys()]).toEqual(['bad', 'good']);
    expect(snapshot.stagings.get('good')!.problems).toBeUndefined();
    expect(snapshot.stagings.get('bad')!.problems?.[0]?.file).toBe('stagings/bad.yaml');
    expect([...snapshot.environments.keys()]).toEqual(['dev']);
    expect(snapshot.environments.get('dev')!.resources.get('web')!.problems).toBeUndefined();
    expect(snapshot.stagingKinds.has('feature')).toBe(true);
  });

  it('reports staging files in sub-folders instead of reading them', () => {
    const snapshot = parseSnapshot(repoFilesFromText('c1', { 'stagings/old/x.yaml': STAGING }));
    expect(snapshot.stagings.size).toBe(0);
    expect(snapshot.problems.map((p) => p.code)).toEqual(['staging-nested']);
  });
});

describe('writeStagingFile', () => {
  it('sets fields and keeps comments and other keys', () => {
    const text = `# feature x for the checkout\n${STAGING}`;
    const written = writeStagingFile(text, { state: 'archived', archivedAt: '2026-12-01T10:00:00.000Z', app: { A: 'b' } });
    expect(written).toContain('# feature x for the checkout');
    const { staging, problems } = parseStagingFile('stagings/x.yaml', 'x', 'b', written);
    expect(problems).toEqual([]);
    expect(staging).toMatchObject({ state: 'archived', archivedAt: '2026-12-01T10:00:00.000Z', app: { A: 'b' }, deployment: { replicas: 1 }, tag: '1f3e9a2' });
    expect(parseStagingFile('stagings/x.yaml', 'x', 'b', writeStagingFile(written, { archivedAt: null, state: 'active' })).staging.archivedAt).toBeUndefined();
  });

  it('writes a new file from nothing', () => {
    const written = writeStagingFile(undefined, { kind: 'feature', tag: 'abc', app: { FLAG: 'on' }, updatedAt: '2026-12-01T10:00:00.000Z' });
    expect(parseStagingFile('stagings/x.yaml', 'x', 'b', written)).toMatchObject({ problems: [], staging: { kind: 'feature', tag: 'abc', app: { FLAG: 'on' } } });
  });

  it('refuses a SOPS file whose MAC covers its plain values', () => {
    const text = `${STAGING}sops:\n  mac: ENC[AES256_GCM,data:x,iv:y,tag:z,type:str]\n  version: 3.9.0\n`;
    expect(() => writeStagingFile(text, { tag: 'new' })).toThrow(/mac_only_encrypted/);
  });
});
