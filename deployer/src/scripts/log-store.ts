// Control-script logs, kept in memory per resource: the last runs only, readable by admins through the API.
import type { ScriptRun } from './runner.ts';

/** The last runs of every resource's scripts, newest last, bounded per resource. */
export class ScriptLogStore {
  private readonly runs = new Map<string, ScriptRun[]>();

  /** `perResource`: how many runs to keep per resource; older ones are dropped. */
  constructor(private readonly perResource = 50) {}

  /** Records one run of `resource` in `env`. */
  add(env: string, resource: string, run: ScriptRun): void {
    const key = `${env}\u0000${resource}`;
    const list = this.runs.get(key) ?? [];
    list.push(run);
    if (list.length > this.perResource) list.splice(0, list.length - this.perResource);
    this.runs.set(key, list);
  }

  /** The kept runs of `resource` in `env`, oldest first. */
  get(env: string, resource: string): readonly ScriptRun[] {
    return this.runs.get(`${env}\u0000${resource}`) ?? [];
  }
}
