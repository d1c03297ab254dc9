// Git facts for the preconditions, read from a real repository: deployed content vs head, and since when versions are in place.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { parseSnapshot } from '@cascade/common';
import { openRepo } from '@cascade/common/git';
import { createFixture } from '@cascade/git-fixture';
import { statusOf } from '../testing/status-server.ts';
import { RepoObserver } from './observe.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const FIXTURE = `
commits:
  - name: dev-1.1
    files:
      transitions.yaml: "transitions:\\n  pp: { source: dev, target: pp, preconditions: [SourceClean, { SoakTime: { minutes: 5 } }] }\\n"
      dev/version/cart.yaml: "version: '1.1'\\n"
      pp/version/cart.yaml: "version: '1.0'\\n"
  - name: dev-locked
    files:
      dev/locks.yaml: "resource_locks: { cart: { reasons: [why] } }\\n"
  - name: pp-changed
    files:
      pp/version/cart.yaml: "version: '0.9'\\n"
  - name: dev-1.2
    files:
      dev/version/cart.yaml: "version: '1.2'\\n"
  - name: head
    files:
      pp/base/cart.yaml: "kind: ConfigMap\\n"
`;

async function observerAtHead() {
  const fx = await createFixture(FIXTURE);
  const dir = await mkdtemp(join(tmpdir(), 'cascade-observe-'));
  const repo = await openRepo({ url: fx.remote, branch: 'main', dir: join(dir, 'repo.git') });
  cleanups.push(async () => {
    await repo.close();
    await rm(dir, { recursive: true, force: true });
    await fx.cleanup();
  });
  const snapshot = parseSnapshot(await repo.readFiles((await repo.fetch()) ?? ''));
  return { fx, repo, snapshot, observer: new RepoObserver(repo) };
}

it('accepts an older deployed commit when the source did not change since, and no other', async () => {
  const { fx, snapshot, observer } = await observerAtHead();
  const atDev12 = await observer.observe(snapshot, { kind: 'Reported', status: statusOf(fx.commits['dev-1.2'] ?? '', { dev: 'Clean' }) });
  expect([...atDev12.deployedAtHead]).toEqual(['dev']);
  const beforeDev12 = await observer.observe(snapshot, { kind: 'Reported', status: statusOf(fx.commits['dev-locked'] ?? '', { dev: 'Clean' }) });
  expect([...beforeDev12.deployedAtHead]).toEqual([]);
  const unknown = await observer.observe(snapshot, { kind: 'Reported', status: statusOf('0123456789abcdef0123456789abcdef01234567', { dev: 'Clean' }) });
  expect([...unknown.deployedAtHead]).toEqual([]);
});

it('dates the source versions by the commit that last changed them', async () => {
  const { snapshot, observer } = await observerAtHead();
  const observed = await observer.observe(snapshot, { kind: 'Unreachable', message: 'not needed' });
  // git-fixture gives commit i (from 0) the time 1_700_000_000 + 60 i; dev-1.2 is the fourth commit.
  expect(observed.versionsSince.get('dev')).toEqual(new Date((1_700_000_000 + 3 * 60) * 1000));
});

it('takes what changed since the commit it read before from the tree reader, without asking git', async () => {
  const { fx, repo, snapshot } = await observerAtHead();
  const head = snapshot.commit;
  let asked = 0;
  const counting = { changedPaths: (from: string, to: string) => (asked++, repo.changedPaths(from, to)), log: repo.log.bind(repo), readBlob: repo.readBlob.bind(repo) };
  // The deployer had the commit read before the head: the head changed only pp, so dev is deployed at it.
  await repo.readFiles(fx.commits['dev-1.2'] ?? '');
  const afterDev12 = parseSnapshot(await repo.readFiles(head));
  expect((await new RepoObserver(counting).observe(afterDev12, { kind: 'Reported', status: statusOf(fx.commits['dev-1.2'] ?? '', { dev: 'Clean' }) })).deployedAtHead).toEqual(new Set(['dev']));
  // Read after one before dev's 1.2: dev changed since, so it is not deployed at the head.
  await repo.readFiles(fx.commits['pp-changed'] ?? '');
  const afterPpChanged = parseSnapshot(await repo.readFiles(head));
  expect((await new RepoObserver(counting).observe(afterPpChanged, { kind: 'Reported', status: statusOf(fx.commits['pp-changed'] ?? '', { dev: 'Clean' }) })).deployedAtHead).toEqual(new Set());
  expect(asked).toBe(0);
  // Any other commit is asked of git, as before.
  expect((await new RepoObserver(counting).observe(afterPpChanged, { kind: 'Reported', status: statusOf(fx.commits['dev-1.2'] ?? '', { dev: 'Clean' }) })).deployedAtHead).toEqual(new Set(['dev']));
  expect(asked).toBe(1);
});
