// The staging views decided from a parsed repo and a deployer answer: pure, no git, no HTTP.
import { describe, expect, it } from 'vitest';
import type { DeployerStatus } from '@cascade/common';
import { deriveStagings, parseSnapshot, repoFilesFromText } from '@cascade/common';
import type { PeerStatus } from '@cascade/common/api';
import { StagingChanges } from '../history/staging-changes.ts';
import { archivePendingOf, buildStagingViews, deployerStagings, stagingKindViews } from './staging-views.ts';
import { withWebLinksOnly } from './web-links.ts';

const DAY = 86_400_000;
const snapshot = parseSnapshot(
  repoFilesFromText('c0ffee', {
    'dev/base/web.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: web }\ndata: { version: $version }\n',
    'dev/version/web.yaml': 'version: "1"\n',
    'stagings.yaml': 'stagings:\n  feature: { template: dev, target: local, namespace: "shop-{name}", baseDomain: shop.example.com, archiveAfter: 7d, retention: 14d, limit: 2 }\n',
    'stagings/running.yaml': 'kind: feature\ntag: "1"\nstate: active\nupdatedAt: "2026-12-01T00:00:00Z"\n',
    'stagings/resting.yaml': 'kind: feature\ntag: "1"\nstate: archived\narchivedAt: "2026-12-02T00:00:00Z"\n',
    'stagings/broken.yaml': 'kind: hotfix\ntag: "1"\n',
  }),
);

const deployer = (stagings: unknown): PeerStatus<DeployerStatus> => ({ state: 'ok', url: 'http://deployer', fetchedAt: '2026-12-03T00:00:00Z', status: { environments: [], stagings } as DeployerStatus });

describe('buildStagingViews', () => {
  const views = buildStagingViews(snapshot, {
    derived: deriveStagings(snapshot),
    deployer: deployerStagings(deployer([{ name: 'running', kind: 'feature', tag: '1', phase: 'Running', links: [], resources: [], errors: [] }])),
    changes: new StagingChanges(),
    secrets: () => [],
  });
  const byName = new Map(views.map((view) => [view.name, view]));

  it('lists every staging by name, held ones with their problems', () => {
    expect(views.map((view) => view.name)).toEqual(['broken', 'resting', 'running']);
    expect(byName.get('broken')).toMatchObject({ state: 'active', problems: [{ code: 'staging-unknown-kind', file: 'stagings/broken.yaml' }], reason: expect.stringContaining('kind "hotfix"') });
    expect(byName.get('broken')).not.toHaveProperty('phase');
  });

  it('says when an active staging is archived and an archived one cleaned up', () => {
    expect(byName.get('running')).toMatchObject({ phase: 'Running', namespace: 'shop-running', archiveAt: new Date(Date.parse('2026-12-01T00:00:00Z') + 7 * DAY).toISOString(), links: [{ url: 'https://running.shop.example.com' }] });
    expect(byName.get('resting')).toMatchObject({ cleanupAt: new Date(Date.parse('2026-12-02T00:00:00Z') + 14 * DAY).toISOString() });
    expect(byName.get('resting')).not.toHaveProperty('archiveAt');
  });

  it('counts active stagings against the kind\'s limit, and archived ones only while their archive is pending', () => {
    expect(stagingKindViews(snapshot, deployerStagings(deployer([])))[0]).toMatchObject({ name: 'feature', limit: 2, counted: 1 });
    const pending = deployerStagings(deployer([{ name: 'resting', phase: 'ArchivePending' }]));
    expect(archivePendingOf(pending)).toEqual(new Set(['resting']));
    expect(stagingKindViews(snapshot, pending)[0]).toMatchObject({ counted: 2 });
  });
});

describe('the deployer\'s stagings', () => {
  it('keeps entries with a name and a phase, and only http(s) links', () => {
    const found = deployerStagings(deployer([null, { name: 'x' }, { name: 'y', phase: 'Running', links: [{ name: 'a', url: 'https://y.example' }, { name: 'b', url: 'javascript:alert(1)' }], resources: 'no' }]));
    expect([...found.keys()]).toEqual(['y']);
    expect(found.get('y')).toMatchObject({ links: [{ name: 'a', url: 'https://y.example' }], resources: [], errors: [] });
    expect(deployerStagings({ state: 'unknown', url: 'http://deployer' }).size).toBe(0);
    expect(deployerStagings(deployer('nonsense')).size).toBe(0);
  });

  it('reach clients of the status with only http(s) links, in the staging and in its resources', () => {
    const peer = withWebLinksOnly(deployer([{ name: 'y', phase: 'Running', links: [{ name: 'b', url: 'data:text/html,x' }], resources: [{ name: 'web', state: 'Clean', errors: [], links: [{ name: 'c', url: 'javascript:x' }, { name: 'd', url: 'http://ok' }] }], errors: [] }]));
    const staging = peer.state === 'ok' ? peer.status.stagings?.[0] : undefined;
    expect(staging?.links).toEqual([]);
    expect(staging?.resources[0]?.links).toEqual([{ name: 'd', url: 'http://ok' }]);
  });
});
