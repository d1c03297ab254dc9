// The action records of every staging, kept in memory and in one JSON file per staging under the deployer's data
// directory, so a restart knows which step each staging was on. Losing them costs history, never correctness: the
// intent of every staging is in the repo.
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StagingActionRecord, StagingPhase } from '@cascade/common';
import { checkStagingName } from '@cascade/common';
import type { Logger } from '@cascade/common/service';
import type { OpenAction, StagingActionState } from './actions.ts';

/** Options of the store. */
export interface StagingActionStoreOptions {
  /** Where the files live (`<dataDir>/deployer/stagings`); without it the records live in memory only. */
  dir?: string;
  logger: Logger;
}

/** First field of every file; a file of another format is ignored (and replaced on the next change). */
const FORMAT = 'cascade-staging-actions-v1';

/** Per staging, its action state; every change is written behind the pass, atomically (write, then rename). */
export class StagingActionStore {
  private readonly states = new Map<string, StagingActionState>();
  private readonly written = new Map<string, string>();
  private readonly writes = new Map<string, Promise<void>>();
  private loading: Promise<void> | undefined;
  private sequence = 0;

  constructor(private readonly options: StagingActionStoreOptions) {}

  /** Reads the files once (later calls wait for the same read); unreadable files are logged and skipped. */
  load(): Promise<void> {
    this.loading ??= this.readAll();
    return this.loading;
  }

  /** The kept state of a staging; empty for one never seen. */
  state(name: string): StagingActionState {
    return this.states.get(name) ?? { records: [] };
  }

  /** The records of a staging, oldest first; undefined for a staging without any. */
  records(name: string): readonly StagingActionRecord[] | undefined {
    return this.states.get(name)?.records;
  }

  /** Replaces a staging's state and writes it when it differs from what was written last. */
  set(name: string, state: StagingActionState): void {
    this.states.set(name, state);
    const text = `${JSON.stringify({ format: FORMAT, name, ...state }, null, 1)}\n`;
    if (this.written.get(name) === text) return;
    this.written.set(name, text);
    this.queue(name, () => this.writeAtomically(name, text));
  }

  /** Forgets stagings not in `names` (their files left the repo) and deletes their files. */
  retain(names: ReadonlySet<string>): void {
    for (const name of [...this.states.keys()]) {
      if (names.has(name)) continue;
      this.states.delete(name);
      this.written.delete(name);
      const dir = this.options.dir;
      if (dir !== undefined) this.queue(name, () => rm(join(dir, `${name}.json`), { force: true }));
    }
  }

  /** Resolves once every write started so far has ended. */
  async flush(): Promise<void> {
    await Promise.all([...this.writes.values()]);
  }

  /** Runs file work for one staging after the work queued before it, so an older state never lands last. */
  private queue(name: string, work: () => Promise<void>): void {
    const run = (this.writes.get(name) ?? Promise.resolve()).then(work).catch((error: unknown) => {
      this.options.logger.warn('cannot keep the action records of a staging', { staging: name, error: error instanceof Error ? error.message : String(error) });
    });
    this.writes.set(name, run);
    void run.finally(() => {
      if (this.writes.get(name) === run) this.writes.delete(name);
    });
  }

  private async writeAtomically(name: string, text: string): Promise<void> {
    const dir = this.options.dir;
    if (dir === undefined) return;
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const file = join(dir, `${name}.json`);
    // A reader (or a crash) sees the old file or the new one, never half of one.
    const temporary = `${file}.${process.pid}.${this.sequence++}.tmp`;
    await writeFile(temporary, text, { mode: 0o600 });
    await rename(temporary, file);
  }

  private async readAll(): Promise<void> {
    const dir = this.options.dir;
    if (dir === undefined) return;
    let entries: string[];
    try {
      entries = await readdir(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.options.logger.warn('cannot read the action records of stagings', { dir, error: String(error) });
      return;
    }
    for (const entry of entries) {
      if (entry.endsWith('.tmp')) await rm(join(dir, entry), { force: true }).catch(() => undefined);
      if (!entry.endsWith('.json')) continue;
      const name = entry.slice(0, -'.json'.length);
      if (checkStagingName(name) !== undefined || this.states.has(name)) continue;
      try {
        const state = parseState(JSON.parse(await readFile(join(dir, entry), 'utf8')), name);
        if (state === undefined) this.options.logger.warn('ignoring action records of an unknown format', { staging: name });
        else this.states.set(name, state);
      } catch (error) {
        this.options.logger.warn('ignoring unreadable action records', { staging: name, error: error instanceof Error ? error.message : String(error) });
      }
    }
  }
}

const ACTIONS = new Set(['create', 'update', 'archive', 'restore', 'cleanup']);
const RESULTS = new Set(['pending', 'succeeded', 'failed', 'superseded']);
const PHASES = new Set(['CreatePending', 'UpdatePending', 'ArchivePending', 'Running', 'Failure', 'Archived', 'CleanupPending', 'CleanedUp', 'CleanupFailed', 'Held']);

/** A file's content as a state, or undefined when it is not one this version wrote. */
export function parseState(value: unknown, name: string): StagingActionState | undefined {
  if (!isObject(value) || value['format'] !== FORMAT || value['name'] !== name || !Array.isArray(value['records'])) return undefined;
  const records = value['records'].filter(isRecord);
  const current = isOpenAction(value['current']) ? value['current'] : undefined;
  const phase = typeof value['phase'] === 'string' && PHASES.has(value['phase']) ? (value['phase'] as StagingPhase) : undefined;
  return { records, ...(current === undefined ? {} : { current }), ...(phase === undefined ? {} : { phase }) };
}

function isRecord(value: unknown): value is StagingActionRecord {
  return isObject(value) && ACTIONS.has(value['action'] as string) && RESULTS.has(value['result'] as string) && typeof value['startedAt'] === 'string' && typeof value['commit'] === 'string';
}

function isOpenAction(value: unknown): value is OpenAction {
  return isObject(value) && ACTIONS.has(value['action'] as string) && typeof value['key'] === 'string' && typeof value['startedAt'] === 'string' && typeof value['commit'] === 'string'
    && (value['result'] === undefined || value['result'] === 'succeeded' || value['result'] === 'failed');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
