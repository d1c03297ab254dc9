// What the benchmark learns from watching rather than polling: objects appearing in the API server, a Deployment's
// image and rollout per namespace, and each new head of the bare remote.
import { execFileSync } from 'node:child_process';
import { readFileSync, watch as watchFs, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { Watch, type KubeConfig, type KubernetesObject, type V1Deployment } from '@kubernetes/client-node';

/** The kinds every generated resource deploys, with their cluster-wide watch paths. */
const KIND_PATHS = { Deployment: '/apis/apps/v1/deployments', Service: '/api/v1/services', ConfigMap: '/api/v1/configmaps' } as const;

/** Cluster-wide watches of the generated objects. */
export interface ClusterWatch {
  /** How many distinct objects named as in `names` were seen in each of `namespaces`. */
  countIn(namespaces: readonly string[], names: ReadonlySet<string>): number[];
  /** When the number of distinct objects in `namespaces` named as in `names` reached `count`, or undefined. */
  completeAt(namespaces: ReadonlySet<string>, names: ReadonlySet<string>, count: number): number | undefined;
  /** Per namespace, when the last of its objects named in `names` was first seen; undefined for a namespace with none. */
  lastSeenIn(namespaces: readonly string[], names: ReadonlySet<string>): Array<number | undefined>;
  /** When `image` was first seen in Deployment `name` of `namespace`. */
  imageSeen(namespace: string, name: string, image: string): number | undefined;
  /** When Deployment `name` of `namespace` was first seen rolled out with `image`. */
  rolledOut(namespace: string, name: string, image: string): number | undefined;
  /** How many distinct Deployments are rolled out with their current image in `namespace`. */
  rolledOutCount(namespace: string): number;
  stop(): void;
}

/** Starts watching Deployments, Services and ConfigMaps in every namespace; times are performance.now(). */
export async function watchCluster(kc: KubeConfig): Promise<ClusterWatch> {
  const seen = new Map<string, number>();
  const images = new Map<string, number>();
  const rollouts = new Map<string, number>();
  const current = new Map<string, boolean>();
  let completeAt: number | undefined;
  let lastCount = 0;
  let stopped = false;
  const controllers: AbortController[] = [];
  for (const [kind, path] of Object.entries(KIND_PATHS)) {
    // Where a watch that ends goes on from: without it, it would list every object of the kind again (120,000 at
    // 10,000 × 4), and this process would be busy with them while it times a push.
    let resourceVersion: string | undefined;
    const onEvent = (phase: string, object: KubernetesObject) => {
      // 410 Gone: too old to go on from; the next start lists afresh.
      if (phase === 'ERROR') return void (resourceVersion = undefined);
      resourceVersion = object.metadata?.resourceVersion ?? resourceVersion;
      if (phase === 'BOOKMARK') return;
      const now = performance.now();
      const key = `${kind} ${object.metadata?.namespace}/${object.metadata?.name}`;
      if (phase !== 'DELETED' && !seen.has(key)) seen.set(key, now);
      if (kind !== 'Deployment') return;
      const deployment = object as V1Deployment;
      const at = `${object.metadata?.namespace}/${object.metadata?.name}`;
      const image = deployment.spec?.template.spec?.containers[0]?.image ?? '';
      if (!images.has(`${at} ${image}`)) images.set(`${at} ${image}`, now);
      const done = isRolledOut(deployment);
      current.set(at, done);
      if (done && !rollouts.has(`${at} ${image}`)) rollouts.set(`${at} ${image}`, now);
    };
    // A watch that ends (the API server closes them every few minutes) is started again; objects already seen keep their first time.
    const start = async (): Promise<void> => {
      const from = resourceVersion === undefined ? {} : { resourceVersion };
      const controller = await new Watch(kc).watch(path, { allowWatchBookmarks: true, ...from }, onEvent, () => {
        if (!stopped) setTimeout(() => void start().catch(() => {}), 100);
      });
      controllers.push(controller);
    };
    await start();
  }
  return {
    countIn(namespaces, names) {
      const counts = namespaces.map(() => 0);
      for (const key of seen.keys()) {
        const { namespace, name } = placeOf(key);
        const index = namespaces.indexOf(namespace);
        if (index >= 0 && names.has(name)) counts[index]!++;
      }
      return counts;
    },
    completeAt(namespaces, names, count) {
      if (completeAt !== undefined) return completeAt;
      // Counting is linear in what was seen, so only recount when something new arrived.
      if (seen.size === lastCount) return undefined;
      lastCount = seen.size;
      let found = 0;
      let latest = 0;
      for (const [key, time] of seen) {
        const { namespace, name } = placeOf(key);
        if (namespaces.has(namespace) && names.has(name)) {
          found++;
          latest = Math.max(latest, time);
        }
      }
      if (found >= count) completeAt = latest;
      return completeAt;
    },
    lastSeenIn(namespaces, names) {
      const latest: Array<number | undefined> = namespaces.map(() => undefined);
      for (const [key, time] of seen) {
        const { namespace, name } = placeOf(key);
        const index = namespaces.indexOf(namespace);
        if (index >= 0 && names.has(name)) latest[index] = Math.max(latest[index] ?? 0, time);
      }
      return latest;
    },
    imageSeen: (namespace, name, image) => images.get(`${namespace}/${name} ${image}`),
    rolledOut: (namespace, name, image) => rollouts.get(`${namespace}/${name} ${image}`),
    rolledOutCount(namespace) {
      let count = 0;
      for (const [at, done] of current) if (done && at.startsWith(`${namespace}/`)) count++;
      return count;
    },
    stop() {
      stopped = true;
      controllers.forEach((c) => c.abort());
    },
  };
}

/** What `kubectl rollout status` calls complete: observed, every replica updated and available, none old. */
function isRolledOut(d: V1Deployment): boolean {
  const want = d.spec?.replicas ?? 1;
  const s = d.status;
  return (s?.observedGeneration ?? 0) >= (d.metadata?.generation ?? 1) && s?.updatedReplicas === want && s.availableReplicas === want && (s.replicas ?? 0) === want;
}

/** Each head the branch of a bare remote had, with when it was first seen. */
export interface RemoteWatch {
  /** The first head seen at or after `since` whose `path` matches `pattern`, with its time. */
  firstWith(since: number, path: string, pattern: RegExp): { commit: string; at: number } | undefined;
  stop(): void;
}

/**
 * Watches the remote's refs folder: git updates a ref by renaming a lock file over it, which the kernel reports
 * at once. Two commits landing within one event are seen as the later one, at that event's time.
 */
export function watchRemote(remote: string, branch: string): RemoteWatch {
  const heads: Array<{ commit: string; at: number }> = [];
  const git = (...args: string[]) => execFileSync('git', ['-C', remote, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  const look = () => {
    const at = performance.now();
    let commit: string;
    try {
      commit = readLooseRef() ?? git('rev-parse', `refs/heads/${branch}`);
    } catch {
      return;
    }
    if (heads.at(-1)?.commit !== commit) heads.push({ commit, at });
  };
  // Read from the ref file itself, not by starting git: every ref event (several a push) would block this process's
  // loop for a git process, and the push's answer, arriving at that very moment, would be read late.
  const readLooseRef = (): string | undefined => {
    try {
      const text = readFileSync(join(remote, 'refs', 'heads', branch), 'utf8').trim();
      return /^[0-9a-f]{40}$/.test(text) ? text : undefined;
    } catch {
      return undefined;
    }
  };
  look();
  const watchers: FSWatcher[] = [watchFs(join(remote, 'refs', 'heads'), look), watchFs(remote, look)];
  const contents = new Map<string, string>();
  return {
    firstWith(since, path, pattern) {
      for (const head of heads) {
        if (head.at < since) continue;
        const key = `${head.commit}:${path}`;
        if (!contents.has(key)) {
          try {
            contents.set(key, git('show', key));
          } catch {
            contents.set(key, '');
          }
        }
        if (pattern.test(contents.get(key)!)) return head;
      }
      return undefined;
    },
    stop: () => watchers.forEach((w) => w.close()),
  };
}

/** The namespace and name of a `seen` key (`Kind namespace/name`). */
function placeOf(key: string): { namespace: string; name: string } {
  const [namespace = '', name = ''] = (key.split(' ')[1] ?? '').split('/');
  return { namespace, name };
}
