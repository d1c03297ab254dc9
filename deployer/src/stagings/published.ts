// The staging statuses the deployer reports: each as its turn ended, listed in the order of the repo's staging files,
// and who is told when one changed. No I/O.
import type { StagingStatus } from '@cascade/common';
import { stagingChanged } from './changes.ts';

/** The published staging statuses of one deployer. */
export class PublishedStagings {
  private readonly statuses = new Map<string, StagingStatus>();

  /** `onChange`: told of a staging whose phase or commit changed, which appeared or went away. */
  constructor(private readonly onChange: (name: string) => void = () => {}) {}

  /** By staging, changed in place: a turn starting later reads the newest as its previous status. */
  get byName(): ReadonlyMap<string, StagingStatus> {
    return this.statuses;
  }

  /** Publishes one staging's status, unless `files` (the staging files of the newest commit read) no longer has it. */
  publish(status: StagingStatus, files?: { has(name: string): boolean }): void {
    if (files !== undefined && !files.has(status.name)) return;
    const before = this.statuses.get(status.name);
    this.statuses.set(status.name, status);
    if (stagingChanged(before, status)) this.onChange(status.name);
  }

  /** Drops the stagings whose files are gone. */
  retain(files: { has(name: string): boolean }): void {
    for (const name of [...this.statuses.keys()]) {
      if (files.has(name)) continue;
      this.statuses.delete(name);
      this.onChange(name);
    }
  }

  /** The statuses in the order of `order` (the repo's staging files); any not in it follow, as published. */
  list(order: Iterable<string>): StagingStatus[] {
    const listed = [...order].filter((name) => this.statuses.has(name));
    const seen = new Set(listed);
    return [...listed, ...[...this.statuses.keys()].filter((name) => !seen.has(name))].map((name) => this.statuses.get(name)!);
  }
}
