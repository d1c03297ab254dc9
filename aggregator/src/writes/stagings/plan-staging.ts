// A staging request as a pure write on `stagings/<name>.yaml`: decided on the tree each attempt is applied to (so a
// staging another writer created meanwhile counts against the limit and takes its name), one commit with the staging
// trailers, nothing when the file already is as asked.
import type { Staging, StagingKind } from '@cascade/common';
import { parseStagingFile, stagingPath } from '@cascade/common';
import type { StagingAction } from '@cascade/common/api';
import { cascadeTrailers } from '@cascade/common/git';
import { WriteRefusedError } from '../errors.ts';
import { refuseOversizedWrite, STAGING_FILE } from '../file-size.ts';
import { headSnapshot, parsedHeads, type HeadSnapshots } from '../head-snapshot.ts';
import { writePlan, type WritePlan } from '../plan.ts';
import { readText } from '../repo-paths.ts';
import type { SecretsPush } from '../version-secrets.ts';
import { decideStaging, type StagingRequest } from './staging-actions.ts';
import { nextStagingText } from './staging-secrets.ts';
import { readStagingTree } from './staging-tree.ts';

/** A staging request with the secrets to encrypt into the file, if any. */
export interface StagingWrite extends StagingRequest {
  /** Replaces `secrets.app` (staging-secrets.ts); absent keeps the file's encrypted values as they are. */
  secrets?: SecretsPush;
}

/** What the write found on the tree it was pushed on. */
export interface StagingOutcome {
  name: string;
  action: StagingAction;
  /** The staging as written, or as it already was. */
  staging: Staging;
  kind?: StagingKind;
}

/**
 * Plans the staging file write for a request, decided on the snapshot of the head the write is applied to (`heads`);
 * the staging file's text is read only to edit it.
 */
export function planStagingWrite(request: StagingWrite, heads: HeadSnapshots = parsedHeads): WritePlan<StagingOutcome> {
  return writePlan((current, context) => {
    const tree = readStagingTree(headSnapshot(current, context, heads), context);
    const { name, action, patch, existing, ...decided } = decideStaging(tree, request);
    const kind = decided.kind ?? tree.kinds.get(existing?.kind ?? '');
    const path = stagingPath(name);
    const existingText = readText(current, path);
    const unchanged = () => ({ edit: null, outcome: { name, action, staging: existing ?? parsed(path, name, existingText ?? ''), ...(kind ? { kind } : {}) } });
    if (patch === undefined) return unchanged();
    // `updatedAt` alone is no change: the same deploy again must commit nothing. Secrets are encrypted anew each time.
    const { updatedAt: _time, ...withoutTime } = patch;
    if (request.secrets === undefined && existingText !== undefined && nextStagingText(current, path, existingText, withoutTime, undefined) === existingText) return unchanged();
    const next = nextStagingText(current, path, existingText, patch, request.secrets);
    refuseOversizedWrite(STAGING_FILE, path, next, existingText);
    const staging = parsed(path, name, next);
    return {
      outcome: { name, action, staging, ...(kind ? { kind } : {}) },
      edit: {
        changes: { [path]: next },
        message: commitMessage(action, staging, request),
        trailers: cascadeTrailers('Staging', { staging: name, action, requestedBy: request.requester.token }),
        author: request.requester.author,
      },
    };
  });
}

/** The staging a text parses to; a problem left in it (from a hand edit) refuses the write naming the file and line, so the aggregator never writes a file its own reader would hold. */
function parsed(path: string, name: string, text: string): Staging {
  const { staging, problems } = parseStagingFile(path, name, '', text);
  const [first] = problems;
  if (first === undefined) return staging;
  const where = first.line === undefined ? path : `${path}:${first.line}`;
  throw new WriteRefusedError('staging-file-invalid', 'conflict', `${where}: ${first.message}; fix the file with a commit first`, { file: path, ...(first.line === undefined ? {} : { line: first.line }) });
}

const SUBJECT: Record<StagingAction, string> = { create: 'Create', update: 'Update', archive: 'Archive', restore: 'Restore', cleanup: 'Clean up', remove: 'Remove' };

/** `Create staging feature-x`, with what a reader of the history wants to know in the body; never a secret value. */
function commitMessage(action: StagingAction, staging: Staging, request: StagingWrite): string {
  const lines: string[] = [];
  if (action === 'create' || action === 'update' || request.action === 'deploy') lines.push(`Kind ${staging.kind}, tag ${staging.tag}.`);
  if (action === 'create' && staging.branch !== undefined) lines.push(`From branch ${staging.branch}.`);
  if (request.secrets !== undefined) {
    const set = Object.keys(request.secrets.values).sort();
    const removed = request.secrets.remove.filter((key) => !Object.hasOwn(request.secrets!.values, key)).sort();
    if (set.length > 0) lines.push(`Secrets set: ${set.join(', ')}`);
    if (removed.length > 0) lines.push(`Secrets removed: ${removed.join(', ')}`);
  }
  const subject = `${SUBJECT[action]} staging ${staging.name}`;
  return lines.length > 0 ? `${subject}\n\n${lines.join('\n')}` : subject;
}
