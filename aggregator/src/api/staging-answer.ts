// The answer of a staging write: the staging as written, where it runs, and a sentence saying what follows. Pure.
import type { StagingKind } from '@cascade/common';
import { stagingNamespace } from '@cascade/common';
import type { StagingWriteResponse } from '@cascade/common/api';
import type { WriteResult } from '@cascade/common/git';
import type { StagingOutcome } from '../writes/stagings/plan-staging.ts';
import { writeStatus } from './write-routes-helpers.ts';

/** The answer for a write's result and what it found. */
export function stagingAnswer(result: WriteResult, outcome: StagingOutcome): StagingWriteResponse {
  const { name, action, staging, kind } = outcome;
  const namespace = namespaceOf(kind, name);
  const links = kind?.baseDomain === undefined ? [] : [{ name: `${name}.${kind.baseDomain}`, url: `https://${name}.${kind.baseDomain}` }];
  return {
    status: writeStatus(result),
    commit: result.commit,
    name,
    action,
    state: staging.state,
    kind: staging.kind,
    tag: staging.tag,
    ...(staging.branch === undefined ? {} : { branch: staging.branch }),
    ...(namespace === undefined ? {} : { namespace }),
    links,
    message: result.kind === 'committed' ? committedMessage(outcome, links[0]?.url) : `staging ${name} already was as asked; nothing changed`,
  };
}

/** What follows a commit, for people reading the CLI's or the dashboard's answer. */
function committedMessage({ name, action }: StagingOutcome, url: string | undefined): string {
  switch (action) {
    case 'create':
      return `staging ${name} is created; the deployer sets it up next${url ? `, at ${url}` : ''}`;
    case 'update':
      return `staging ${name} is updated; the deployer applies the change next`;
    case 'restore':
      return `staging ${name} is active again with its last settings and the same data; the deployer brings it back next`;
    case 'archive':
      return `staging ${name} is archived: its workloads stop, its data stays until the kind's retention has passed; restore it to bring it back`;
    case 'cleanup':
    case 'remove':
      return `staging ${name} is marked for cleanup: the deployer deletes it with its data, then its file is removed`;
  }
}

function namespaceOf(kind: StagingKind | undefined, name: string): string | undefined {
  if (kind?.namespace === undefined) return undefined;
  const resolved = stagingNamespace(kind.namespace, name);
  return 'namespace' in resolved ? resolved.namespace : undefined;
}
