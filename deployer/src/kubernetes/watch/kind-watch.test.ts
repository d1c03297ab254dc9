import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { Manifest } from '@cascade/common';
import { ManualClock, silentLogger } from '@cascade/common/service';
import type { HeldAt, OpenWatch, WatchNews, WatchSource, WatchSpec } from './kind-watch.ts';
import { KindWatch } from './kind-watch.ts';
import type { WatchEvent } from './object-store.ts';
import { ObjectStore } from './object-store.ts';

const cm = (name: string, resourceVersion: string): Manifest => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'dev', resourceVersion } });
/** A ConfigMap Cascade applied (its apply record present), with data the store does not keep. */
const appliedCm = (name: string, resourceVersion: string): Manifest => ({
  ...cm(name, resourceVersion),
  metadata: { name, namespace: 'dev', resourceVersion, managedFields: [{ manager: 'cascade', operation: 'Apply', fieldsV1: { 'f:data': { 'f:big': {} } } }] },
  data: { big: 'x'.repeat(1000) },
});
const SPEC: WatchSpec = { apiVersion: 'v1', kind: 'ConfigMap', labelSelector: 'cascade.dev/env=dev' };

/** A list the fake server answers: `items` as one page, or `pages` one after the other, each after `between` resolves. */
interface ScriptedList {
  items: Manifest[];
  resourceVersion: string;
  pages?: Manifest[][];
  between?: () => Promise<void>;
}

interface Stream {
  resourceVersion: string;
  send(event: WatchEvent): void;
  end(error?: unknown): void;
  aborted: boolean;
}

/** A scripted API server: lists answer from a queue, each watch is a stream the test drives. */
class FakeServer implements WatchSource {
  readonly lists: Array<ScriptedList | Error> = [];
  readonly streams: Stream[] = [];
  listCalls = 0;
  /** What each list was given to look up held objects with. */
  readonly helds: Array<HeldAt | undefined> = [];
  /** Errors the next watch requests fail with, one each. */
  readonly watchFailures: unknown[] = [];
  /** Events the next watch streams send before the request has even resolved, as a fast server may; one list each. */
  readonly earlyEvents: WatchEvent[][] = [];

  async list(_spec: WatchSpec, onPage: (items: Manifest[]) => void, held?: HeldAt): Promise<string> {
    this.listCalls++;
    this.helds.push(held);
    const next = this.lists.shift();
    if (next === undefined) throw new Error('no list scripted');
    if (next instanceof Error) throw next;
    const { pages = [next.items], between, resourceVersion } = next;
    // Each page is let go of once handed over, as a real list does: nothing here holds one while the next is awaited.
    for (let first = true; pages.length > 0; first = false) {
      if (!first) await between?.();
      onPage(pages.shift()!);
    }
    return resourceVersion;
  }

  async watch(_spec: WatchSpec, resourceVersion: string, onEvent: (event: WatchEvent) => void, done: (error: unknown) => void): Promise<OpenWatch> {
    let ended = false;
    const stream: Stream = {
      resourceVersion,
      aborted: false,
      send: (event) => void (ended || onEvent(event)),
      end: (error) => {
        if (ended) return;
        ended = true;
        done(error ?? null);
      },
    };
    this.streams.push(stream);
    if (this.watchFailures.length > 0) stream.end(this.watchFailures.shift());
    for (const event of this.earlyEvents.shift() ?? []) stream.send(event);
    return { abort: () => { stream.aborted = true; stream.end(new Error('aborted')); } };
  }

  get latest(): Stream {
    return this.streams[this.streams.length - 1]!;
  }
}

/** A server that also answers confirming lists (names and versions alone), from a queue, as the real source judges them. */
class ConfirmingServer extends FakeServer {
  readonly confirms: Array<{ items: Manifest[]; resourceVersion: string } | Error> = [];
  /** The count each confirming list was asked to find. */
  readonly confirmCalls: number[] = [];

