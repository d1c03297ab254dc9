// Control-script logs, kept in memory per resource: the last runs only, within a total byte bound, readable by admins.
import type { ScriptRun } from './runner.ts';

/** Bounds of the log store. */
export interface ScriptLogLimits {
  /** Runs kept per resource; default 50. */
  perResource?: number;
  /** Bytes of output and arguments kept over all resources; the oldest runs go first. Default 16 MiB. */
  maxBytes?: number;
}

/** Default total bound: enough for hundreds of runs with full output, small next to the deployer's heap. */
const DEFAULT_SCRIPT_LOG_BYTES = 16 * 1024 * 1024;

interface Entry {
  key: string;
  run: ScriptRun;
  bytes: number;
}

/** The last runs of every resource's scripts, newest last, bounded per resource and in total. */
export class ScriptLogStore {
  // Insertion order is age: the first entry is the oldest run of all.
  private readonly entries = new Map<number, Entry>();
  private readonly byResource = new Map<string, number[]>();
  private readonly perResource: number;
  private readonly maxBytes: number;
  private next = 0;
  private total = 0;

  constructor(limits: ScriptLogLimits = {}) {
    this.perResource = limits.perResource ?? 50;
    this.maxBytes = limits.maxBytes ?? DEFAULT_SCRIPT_LOG_BYTES;
  }

  /** Records one run of `resource` in `env`, dropping that resource's oldest runs, then the oldest runs of all, over the bounds. */
  add(env: string, resource: string, run: ScriptRun): void {
    const key = keyOf(env, resource);
    const id = this.next++;
    const bytes = sizeOf(run);
    this.entries.set(id, { key, run, bytes });
    this.total += bytes;
    const list = this.byResource.get(key) ?? [];
    list.push(id);
    this.byResource.set(key, list);
    while (list.length > this.perResource) this.drop(list[0]!);
    // The newest run stays even alone over the bound: it is the one an admin is looking for.
    while (this.total > this.maxBytes && this.entries.size > 1) this.drop(this.entries.keys().next().value!);
  }

  /** The kept runs of `resource` in `env`, oldest first. */
  get(env: string, resource: string): readonly ScriptRun[] {
    return (this.byResource.get(keyOf(env, resource)) ?? []).map((id) => this.entries.get(id)!.run);
  }

  /** Drops every run of a resource that is gone from the target for good. */
  forget(env: string, resource: string): void {
    for (const id of [...(this.byResource.get(keyOf(env, resource)) ?? [])]) this.drop(id);
  }

  /** Bytes currently kept, as counted against `maxBytes`. */
  bytes(): number {
    return this.total;
  }

  private drop(id: number): void {
    const entry = this.entries.get(id);
    if (entry === undefined) return;
    this.entries.delete(id);
    this.total -= entry.bytes;
    const list = this.byResource.get(entry.key)!;
    // Runs are dropped oldest first, per resource as over all, so the entry is at the front of its list.
    list.splice(list.indexOf(id), 1);
    if (list.length === 0) this.byResource.delete(entry.key);
  }
}

function keyOf(env: string, resource: string): string {
  return `${env}\u0000${resource}`;
}

// What the fixed fields of a run (action, times, exit code) cost, roughly, next to its output and arguments.
const RUN_OVERHEAD_BYTES = 200;

/** What a run costs against the bound: the UTF-8 bytes of its output, arguments and start error, plus the fixed fields. */
function sizeOf(run: ScriptRun): number {
  const texts = [run.stdout, run.stderr, run.startError ?? '', ...run.args];
  return texts.reduce((sum, text) => sum + Buffer.byteLength(text), RUN_OVERHEAD_BYTES);
}
