// A repo whose writes check a fence first: a replica that lost its Lease makes no commit.
import type { GitRepo } from '../git/types.ts';
import type { Fence } from './fence.ts';
import { FenceLostError } from './fence.ts';

/**
 * `repo` with every write checking `fence` when it computes its change on the newest head, just before the commit
 * and push. Checked there rather than through the caller's context, since a write queue may run the function later.
 */
export function fencedRepo(repo: GitRepo, fence: Fence): GitRepo {
  return new Proxy(repo, {
    get(target, property) {
      if (property === 'write') {
        return (write: Parameters<GitRepo['write']>[0]) => target.write((current, context) => {
          if (!fence.ok()) throw new FenceLostError(fence.name);
          return write(current, context);
        });
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
