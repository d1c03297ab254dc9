// What the services of one process (`cascade up`) read of the resource repo alike, held once. A git object, a listing
// of a tree and a parsed file are named by their content, so they are the same in every service's clone, and each
// service used to hold a copy of its own. Each service still keeps and evicts its own caches as before: a value is
// found here only while one of them keeps it (held weakly), so sharing never keeps anything longer than they do.

/** A map whose values are held weakly: an entry lasts as long as something else keeps its value. */
export class WeakValueMap<V extends object> {
  private readonly refs = new Map<string, WeakRef<V>>();
  private readonly forget = new FinalizationRegistry<string>((key) => {
    // The key may hold a newer value by now; only a collected one is forgotten.
    if (this.refs.get(key)?.deref() === undefined) this.refs.delete(key);
  });

  /** The value under `key`, while something keeps it. */
  get(key: string): V | undefined {
    return this.refs.get(key)?.deref();
  }

  /** Holds `value` under `key` for as long as something else keeps it. */
  set(key: string, value: V): void {
    if (this.get(key) === value) return;
    this.refs.set(key, new WeakRef(value));
    this.forget.register(value, key);
  }

  /** Keys held, including those whose value was collected and not yet forgotten. */
  get size(): number {
    return this.refs.size;
  }
}

/**
 * The reads the services of one process share. Make one per process and pass it to each service's repo (openRepo's
 * `sharedReads`); services started apart (one per pod) have none and keep their own copies, as before.
 */
export class SharedReads {
  /** Git trees, blobs and tree listings, by kind and object id (see TreeReader). */
  readonly objects = new WeakValueMap<object>();
  /** Parsed files and renders, by the parse cache's keys, which name the blobs they come from (see ParseCache). */
  readonly parses = new WeakValueMap<object>();
  /** Snapshots of the repo by commit, each with the files it was made from (see SnapshotReader). */
  readonly snapshots = new WeakValueMap<object>();
}
