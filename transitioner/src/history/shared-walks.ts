// History walks shared within a round: the version order and the changelogs read the history of the same version
// files at the same head, so one walk over a resource's files answers the later question about one of them without
// starting git again.
import type { CommitInfo, GitRepo, LogOptions } from '@cascade/common/git';

/** Walks kept per head; a round makes a few per promoted resource. */
const MAX_WALKS = 64;

type Walk = { options: LogOptions; commits: Promise<CommitInfo[]> };

/**
 * `GitRepo.log` for version files: a walk with their changes at a head answers a later one for one of its files at
 * the same head, when it covers as many of that file's commits as asked (or the whole history). Other walks go to git.
 */
export class SharedWalks implements Pick<GitRepo, 'log'> {
  private head: string | undefined;
  private walks: Walk[] = [];

  constructor(private readonly repo: Pick<GitRepo, 'log'>) {}

  /** The page of history `options` asks for, from a walk already made when one covers it. */
  async log(options: LogOptions): Promise<CommitInfo[]> {
    const { from, paths } = options;
    // Only walks with changes name the files each commit touched; only those, from a fixed head, can be shared.
    if (from === undefined || options.changes !== true || options.stopAt !== undefined || paths === undefined || paths.length === 0) return this.repo.log(options);
    if (from !== this.head) {
      this.head = from;
      this.walks = [];
    }
    const served = paths.length === 1 ? await this.served(options, paths[0]!) : undefined;
    if (served) return served;
    const commits = this.repo.log(options);
    this.walks.push({ options, commits });
    if (this.walks.length > MAX_WALKS) this.walks.shift();
    return commits;
  }

  private async served(options: LogOptions, path: string): Promise<CommitInfo[] | undefined> {
    for (const walk of this.walks) {
      if (walk.options.firstParent !== options.firstParent || !walk.options.paths!.includes(path)) continue;
      const commits = await walk.commits.catch(() => undefined);
      if (commits === undefined) continue;
      // A walk over several files lists, for each, its newest commits down to the walk's oldest one: all of them
      // when the walk ended before its limit.
      const touching = commits.filter((commit) => commit.changes?.some((change) => change.path === path));
      if (commits.length < walk.options.limit || touching.length >= options.limit) return touching.slice(0, options.limit);
    }
    return undefined;
  }
}
