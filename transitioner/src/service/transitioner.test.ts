// The transitioner end to end against a real bare remote and a real HTTP deployer status: commits, changelogs, restarts.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { openRepo, type GitRepo } from '@cascade/common/git';
import { createDeployerClient } from '@cascade/common/peers';
import { ManualClock, silentLogger, type TokenEntry } from '@cascade/common/service';
import { createFixture, loadFixtureSpec, type FixtureSpec, type GitFixture } from '@cascade/git-fixture';
import { startStatusServer, statusOf, type StatusServer } from '../testing/status-server.ts';
import { createTransitioner, type Transitioner } from './transitioner.ts';

const execFileAsync = promisify(execFile);
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The fixture remote (versions.yaml, changed by `edit` when given) and a deployer status server, torn down after the test. */
async function setup(edit?: (spec: FixtureSpec) => void): Promise<{ fx: GitFixture; deployer: StatusServer }> {
  const spec = loadFixtureSpec(join(import.meta.dirname, 'fixtures', 'versions.yaml'));
  edit?.(spec);
  const fx = await createFixture(spec);
  cleanups.push(() => fx.cleanup());
  const deployer = await startStatusServer(statusOf(fx.commits.base ?? '', { dev: 'Clean', pp: 'Clean' }));
  cleanups.push(() => deployer.close());
  return { fx, deployer };
}

/** Config values the transitioner reads. */
function testConfig(url: string, tokens: TokenEntry[] = []) {
  return {
    repo: { url, transport: 'path' as const, branch: 'main', pollInterval: 60_000 },
    aggregator: { listen: '127.0.0.1:0', deployer: '', transitioner: '', anonymousRead: false, tokens },
  };
}

/** A transitioner process: its own cache clone (seen through `wrap` when given), a manual clock (rounds only on refresh), started. */
async function startTransitioner(fx: GitFixture, deployer: StatusServer, tokens: TokenEntry[] = [], clock = new ManualClock('2024-01-02T05:10:00Z'), wrap = (repo: GitRepo) => repo): Promise<{ transitioner: Transitioner; repo: GitRepo; notes: string[]; onNotify: Array<() => void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'cascade-transitioner-'));
  const repo = await openRepo({ url: fx.remote, branch: fx.branch, dir: join(dir, 'repo.git') });
  const notes: string[] = [];
  // Run at each notification, to look at the transitioner as the deployer is told.
  const onNotify: Array<() => void> = [];
  const deployerNotifier = {
    notify: (reason: string) => {
      for (const look of onNotify) look();
      notes.push(reason);
    },
    close: () => {},
  };
  const transitioner = createTransitioner({ config: testConfig(fx.remote, tokens), repo: wrap(repo), deployerClient: createDeployerClient(deployer.url), clock, logger: silentLogger, deployerNotifier });
  cleanups.push(async () => {
    await transitioner.stop();
    await repo.close();
    await rm(dir, { recursive: true, force: true });
  });
  return { transitioner, repo, notes, onNotify };
}

const commitCount = async (fx: GitFixture) => Number((await fx.git('rev-list', '--count', 'main')).trim());

