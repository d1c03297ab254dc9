// What each staging request comes to on a given tree: the staging it addresses, the file fields to set and the action
// the commit records, or nothing to do, or a refusal naming the field. Pure; plan-staging.ts turns it into a commit.
import type { Staging, StagingFilePatch, StagingKind, YamlValue } from '@cascade/common';
import type { StagingAction } from '@cascade/common/api';
import { WriteRefusedError } from '../errors.ts';
import type { Requester } from '../requester.ts';
import { checkCiArchive, checkCiRestore } from './staging-roles.ts';
import { checkBranchOwner, checkLimit, checkNewName, nameFromBranch, normalBranch, refuseCleaningUp, requireKind, requireStaging, requireTemplate, stagingOfBranch, type NameField } from './staging-rules.ts';
import type { StagingTree } from './staging-tree.ts';

/** What a request may set; each field given replaces that field, an empty map removes it. */
export interface StagingSettings {
  tag?: string;
  versions?: Record<string, Record<string, YamlValue>>;
  app?: Record<string, string>;
  deployment?: Record<string, YamlValue>;
}

/** A checked staging request. */
export interface StagingRequest {
  action: 'create' | 'deploy' | 'update' | 'archive' | 'restore' | 'cleanup';
  /** The staging by name, or by branch: create and deploy name it after the branch, archive finds the one that records it. */
  target: { name: string } | { fromBranch: string };
  /** create and deploy. */
  kind?: string;
  settings: StagingSettings;
  requester: Requester;
  now: Date;
  /** Stagings the deployer reports as still being archived: they count against their kind's limit. */
  archivePending: ReadonlySet<string>;
}

/** The decision on one tree: write `patch` (its `updatedAt`, if any, only when something else changes too), or nothing. */
export interface StagingDecision {
  name: string;
  /** What the commit does; for nothing to do, what was asked. */
  action: StagingAction;
  /** The file's fields to set; undefined when the staging already is as asked. */
  patch?: StagingFilePatch;
  existing?: Staging;
  kind?: StagingKind;
}

/** Decides a request on `tree`; throws a WriteRefusedError when the tree does not allow it. */
export function decideStaging(tree: StagingTree, request: StagingRequest): StagingDecision {
  switch (request.action) {
    case 'create':
    case 'deploy':
      return decideCreateOrDeploy(tree, request);
    case 'update': {
      const existing = requireStaging(tree, nameOf(request));
      refuseCleaningUp(existing);
      return { name: existing.name, action: 'update', existing, patch: { ...settingsPatch(request.settings), updatedAt: request.now.toISOString() } };
    }
    case 'archive': {
      const byBranch = 'fromBranch' in request.target;
      const existing = 'fromBranch' in request.target ? stagingOfBranch(tree, request.target.fromBranch) : requireStaging(tree, request.target.name);
      checkCiArchive(request.requester, existing, byBranch);
      refuseCleaningUp(existing);
      if (existing.state === 'archived') return { name: existing.name, action: 'archive', existing };
      return { name: existing.name, action: 'archive', existing, patch: { state: 'archived', archivedAt: request.now.toISOString() } };
    }
    case 'restore': {
      const existing = requireStaging(tree, nameOf(request));
      checkCiRestore(request.requester, existing);
      refuseCleaningUp(existing);
      if (existing.state === 'active') return { name: existing.name, action: 'restore', existing };
      const kind = requireKind(tree, existing.kind);
      checkLimit(tree, kind, existing.name, request.archivePending);
      return { name: existing.name, action: 'restore', existing, kind, patch: { state: 'active', archivedAt: null, updatedAt: request.now.toISOString() } };
    }
    case 'cleanup': {
      const existing = requireStaging(tree, nameOf(request));
      if (existing.state === 'cleanup') return { name: existing.name, action: 'cleanup', existing };
      return { name: existing.name, action: 'cleanup', existing, patch: { state: 'cleanup' } };
    }
  }
}

/** Create refuses a name that exists; deploy creates it, or updates it when its branch (if any) matches. */
function decideCreateOrDeploy(tree: StagingTree, request: StagingRequest): StagingDecision {
  const kind = requireKind(tree, request.kind ?? '');
  const field: NameField = 'fromBranch' in request.target ? 'fromBranch' : 'name';
  const branch = 'fromBranch' in request.target ? normalBranch(request.target.fromBranch) : undefined;
  const name = branch === undefined ? nameOf(request) : nameFromBranch(branch, kind);
  const existing = tree.stagings.get(name);
  if (existing === undefined && !tree.stagingNames.has(name)) {
    requireTemplate(tree, kind);
    checkNewName(tree, kind, name, field);
    checkLimit(tree, kind, name, request.archivePending);
    const { tag, versions, app, deployment } = request.settings;
    const patch: StagingFilePatch = { kind: kind.name, tag, versions: filled(versions), app: filled(app), deployment: filled(deployment), state: 'active', updatedAt: request.now.toISOString(), branch };
    return { name, action: 'create', kind, patch };
  }
  if (request.action === 'create' || existing === undefined) {
    const how = branch === undefined ? '' : ` (the name of branch "${branch}")`;
    throw new WriteRefusedError('staging-exists', 'conflict', `${field}: staging "${name}"${how} exists already; update it, or deploy it to create or update it`, { field, name });
  }
  if (branch !== undefined) checkBranchOwner(existing, branch);
  refuseCleaningUp(existing);
  if (existing.kind !== kind.name) {
    throw new WriteRefusedError('staging-kind-mismatch', 'conflict', `kind: staging ${name} is of kind "${existing.kind}", not "${kind.name}"; a staging keeps its kind (archive it and create another)`, { field: 'kind', name, kind: existing.kind });
  }
  requireTemplate(tree, kind);
  const patch: StagingFilePatch = { ...settingsPatch(request.settings), updatedAt: request.now.toISOString() };
  if (existing.state !== 'archived') return { name, action: 'update', existing, kind, patch };
  // A new push to an archived staging's branch brings it back; by name, a ci token may not restore.
  if (branch === undefined) checkCiRestore(request.requester, existing);
  checkLimit(tree, kind, name, request.archivePending);
  return { name, action: 'restore', existing, kind, patch: { ...patch, state: 'active', archivedAt: null } };
}

/** The file fields of settings: a given field replaces the file's, an empty map removes it, an absent one stays. */
function settingsPatch(settings: StagingSettings): StagingFilePatch {
  const { tag, versions, app, deployment } = settings;
  return { tag, versions: emptyAsNull(versions), app: emptyAsNull(app), deployment: emptyAsNull(deployment) };
}

function emptyAsNull<T extends object>(map: T | undefined): T | null | undefined {
  return map === undefined ? undefined : Object.keys(map).length === 0 ? null : map;
}

function filled<T extends object>(map: T | undefined): T | undefined {
  return map !== undefined && Object.keys(map).length > 0 ? map : undefined;
}

function nameOf(request: StagingRequest): string {
  if ('name' in request.target) return request.target.name;
  throw new WriteRefusedError('name-required', 'unprocessable', `name: ${request.action} needs the staging's name`, { field: 'name' });
}
