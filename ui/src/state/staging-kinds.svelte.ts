// The staging kinds of `stagings.yaml`: the live status carries the stagings, `GET /stagings` adds the kinds, so
// they are read once per repo commit the page sees.
import { untrack } from 'svelte';
import type { StagingKindView } from '../api/wire.ts';
import type { ApiClient } from '../api/client.ts';
import { RequestState } from './request.svelte.ts';

/** The kinds as last read, and the read in flight. */
export class StagingKinds {
  kinds = $state.raw<StagingKindView[] | undefined>(undefined);
  readonly request = new RequestState();
  private readFor: string | null | undefined = undefined;
  private wanted: string | null | undefined = undefined;

  constructor(private readonly api: ApiClient) {}

  /** Reads the kinds again when the repo moved to `commit` since the last read (a failed read waits for the next commit or sign-in). */
  refresh(commit: string | null | undefined): Promise<void> {
    // Views call this from an effect: what it reads here must not make the effect run again.
    return untrack(() => this.read(commit));
  }

  private async read(commit: string | null | undefined): Promise<void> {
    if (commit === undefined) return;
    this.wanted = commit;
    if (this.request.busy || commit === this.readFor) return;
    this.readFor = commit;
    await this.request.run(async () => {
      this.kinds = (await this.api.stagings()).kinds;
    });
    // The repo moved on while this read ran: read for the newest commit too.
    if (this.wanted !== this.readFor) await this.read(this.wanted);
  }

  /** Reads again at the next refresh, e.g. after the token changed. */
  forget(): void {
    this.readFor = undefined;
  }

  /** The kind named `name`. */
  find(name: string): StagingKindView | undefined {
    return this.kinds?.find((kind) => kind.name === name);
  }
}