  async confirm(_spec: WatchSpec, held: HeldAt, count: number): Promise<string | undefined> {
    this.confirmCalls.push(count);
    const next = this.confirms.shift();
    if (next === undefined) throw new Error('no confirming list scripted');
    if (next instanceof Error) throw next;
    const allHeld = next.items.every((o) => {
      const { name, namespace, resourceVersion } = o.metadata as { name: string; namespace?: string; resourceVersion: string };
      return held(name, namespace, resourceVersion) !== undefined;
    });
    return allHeld && next.items.length === count ? next.resourceVersion : undefined;
  }
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) await new Promise((resolve) => setImmediate(resolve));
  expect(condition()).toBe(true);
}

function started(server: FakeServer, clock = new ManualClock(), store?: ObjectStore) {
  const news: WatchNews[] = [];
  const listed = { count: 0 };
  const watch = new KindWatch({ spec: SPEC, source: server, clock, logger: silentLogger, onNews: (n) => void news.push(n), onListed: () => void listed.count++, ...(store ? { store } : {}) });
  watch.start();
  return { watch, news, clock, listed };
}

/** A full garbage collection, without starting the test process with --expose-gc. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

describe('KindWatch', () => {
  it('lets go of the list as received once the store has it, while the watch after it runs', async () => {
    const server = new FakeServer();
    // Made in a function of its own, so that nothing of this test's frame holds the list.
    const received = ((): WeakRef<ScriptedList> => {
      const list: ScriptedList = { items: [cm('a', '3'), cm('b', '4')], resourceVersion: '7' };
      server.lists.push(list);
      return new WeakRef(list);
    })();
    const { watch } = started(server);
    await until(() => server.streams.length === 1);
    // WeakRefs are cleared only by a collection after the job that last read them has ended.
    for (let i = 0; i < 3 && received.deref() !== undefined; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      collectGarbage();
    }
    expect(received.deref()).toBeUndefined();
    expect(watch.store.values()).toEqual([cm('a', '3'), cm('b', '4')]);
    await watch.stop();
  });

  it('takes a list in page by page: an object as received is garbage before the next page arrives', async () => {
    const server = new FakeServer();
    let nextPage!: () => void;
    const between = () => new Promise<void>((resolve) => (nextPage = resolve));
    // Made in a function of its own, so that nothing of this test's frame holds the objects as received.
    const received = ((): WeakRef<Manifest> => {
      const first = appliedCm('a', '3');
      server.lists.push({ items: [], resourceVersion: '9', pages: [[first], [appliedCm('b', '4')]], between });
      return new WeakRef(first);
    })();
    const { watch, news } = started(server);
    await until(() => nextPage !== undefined);
    for (let i = 0; i < 3 && received.deref() !== undefined; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      collectGarbage();
    }
    // The list is still under way, and only what the store keeps of the first page is left.
    expect(received.deref()).toBeUndefined();
    expect(news).toEqual([]);
    nextPage();
    await until(() => server.streams.length === 1);
    expect(watch.store.values().map((object) => [(object.metadata as { name?: string }).name, object.data])).toEqual([['a', undefined], ['b', undefined]]);
    expect(server.latest.resourceVersion).toBe('9');
    await watch.stop();
  });

  it('lists, says it is synced, then watches from the list resourceVersion and reports each change', async () => {
    const server = new FakeServer();
    server.lists.push({ items: [cm('a', '3')], resourceVersion: '7' });
    const { watch, news } = started(server);
    await until(() => server.streams.length === 1);
    expect(watch.synced).toBe(true);
    expect(news).toEqual([{ kind: 'synced' }]);
    expect(server.latest.resourceVersion).toBe('7');
    server.latest.send({ type: 'MODIFIED', object: cm('a', '9') });
    server.latest.send({ type: 'BOOKMARK', object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { resourceVersion: '12' } } });
    expect(news.slice(1)).toEqual([{ kind: 'changed', changes: [{ type: 'modified', object: cm('a', '9') }] }]);
    expect(watch.store.resourceVersion).toBe('12');
    await watch.stop();
    expect(server.latest.aborted).toBe(true);
  });

  it('watches again from the last resourceVersion when a stream that delivered events closes, without waiting', async () => {
    const server = new FakeServer();
    server.lists.push({ items: [], resourceVersion: '7' });
    const { watch, clock } = started(server);
    await until(() => server.streams.length === 1);
    server.latest.send({ type: 'ADDED', object: cm('b', '8') });
    server.latest.end();
    await until(() => server.streams.length === 2);
    expect(server.latest.resourceVersion).toBe('8');
    expect(clock.sleeping).toBe(0);
    expect(server.listCalls).toBe(1);
    await watch.stop();
  });

  it('backs off after a failed or empty stream and then watches again from the same resourceVersion', async () => {
    const server = new FakeServer();
    server.lists.push({ items: [], resourceVersion: '7' });
    const { watch, clock } = started(server);
    await until(() => server.streams.length === 1);
    server.latest.end(new Error('socket hang up'));
    await clock.whenSleeping(1);
    expect(server.streams).toHaveLength(1);
    await clock.advance(clock.pendingDelays()[0]!);
    await until(() => server.streams.length === 2);
    expect(server.latest.resourceVersion).toBe('7');
    expect(watch.synced).toBe(true);
    expect(server.listCalls).toBe(1);
    await watch.stop();
  });

  it('backs off after a stream that brought only error events, instead of reopening it at once', async () => {
    const server = new FakeServer();
    server.lists.push({ items: [], resourceVersion: '7' });
    const { watch, clock } = started(server);
    await until(() => server.streams.length === 1);
    server.latest.send({ type: 'ERROR', object: { kind: 'Status', code: 500, message: 'internal error' } });
    server.latest.end();
    await clock.whenSleeping(1);
    expect(server.streams).toHaveLength(1);
    expect(watch.synced).toBe(true);
    await watch.stop();
  });

  it('lists afresh after a 410 Gone event and reports what the list changed', async () => {
    const server = new FakeServer();
    server.lists.push({ items: [cm('a', '3'), cm('b', '4')], resourceVersion: '7' }, { items: [cm('a', '3'), cm('c', '500')], resourceVersion: '600' });
    const { watch, news } = started(server);
    await until(() => server.streams.length === 1);
    server.latest.send({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version: 7 (300)' } });
    await until(() => server.streams.length === 2);
    expect(server.listCalls).toBe(2);
    expect(server.latest.resourceVersion).toBe('600');
    expect(news.slice(1)).toEqual([{ kind: 'changed', changes: [{ type: 'added', object: cm('c', '500') }, { type: 'deleted', object: cm('b', '4') }] }]);
    await watch.stop();
  });

  it('ends a stream whose 410 Gone event came before the request resolved, and trusts nothing it sent after it', async () => {
    const server = new FakeServer();
    server.lists.push({ items: [cm('a', '3')], resourceVersion: '7' }, { items: [cm('a', '3')], resourceVersion: '600' });
    server.earlyEvents.push([
      { type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version: 7 (300)' } },
      { type: 'ADDED', object: cm('late', '8') },
    ]);
    const { watch } = started(server);
    await until(() => server.streams.length === 2);
    expect(server.streams[0]!.aborted).toBe(true);
    expect(server.listCalls).toBe(2);
    expect(server.latest.resourceVersion).toBe('600');
    expect(watch.store.values()).toEqual([cm('a', '3')]);
    await watch.stop();
  });

  it('lists afresh when the watch request itself is refused with 410, as when resuming from a stale resourceVersion', async () => {
    const server = new FakeServer();
    const store = new ObjectStore();
    store.replace([cm('stale', '1')], '1');
    server.watchFailures.push(Object.assign(new Error('Gone'), { statusCode: 410 }));
    server.lists.push({ items: [cm('fresh', '400')], resourceVersion: '400' });
    const { watch } = started(server, new ManualClock(), store);
    await until(() => server.streams.length === 2);
    expect(server.streams.map((s) => s.resourceVersion)).toEqual(['1', '400']);
    expect(watch.store.values()).toEqual([cm('fresh', '400')]);
    await watch.stop();
  });

  it('reports failing while lists fail, retries them with backoff, and is synced again once one succeeds', async () => {
    const server = new FakeServer();
    server.lists.push(new Error('forbidden'), new Error('forbidden'), { items: [], resourceVersion: '5' });
    const { watch, news, clock } = started(server);
    await clock.whenSleeping(1);
    expect(watch.isFailing).toBe(true);
    expect(watch.synced).toBe(false);
    await clock.advance(clock.pendingDelays()[0]!);
    await clock.whenSleeping(1);
    const second = clock.pendingDelays()[0]!;
    await clock.advance(second);
    await until(() => server.streams.length === 1);
    expect(watch.isFailing).toBe(false);
    expect(watch.synced).toBe(true);
    // One "failing" however many lists fail in a row.
    expect(news).toEqual([{ kind: 'failing', reason: 'forbidden' }, { kind: 'synced' }]);
    await watch.stop();
  });

  it('is neither synced nor watching while the server refuses the watch itself, and recovers once a stream delivers', async () => {
    const server = new FakeServer();
    server.lists.push({ items: [], resourceVersion: '7' });
    server.watchFailures.push(Object.assign(new Error('Forbidden'), { statusCode: 403 }), Object.assign(new Error('Forbidden'), { statusCode: 403 }));
    const { watch, news, clock } = started(server);
    await clock.whenSleeping(1);
    expect(watch.synced).toBe(false);
    expect(watch.isFailing).toBe(true);
    await clock.advance(clock.pendingDelays()[0]!);
    await clock.whenSleeping(1);
    await clock.advance(clock.pendingDelays()[0]!);
    await until(() => server.streams.length === 3);
    server.latest.send({ type: 'BOOKMARK', object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { resourceVersion: '9' } } });
    expect(watch.synced).toBe(true);
    expect(watch.isFailing).toBe(false);
    server.latest.end();
    await until(() => server.streams.length === 4);
    expect(news).toEqual([{ kind: 'synced' }, { kind: 'failing', reason: 'Forbidden' }]);
    expect(server.streams.map((s) => s.resourceVersion)).toEqual(['7', '7', '7', '9']);
    await watch.stop();
  });

  it('lists afresh at once when asked (the full reconcile), not synced until the list is in', async () => {
    const server = new FakeServer();
    server.lists.push({ items: [cm('a', '3')], resourceVersion: '7' });
    const { watch, listed } = started(server);
    await until(() => server.streams.length === 1);
    expect(listed.count).toBe(1);
    watch.relist();
    expect(watch.synced).toBe(false);
    expect(server.streams[0]!.aborted).toBe(true);
    server.lists.push({ items: [cm('a', '3')], resourceVersion: '90' });
    await until(() => server.streams.length === 2);
    expect(watch.synced).toBe(true);
    expect(listed.count).toBe(2);
    expect(server.latest.resourceVersion).toBe('90');
    await watch.stop();
  });

  it('lets a relist hand over the objects it holds at the listed resourceVersion, and a first list parse everything', async () => {
    const server = new FakeServer();
    server.lists.push({ items: [cm('a', '3'), cm('b', '4')], resourceVersion: '7' });
    const { watch } = started(server);
    await until(() => server.streams.length === 1);
    expect(server.helds).toEqual([undefined]);
    const [a] = watch.store.values();
    server.lists.push({ items: [cm('a', '3')], resourceVersion: '9' });
    watch.relist();
    await until(() => server.streams.length === 2);
    const held = server.helds[1]!;
    expect(held('a', 'dev', '3')).toBe(a);
    expect([held('a', 'dev', '4'), held('a', 'prod', '3'), held('c', 'dev', '3')]).toEqual([undefined, undefined, undefined]);
    await watch.stop();
  });

  it('confirms a relist from names and versions alone: nothing is read whole, nothing is news, the watch goes on from the new version', async () => {
    const server = new ConfirmingServer();
    server.lists.push({ items: [cm('a', '3'), cm('b', '4')], resourceVersion: '7' });
    const { watch, news, listed } = started(server);
    await until(() => server.streams.length === 1);
    const before = watch.store.values();
    server.confirms.push({ items: [cm('b', '4'), cm('a', '3')], resourceVersion: '20' });
    watch.relist();
    await until(() => server.streams.length === 2);
    expect(server.confirmCalls).toEqual([2]);
    expect(server.listCalls).toBe(1);
    expect(watch.store.values()).toEqual(before);
    expect(watch.store.values()[0]).toBe(before[0]);
    expect(server.latest.resourceVersion).toBe('20');
    expect(news).toEqual([{ kind: 'synced' }]);
    expect(listed.count).toBe(2);
    await watch.stop();
  });

  it('reads the whole objects when names and versions differ (changed, deleted, added), and reports what the list changed', async () => {
    for (const confirmed of [[cm('a', '5'), cm('b', '4')], [cm('a', '3')], [cm('a', '3'), cm('b', '4'), cm('c', '6')]]) {
      const server = new ConfirmingServer();
      server.lists.push({ items: [cm('a', '3'), cm('b', '4')], resourceVersion: '7' });
      const { watch, news } = started(server);
      await until(() => server.streams.length === 1);
      server.confirms.push({ items: confirmed, resourceVersion: '20' });
      server.lists.push({ items: confirmed, resourceVersion: '21' });
      watch.relist();
      await until(() => server.streams.length === 2);
      expect(server.listCalls).toBe(2);
      expect(server.latest.resourceVersion).toBe('21');
      expect(watch.store.values().map((o) => `${(o.metadata as { name: string }).name}@${(o.metadata as { resourceVersion: string }).resourceVersion}`).sort()).toEqual(confirmed.map((o) => `${(o.metadata as { name: string }).name}@${(o.metadata as { resourceVersion: string }).resourceVersion}`).sort());
      expect(news).toHaveLength(2);
      expect(news[1]).toMatchObject({ kind: 'changed' });
      await watch.stop();
    }
  });

  it('treats a confirming list that fails as a failed list: failing, then listed again after the backoff', async () => {
    const server = new ConfirmingServer();
    server.lists.push({ items: [cm('a', '3')], resourceVersion: '7' });
    const { watch, news, clock } = started(server);
    await until(() => server.streams.length === 1);
    server.confirms.push(new Error('connect ECONNREFUSED'));
    watch.relist();
    await clock.whenSleeping(1);
    expect(watch.synced).toBe(false);
    expect(news.at(-1)).toEqual({ kind: 'failing', reason: 'connect ECONNREFUSED' });
    server.confirms.push({ items: [cm('a', '3')], resourceVersion: '30' });
    await clock.advance(60_000);
    await until(() => server.streams.length === 2);
    expect(watch.synced).toBe(true);
    expect(server.latest.resourceVersion).toBe('30');
    expect(server.listCalls).toBe(1);
    await watch.stop();
  });

  it('stops during a backoff wait without watching again', async () => {
    const server = new FakeServer();
    server.lists.push(new Error('connect ECONNREFUSED'));
    const { watch, clock } = started(server);
    await clock.whenSleeping(1);
    await watch.stop();
    expect(clock.sleeping).toBe(0);
    expect(server.streams).toHaveLength(0);
  });
});