describe('transitioner service', () => {
  it('promotes latest → dev at once and dev → pp once the deployer reports dev Clean at the new content, carrying the changelogs', async () => {
    const { fx, deployer } = await setup();
    const { transitioner } = await startTransitioner(fx, deployer);
    await transitioner.runOnce();
    const first = transitioner.status();
    const dev = first.transitions.find((t) => t.name === 'dev');
    expect(dev?.lastResult).toMatchObject({ kind: 'Success', promoted: [{ name: 'shop/cart', change: 'changed', from: '1.0', to: '1.2' }] });
    expect(first.transitions.find((t) => t.name === 'pp')?.lastResult).toMatchObject({ kind: 'Blocked', message: expect.stringContaining('dev changed since') });
    const devCommit = dev?.lastResult?.kind === 'Success' ? dev.lastResult.commit : '';
    expect(await fx.git('log', '-1', '--format=%B', devCommit)).toBe(
      [
        'Promote latest → dev',
        '',
        '* shop/cart 1.0 → 1.2',
        '  Version shop/cart 1.2 on latest',
        '  Faster checkout',
        '  * one fewer page',
        '  Version shop/cart 1.1 on latest',
        '  Fix rounding of discounts',
        '',
        'Cascade-Type: Transition',
        'Cascade-Transition: dev',
        'Cascade-Source: latest',
        'Cascade-Target: dev',
        'Cascade-Resource: shop/cart',
        'Cascade-Version: 1.2',
        '',
        '',
      ].join('\n'),
    );

    // The deployer rolls dev out and says so; the notification runs the next round.
    deployer.set(statusOf(devCommit, { dev: 'Clean', pp: 'Clean' }));
    await transitioner.runOnce();
    const pp = transitioner.status().transitions.find((t) => t.name === 'pp');
    expect(pp?.lastResult).toMatchObject({ kind: 'Success', promoted: [{ name: 'shop/cart', from: '1.0', to: '1.2' }] });
    const ppCommit = pp?.lastResult?.kind === 'Success' ? pp.lastResult.commit : '';
    const ppMessage = await fx.git('log', '-1', '--format=%B', ppCommit);
    expect(ppMessage).toContain('* shop/cart 1.0 → 1.2\n  Version shop/cart 1.2 on latest\n  Faster checkout\n  * one fewer page\n  Version shop/cart 1.1 on latest\n  Fix rounding of discounts\n');
    expect(await fx.readFile('main', 'pp/version/shop/cart.yaml')).toBe('version: "1.2"\n');
    expect(await commitCount(fx)).toBe(5);
  });

  it('promotes the rest past a source file it cannot read, names that file in the commit, and reports it while it lasts', async () => {
    const { fx, deployer } = await setup((spec) => {
      const [base, , v12] = spec.commits;
      base!.files = { ...base!.files, 'latest/version/shop/search.yaml': 'version: "5.0"\n', 'dev/version/shop/search.yaml': 'version: "5.0"\n' };
      v12!.files = { ...v12!.files, 'latest/version/shop/search.yaml': { symlink: 'cart.yaml' } };
    });
    const { transitioner } = await startTransitioner(fx, deployer);
    await transitioner.runOnce();
    const dev = () => transitioner.status().transitions.find((t) => t.name === 'dev');
    expect(dev()?.lastResult).toMatchObject({ kind: 'Success', promoted: [{ name: 'shop/cart', to: '1.2' }], held: [{ name: 'shop/search', file: 'latest/version/shop/search.yaml', code: 'symlink' }] });
    const message = await fx.git('log', '-1', '--format=%B', dev()?.lastSuccess?.commit ?? '');
    expect(message).toContain('Promote latest → dev\n\nHeld (dev keeps what it has):\n- shop/search: latest/version/shop/search.yaml: error: symlinks are not allowed');
    expect(message).toContain('\n\n* shop/cart 1.0 → 1.2\n');

    await transitioner.runOnce();
    expect(dev()?.lastResult).toEqual({ kind: 'CheckFailed', message: expect.stringContaining('shop/search is held (dev keeps what it has): latest/version/shop/search.yaml: error:') });
    expect(await fx.readFile('main', 'dev/version/shop/search.yaml')).toBe('version: "5.0"\n');
  });

  it('tells the deployer of a promotion once its commit is on the remote, before the round is done, and only then', async () => {
    const { fx, deployer } = await setup();
    const { transitioner, notes, onNotify } = await startTransitioner(fx, deployer);
    // What the round had reported when the deployer was told: nothing yet, since the rest of the round (pp, the
    // staging lifecycle, the final read) does not hold up the deployer's fetch.
    const reportedWhenTold: unknown[] = [];
    onNotify.push(() => reportedWhenTold.push(transitioner.status().transitions.find((t) => t.name === 'dev')?.lastResult));
    await transitioner.runOnce();
    expect(notes).toEqual(['promoted by dev']);
    expect(reportedWhenTold).toEqual([undefined]);
    const promoted = transitioner.status().transitions.find((t) => t.name === 'dev')?.lastResult;
    expect((await fx.git('rev-parse', 'main')).trim()).toBe(promoted?.kind === 'Success' ? promoted.commit : 'no promotion');
    await transitioner.runOnce();
    expect(notes).toEqual(['promoted by dev']);
  });

  it('leaves out a polled round whose head and deployer report are as the last round decided on, and decides once either changes', async () => {
    const { fx, deployer } = await setup();
    const { transitioner } = await startTransitioner(fx, deployer);
    const rounds = async (outcome: string) => Number(new RegExp(`cascade_transitioner_rounds_total\\{outcome="${outcome}"\\} (\\d+)`).exec(await (await transitioner.app.request('/metrics')).text())?.[1] ?? 0);
    // The loop's first round promotes to dev (a commit); a later one decides on that head and writes nothing (pp waits for dev).
    transitioner.start();
    await transitioner.refresh();
    await transitioner.refresh();
    expect(await commitCount(fx)).toBe(4);
    const left = await rounds('unchanged');
    const asked = deployer.requests;
    await transitioner.refresh();
    // Fetched and asked, the deployer answered 304: nothing to decide again.
    expect(deployer.requests).toBe(asked + 1);
    expect(await rounds('unchanged')).toBe(left + 1);
    expect(await commitCount(fx)).toBe(4);
    // The deployer reports dev rolled out: the next round decides, and promotes to pp.
    const devCommit = transitioner.status().transitions.find((t) => t.name === 'dev')?.lastSuccess?.commit ?? '';
    deployer.set(statusOf(devCommit, { dev: 'Clean', pp: 'Clean' }));
    await transitioner.refresh();
    expect(transitioner.status().transitions.find((t) => t.name === 'pp')?.lastResult).toMatchObject({ kind: 'Success' });
    expect(await commitCount(fx)).toBe(5);
    expect(await rounds('unchanged')).toBe(left + 1);
  });

  it("reads the head it has on the deployer's status news alone, and fetches on any other refresh, a one-shot round, or once a poll interval passed", async () => {
    const { fx, deployer } = await setup();
    const clock = new ManualClock('2024-01-02T05:10:00Z');
    const { transitioner } = await startTransitioner(fx, deployer, [], clock);
    transitioner.start();
    await transitioner.refresh();
    const pushDirectly = async () => {
      const clone = await fx.clone();
      await execFileAsync('git', ['commit', '--allow-empty', '-q', '-m', 'A person commits directly'], { cwd: clone });
      await execFileAsync('git', ['push', '-q', 'origin', 'HEAD:main'], { cwd: clone });
      return (await execFileAsync('git', ['rev-parse', 'HEAD'], { cwd: clone })).stdout.trim();
    };
    const before = transitioner.status().commit;
    const first = await pushDirectly();
    await transitioner.refresh('status');
    expect(transitioner.status().commit).toBe(before);
    await transitioner.refresh();
    expect(transitioner.status().commit).toBe(first);

    const second = await pushDirectly();
    await transitioner.refresh('status');
    expect(transitioner.status().commit).toBe(first);
    await clock.advance(60_000);
    await transitioner.refresh('status');
    expect(transitioner.status().commit).toBe(second);

    // A one-shot round reads the repo as it is, however recent the loop's last fetch.
    const third = await pushDirectly();
    await transitioner.runOnce();
    expect(transitioner.status().commit).toBe(third);
  });

  it('asks the deployer while it fetches, not after', async () => {
    const { fx, deployer } = await setup();
    // A fetch that ends only once the deployer was asked (or after a while, when it never is before the fetch ends).
    let askedDuringFetch = false;
    let fetched = () => {};
    const fetchDone = new Promise<void>((resolve) => (fetched = resolve));
    const slowFetch = (repo: GitRepo): GitRepo => ({
      ...repo,
      fetch: async () => {
        for (let waited = 0; deployer.requests === 0 && waited < 3000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
        askedDuringFetch = deployer.requests > 0;
        fetched();
        return repo.fetch();
      },
    });
    const { transitioner } = await startTransitioner(fx, deployer, [], undefined, slowFetch);
    deployer.hold();
    const round = transitioner.runOnce();
    await fetchDone;
    deployer.release();
    await round;
    expect(askedDuringFetch).toBe(true);
    expect(transitioner.status().transitions.find((t) => t.name === 'dev')?.lastResult?.kind).toBe('Success');
  });

  it('stopped in the middle of a round and restarted, makes each promotion exactly once', async () => {
    const { fx, deployer } = await setup();
    const first = await startTransitioner(fx, deployer);
    deployer.hold();
    first.transitioner.start();
    // Stop while the round waits for the deployer: it must not write after being told to stop.
    while (deployer.requests === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const stopping = first.transitioner.stop();
    deployer.release();
    await stopping;
    expect(await commitCount(fx)).toBe(3);

    const second = await startTransitioner(fx, deployer);
    await second.transitioner.runOnce();
    expect(await commitCount(fx)).toBe(4);

    // A third process after the commit: the promotion is there already, nothing is repeated.
    const third = await startTransitioner(fx, deployer);
    await third.transitioner.runOnce();
    expect(third.transitioner.status().transitions.find((t) => t.name === 'dev')?.lastResult).toEqual({ kind: 'Skipped', reason: { kind: 'NoChange' } });
    expect(await commitCount(fx)).toBe(4);
  });

  it('two transitioners at once still make one commit per promotion', async () => {
    const { fx, deployer } = await setup();
    const a = await startTransitioner(fx, deployer);
    const b = await startTransitioner(fx, deployer);
    await Promise.all([a.transitioner.runOnce(), b.transitioner.runOnce()]);
    expect(await commitCount(fx)).toBe(4);
    // The loser re-decides on the winner's head and finds nothing to do; when both built the very same commit
    // (same parent, tree, message and second) git stores it once, and both report that one commit.
    const successes = new Set([a, b].map((t) => t.transitioner.status().transitions.find((s) => s.name === 'dev')?.lastSuccess?.commit).filter(Boolean));
    expect(successes).toEqual(new Set([(await fx.git('rev-parse', 'main')).trim()]));
  });
});
