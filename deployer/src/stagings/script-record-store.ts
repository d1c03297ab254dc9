// The staging records of one script target on disk: `<dir>/<staging>.json`, each replaced whole by a rename so a crash
// leaves the old record or the new one, never half of one. Private to the deployer's user: records name what ran.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DNS_LABEL } from '@cascade/common';
import type { StagingScriptRecord } from './script-record.ts';
import { parseRecord } from './script-record.ts';

/** A record file that could not be used, and why: the staging then counts as one without a record. */
export interface UnreadableRecord {
  file: string;
  reason: string;
}

// Records hold a bounded number of calls with capped output; anything much larger was not written by us.
const MAX_RECORD_BYTES = 1024 * 1024;
const TEMP_SUFFIX = '.tmp';

/** Reads and writes the records of one target's stagings; writes of one staging happen in order. */
export class StagingRecordStore {
  private readonly chains = new Map<string, Promise<void>>();

  /** `dir`: this target's own directory under the data dir; `target`: its name, which every record carries. */
  constructor(private readonly dir: string, private readonly target: string) {}

  /** Every record in the directory; leftovers of interrupted writes are removed, unusable files reported. */
  async loadAll(): Promise<{ records: StagingScriptRecord[]; unreadable: UnreadableRecord[] }> {
    const records: StagingScriptRecord[] = [];
    const unreadable: UnreadableRecord[] = [];
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { records, unreadable };
      throw error;
    }
    for (const file of names.sort()) {
      const path = join(this.dir, file);
      if (file.endsWith(TEMP_SUFFIX)) {
        await rm(path, { force: true });
        continue;
      }
      const name = file.endsWith('.json') ? file.slice(0, -'.json'.length) : '';
      if (!DNS_LABEL.test(name)) {
        unreadable.push({ file: path, reason: 'not a staging record file' });
        continue;
      }
      const info = await stat(path);
      if (!info.isFile() || info.size > MAX_RECORD_BYTES) {
        unreadable.push({ file: path, reason: info.isFile() ? `larger than ${MAX_RECORD_BYTES} bytes` : 'not a file' });
        continue;
      }
      const record = parseRecord(await readFile(path, 'utf8'), name, this.target);
      if (record === undefined) unreadable.push({ file: path, reason: `not a record of staging ${name} on target ${this.target}` });
      else records.push(record);
    }
    return { records, unreadable };
  }

  /** Replaces the record of `record.name`, after any write of that staging still under way. */
  save(record: StagingScriptRecord): Promise<void> {
    const text = `${JSON.stringify(record, null, 2)}\n`;
    return this.inOrder(record.name, async () => {
      const path = this.pathOf(record.name);
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      const temp = `${path}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`;
      try {
        await writeFile(temp, text, { mode: 0o600, flag: 'wx' });
        await rename(temp, path);
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
    });
  }

  /** Removes the record of `name`, after any write of it still under way. */
  remove(name: string): Promise<void> {
    return this.inOrder(name, () => rm(this.pathOf(name), { force: true }));
  }

  private pathOf(name: string): string {
    // Names come from the repo: only a DNS label may become a file name here.
    if (!DNS_LABEL.test(name)) throw new Error(`"${name}" is not a staging name`);
    return join(this.dir, `${name}.json`);
  }

  private inOrder(name: string, write: () => Promise<void>): Promise<void> {
    const next = (this.chains.get(name) ?? Promise.resolve()).catch(() => {}).then(write);
    const settled = next.catch(() => {});
    this.chains.set(name, settled);
    void settled.then(() => {
      if (this.chains.get(name) === settled) this.chains.delete(name);
    });
    return next;
  }
}
