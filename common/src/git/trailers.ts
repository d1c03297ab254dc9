// The trailers Cascade writes into its commits: the keys, the commit types, building them and reading them back.

/** Every trailer key Cascade writes, by field name. */
export const TRAILER = {
  /** What the commit did: one of the written commit types. */
  type: 'Cascade-Type',
  env: 'Cascade-Env',
  resource: 'Cascade-Resource',
  version: 'Cascade-Version',
  /** Name of the transition that made a promotion or schedule commit. */
  transition: 'Cascade-Transition',
  source: 'Cascade-Source',
  /** Environment a promotion wrote into; the history counts it as touched, like `Cascade-Env`. */
  target: 'Cascade-Target',
  /** Commit a rollback took the version file from. */
  restoredFrom: 'Cascade-Restored-From',
  /** Reason given to push past a lock. */
  lockOverride: 'Cascade-Lock-Override',
  /** Token that asked for the write, so an author given by CI never hides who pushed. */
  requestedBy: 'Cascade-Requested-By',
  /** Staging a staging commit changed. */
  staging: 'Cascade-Staging',
  /** What a staging commit did: create, update, archive, restore, cleanup or remove. */
  action: 'Cascade-Action',
} as const;

/** A field of the trailer block other than the type. */
type TrailerField = Exclude<keyof typeof TRAILER, 'type'>;

/** Every commit type, as the history shows and filters them; `Manual` is never written. */
export const COMMIT_TYPES = ['Version', 'Transition', 'Schedule', 'Lock', 'Unlock', 'Rollback', 'Staging', 'Manual'] as const;

/** What a commit did, from its `Cascade-Type` trailer; `Manual` is a commit without one (a person's edit or merge) or with a type Cascade does not write. */
export type CommitType = (typeof COMMIT_TYPES)[number];

/** A commit type Cascade writes into `Cascade-Type`. */
type WrittenCommitType = Exclude<CommitType, 'Manual'>;

/** The trailer block of a Cascade commit as read back: the type and every value of each field, in order. */
type CascadeTrailers = { type: CommitType } & Record<TrailerField, string[]>;

/** Tells whether a string names a commit type. */
export function isCommitType(value: string): value is CommitType {
  return (COMMIT_TYPES as readonly string[]).includes(value);
}

/** The trailers of a commit Cascade writes: `Cascade-Type` first, then the given fields in the order given, skipping undefined ones. */
export function cascadeTrailers(type: WrittenCommitType, fields: { readonly [F in TrailerField]?: string | undefined } = {}): Array<[string, string]> {
  const trailers: Array<[string, string]> = [[TRAILER.type, type]];
  for (const [field, value] of Object.entries(fields) as Array<[TrailerField, string | undefined]>) {
    if (value !== undefined) trailers.push([TRAILER[field], value]);
  }
  return trailers;
}

/** Every value of one trailer field, keys compared case-insensitively as git does, values trimmed. */
export function trailerValues(trailers: ReadonlyArray<readonly [string, string]>, field: keyof typeof TRAILER): string[] {
  const key = TRAILER[field].toLowerCase();
  return trailers.filter(([k]) => k.toLowerCase() === key).map(([, value]) => value.trim());
}

/** The commit's type from its first `Cascade-Type`; `Manual` without one, or with a type Cascade does not write. */
export function commitTypeOf(trailers: ReadonlyArray<readonly [string, string]>): CommitType {
  const type = trailerValues(trailers, 'type')[0];
  return type !== undefined && type !== 'Manual' && isCommitType(type) ? type : 'Manual';
}

/** Reads a commit's trailer block back into its type and fields; trailers that are not Cascade's are left out. */
export function readCascadeTrailers(trailers: ReadonlyArray<readonly [string, string]>): CascadeTrailers {
  const fields = Object.fromEntries((Object.keys(TRAILER) as Array<keyof typeof TRAILER>).filter((f) => f !== 'type').map((f) => [f, trailerValues(trailers, f)])) as Record<TrailerField, string[]>;
  return { type: commitTypeOf(trailers), ...fields };
}
