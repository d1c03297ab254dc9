// What `/api/v1` answers, as zod schemas: they describe the answers in the OpenAPI document, and the typed routes
// make each handler's answer fit its schema at compile time. The status is described to its top level and the
// parts a client acts on; the full types are in `@cascade/common/api`.
import type { StagingPhase } from '@cascade/common';
import { COMMIT_TYPES, STAGING_ACTIONS } from '@cascade/common/api';
import { PERMISSIONS, ROLES } from '@cascade/common/service';
import { z } from '@hono/zod-openapi';

const writeStatus = z.enum(['created', 'unchanged']).openapi({ description: '`created`: a new commit (201); `unchanged`: the repo already was as asked (200)' });

/** Every error answer. */
export const ErrorBodySchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ description: 'Stable machine-readable code, e.g. `invalid-request`, `environment-locked`' }),
      message: z.string().openapi({ description: 'A sentence a person can act on; names the field, file, environment or resource' }),
      details: z.unknown().optional().openapi({ description: 'What a client can act on: `field` for a refused field, `reasons` of a lock, `file` of a broken file, …' }),
    }).openapi({ description: '`code`, a stable machine-readable code; `message`, a sentence naming the field, file, environment or resource; `details`, when there is more to act on (`field`, `reasons`, `file`, …)' }),
  })
  .openapi('Error');

/** Answer of `POST /api/v1/versions`. */
export const PushVersionResponseSchema = z
  .object({
    status: writeStatus,
    commit: z.string().openapi({ description: 'The commit holding the version on the remote: the new one (201), or the one already there (200)' }),
    resource: z.string(),
    env: z.string(),
    version: z.string(),
  })
  .openapi('PushVersionResponse');

/** Answer of `POST` and `DELETE /api/v1/locks`. */
export const LockResponseSchema = z
  .object({
    status: writeStatus,
    commit: z.string().openapi({ description: 'The new commit, or the head that already had the lock state asked for' }),
    env: z.string(),
    resource: z.string().optional(),
    reasons: z.array(z.string()).openapi({ description: 'Reasons left on the environment (or the resource) after the write; empty means unlocked' }),
  })
  .openapi('LockResponse');

/** Answer of `POST /api/v1/rollbacks`. */
export const RollbackResponseSchema = z
  .object({
    status: writeStatus,
    commit: z.string(),
    env: z.string(),
    resource: z.string(),
    version: z.string().openapi({ description: 'The version now in the environment' }),
    restoredFrom: z.string().openapi({ description: 'The commit the restored version file was taken from' }),
    lock: z.object({ reason: z.string() }).openapi({ description: 'Rollbacks are sticky: the resource stays locked in the environment with this reason until someone unlocks it' }),
    message: z.string().openapi({ description: 'A sentence saying what happened and how to resume promotion' }),
    environments: z
      .array(z.object({ env: z.string(), restoredFrom: z.string() }))
      .optional()
      .openapi({ description: 'With `alsoIn`: every environment rolled back, the first one first, with the commit its version file was taken from' }),
  })
  .openapi('RollbackResponse');

/** Answer of `GET /api/v1/versions`: the versions one environment ran for one resource. */
export const EnvVersionsSchema = z
  .object({
    env: z.string(),
    resource: z.string(),
    current: z.string().optional().openapi({ description: 'The version the environment has now, when it has a readable one' }),
    versions: z
      .array(
        z.object({
          version: z.string(),
          commit: z.string().openapi({ description: 'The newest commit that put this version there; pass it as a rollback\'s `to` to restore exactly that file' }),
          time: z.string().openapi({ description: 'When that commit landed, ISO 8601' }),
          author: z.object({ name: z.string(), email: z.string() }),
          type: z.string().openapi({ description: '`Version`, `Transition`, `Rollback` or `Manual` (a person\'s commit)' }),
        }),
      )
      .openapi({ description: 'Newest first, each version once' }),
  })
  .openapi('EnvVersions');

/** A transition run's result, as the transitioner reports it. */
const TransitionResultSchema = z
  .looseObject({ kind: z.enum(['Success', 'Skipped', 'Blocked', 'CheckFailed']) })
  .openapi('TransitionResult', {
    description: '`Success` (with `commit`, `promoted` and, when some were left alone, `held`), `Skipped` (with a `reason`, e.g. the target is locked), `Blocked` or `CheckFailed` (with a `message`)',
  });

/** Answer of `POST /api/v1/promotions`: the transitioner's answer, passed through. */
export const PromotionResponseSchema = z
  .object({
    transition: z.string(),
    transitionerStatus: z.number().int().openapi({ description: "The transitioner's HTTP status" }),
    result: TransitionResultSchema,
  })
  .openapi('PromotionResponse');

/** Answer of `GET /api/v1/whoami`. */
export const WhoamiResponseSchema = z
  .object({
    name: z.string().openapi({ description: "The token's or the person's name (the commit author), or `anonymous`" }),
    role: z.enum(ROLES),
    anonymous: z.boolean().openapi({ description: 'True without a token when anonymous reading is on' }),
    permissions: z.array(z.enum(PERMISSIONS)).openapi({ description: "The role's permissions" }),
    person: z
      .object({
        email: z.string().openapi({ description: "The commit author's email" }),
        via: z.enum(['oidc', 'proxy']).openapi({ description: '`oidc`: a dashboard session after an OIDC sign-in; `proxy`: a trusted auth proxy\'s headers' }),
        expiresAt: z.string().optional().openapi({ description: 'OIDC sessions: when the session ends (ISO 8601)' }),
        passedOn: z.boolean().openapi({ description: 'Whether the aggregator passes this person on to the transitioner and the deployer (`aggregator.auth.peerTokenFile`); without it promotions and staging action logs need a token' }),
      })
      .optional()
      .openapi({ description: 'Set for a person (OIDC or a trusted proxy); absent for tokens' }),
    csrfToken: z.string().optional().openapi({ description: 'OIDC sessions: send it as `X-Cascade-CSRF` with every write' }),
  })
  .openapi('WhoamiResponse');

/** Answer of `GET /api/v1/sign-in`. */
export const SignInOptionsSchema = z
  .object({
    oidc: z.boolean().openapi({ description: 'True when `aggregator.auth.oidc` is configured: `GET /auth/login` signs a person in' }),
  })
  .openapi('SignInOptions');

/** A problem in a file, where it is and what to change. */
export const ResourceProblemSchema = z
  .object({
    file: z.string().openapi({ description: 'Repo path of the file to change' }),
    line: z.number().int().min(1).optional().openapi({ description: '1-based, when the problem has a position in the file' }),
    col: z.number().int().min(1).optional().openapi({ description: '1-based, when the problem has a position in the file' }),
    code: z.string().openapi({ description: 'Stable code, e.g. `symlink`, `too-large`, `yaml-syntax`, `duplicate-resource`' }),
    message: z.string().openapi({ description: 'A sentence a person can act on; never holds a secret value' }),
  })
  .openapi('ResourceProblem');

const ProblemSchema = ResourceProblemSchema.extend({
  severity: z.enum(['error', 'warning']).openapi({ description: 'Errors block a resource, warnings only inform' }),
  env: z.string().optional().openapi({ description: 'Environment the problem belongs to, when it belongs to one' }),
  resource: z.string().optional().openapi({ description: 'Resource the problem belongs to, when it belongs to one' }),
}).openapi('Problem', { description: 'A problem found in the resource repo, where it is and what to change' });

/** One encrypted value: its key and who set it, never the value. */
export const SecretKeyViewSchema = z
  .object({
    key: z.string().openapi({ description: 'Key path in the version file, e.g. `secrets.API_KEY`' }),
    setBy: z.string().optional().openapi({ description: 'Author of the commit that set the current encrypted value (a transition copies it unchanged); absent when that commit is older than the 200 commits looked at' }),
    setAt: z.string().optional().openapi({ description: 'Time of that commit, ISO 8601' }),
    commit: z.string().optional(),
  })
  .openapi('SecretKeyView', { description: 'One encrypted value of a version file: where it is and which commit set it' });

/** Who added one lock reason and when. */
export const LockOriginViewSchema = z
  .object({
    reason: z.string(),
    by: z.string().openapi({ description: 'Author of the commit that put the reason into `locks.yaml`: the person or token that locked' }),
    at: z.string().openapi({ description: 'Time of that commit, ISO 8601' }),
    commit: z.string(),
  })
  .openapi('LockOriginView', { description: 'Who added one lock reason and when; reasons older than the 200 commits of `locks.yaml` looked at have none' });

/** The deployer's staging phases; the compiler checks the list against StagingPhase (wire-types.test.ts). */
const STAGING_PHASES = ['CreatePending', 'UpdatePending', 'ArchivePending', 'Running', 'Failure', 'Archived', 'CleanupPending', 'CleanedUp', 'CleanupFailed', 'Held'] as const satisfies readonly StagingPhase[];

/** A link to a running staging. */
export const StagingLinkSchema = z.object({ name: z.string(), url: z.string().openapi({ description: 'Always an http(s) URL' }) }).openapi('StagingLink');

/** One staging as the status and `GET /stagings` list it. */
export const StagingViewSchema = z
  .object({
    name: z.string(),
    kind: z.string(),
    tag: z.string(),
    state: z.enum(['active', 'archived', 'cleanup']).openapi({ description: 'What the staging file asks for' }),
    phase: z.enum(STAGING_PHASES).optional().openapi({ description: "The deployer's phase; absent while it has not reported the staging" }),
    reason: z.string().optional().openapi({ description: 'Why it is pending, failed or held' }),
    links: z.array(StagingLinkSchema),
    namespace: z.string().optional(),
    target: z.string().optional().openapi({ description: "The kind's target" }),
    branch: z.string().optional().openapi({ description: 'The branch it was deployed from' }),
    updatedAt: z.string().optional().openapi({ description: 'When Cascade last wrote its settings, ISO 8601' }),
    archivedAt: z.string().optional(),
    archiveAt: z.string().optional().openapi({ description: "When it will be archived for lack of updates: `updatedAt` + the kind's `archiveAfter` (active stagings)" }),
    cleanupAt: z.string().optional().openapi({ description: "When it will be cleaned up: `archivedAt` + the kind's `retention` (archived stagings)" }),
    lastChange: z
      .object({ commit: z.string(), time: z.string(), author: z.string(), action: z.enum(STAGING_ACTIONS).optional() })
      .optional()
      .openapi({ description: 'The newest commit that changed its file: when, who, and the `Cascade-Action` (absent for a person\'s commit)' }),
    secrets: z.array(SecretKeyViewSchema).openapi({ description: 'Secret application config: keys and who set them, never a value' }),
    problems: z.array(ResourceProblemSchema).optional().openapi({ description: 'Why its file cannot be used as it is (it is held)' }),
  })
  .openapi('StagingView');

const ResourceInEnvSchema = z
  .object({
    kind: z.enum(['template', 'deployable', 'unreleased', 'versionOnly']),
    version: z.string().optional().openapi({ description: "The version in the environment's version file, when it has a valid one" }),
    fields: z.record(z.string(), z.unknown()).optional().openapi({
      description:
        'Every key of the version file. For a caller without `secrets:read`, the value of each `config` and `deploymentConfig` key not declared in `aggregator.publicConfig`, and of each other top-level key that names a secret, is the string `[hidden]`; nested keys that name secrets are `[redacted]`',
    }),
    withheld: z.array(z.string()).optional().openapi({ description: 'Where `fields` holds `[hidden]` instead of a value: `config.KEY`, `deploymentConfig.KEY` or a top-level key. Absent when nothing is withheld (always for `secrets:read`)' }),
    secrets: z.array(SecretKeyViewSchema).optional().openapi({ description: "The version file's encrypted (SOPS) values, the same for every role: key and who set it, never a value. Left out of `fields`. Absent when there are none" }),
    lockReasons: z.array(z.string()).openapi({ description: "Reasons of the resource's own lock" }),
    lockOrigins: z.array(LockOriginViewSchema).optional().openapi({ description: "Who added each reason of the resource's own lock and when; absent when none is known" }),
    locked: z.boolean().openapi({ description: "Its own lock or the environment's" }),
    problems: z.array(ResourceProblemSchema).optional().openapi({
      description: "Why the resource's own files cannot be read (a symlink, over 5 MB, not UTF-8, a broken version file, defined twice): not deployed here, its live objects stay. Absent when there are none",
    }),
  })
  .openapi('ResourceInEnv', { description: 'One resource in one environment, as the repo defines it' });

/** Answer of `GET /api/v1/status`. */
export const AggregatorStatusSchema = z
  .object({
    commit: z.string().nullable().openapi({ description: 'The repo commit analysed; null while the branch does not exist yet' }),
    environments: z
      .array(z.object({ name: z.string(), lockReasons: z.array(z.string()), lockOrigins: z.array(LockOriginViewSchema).optional().openapi({ description: 'Who added each reason of the environment lock and when; absent when none is known' }) }))
      .openapi({ description: 'Environments in pipeline order' }),
    resources: z
      .array(z.object({ name: z.string(), envs: z.record(z.string(), ResourceInEnvSchema), versions: z.array(z.object({ version: z.string() })) }))
      .openapi({ description: 'Resources by name; `envs` has an entry for each environment that has the resource' }),
    transitions: z.array(z.object({ name: z.string() })).openapi({ description: 'Transitions in priority order, with their schedule state' }),
    problems: z.array(ProblemSchema).openapi({ description: 'Every problem found in the repo' }),
    deployer: z.object({ state: z.enum(['ok', 'unreachable', 'unknown']) }).openapi({ description: "The deployer's status as last polled; `environments[].errors` are errors about a whole environment (`prune-held`, `namespace-not-allowed`, `unknown-target`, `inventory-write-failed`, `internal-error`)" }),
    transitioner: z.object({ state: z.enum(['ok', 'unreachable', 'unknown']) }).openapi({ description: "The transitioner's status as last polled" }),
    stagings: z.array(StagingViewSchema).optional().openapi({ description: "Every staging of the repo, by name, with the deployer's phase" }),
  })
  .openapi('AggregatorStatus', {
    description: "Repo analysis merged with the deployer's and the transitioner's statuses; the full types are in `@cascade/common/api` (common/src/api/status.ts). Links from control scripts are only http(s) URLs.",
  });

const HistoryMoveSchema = z
  .object({
    resource: z.string(),
    env: z.string().openapi({ description: 'The environment whose version changed (the promotion\'s target)' }),
    from: z.string().optional().openapi({ description: 'The version before; absent when the resource was new there' }),
    to: z.string().optional().openapi({ description: 'The version after; absent when the resource was removed there' }),
    downgrade: z
      .boolean()
      .optional()
      .openapi({ description: '`true` when `to` entered the pipeline (its first environment) before `from`, `false` when after; absent when that order is unknown, e.g. a version older than the indexed history' }),
  })
  .openapi('HistoryMove');

const HistoryEntrySchema = z
  .object({
    commit: z.string(),
    parents: z.array(z.string()),
    type: z.enum(COMMIT_TYPES).openapi({ description: 'From the `Cascade-Type` trailer; `Manual` for commits without one' }),
    author: z.object({ name: z.string(), email: z.string() }).openapi({ description: '`{ name, email }` of the commit author' }),
    time: z.string().openapi({ description: 'Author time, ISO 8601' }),
    subject: z.string(),
    body: z.string().openapi({ description: 'Message body without the trailer block (for a version push: the changelog)' }),
    environments: z.array(z.string()).openapi({ description: 'Environments the commit touched (from trailers and changed paths)' }),
    resources: z.array(z.string()).openapi({ description: 'Resources the commit touched' }),
    versions: z.array(z.string()).openapi({ description: 'Versions named by `Cascade-Version` trailers' }),
    stagings: z.array(z.string()).optional().openapi({ description: 'Stagings the commit changed (from `Cascade-Staging` trailers and changed `stagings/<name>.yaml` files); absent when none' }),
    moves: z.array(HistoryMoveSchema).optional().openapi({ description: 'What a promotion moved, one per resource in the order its message lists them; absent for other commits' }),
    trailers: z.array(z.tuple([z.string(), z.string()])).openapi({ description: 'Every trailer, in order, as [key, value]' }),
  })
  .openapi('HistoryEntry');

/** Answer of `GET /api/v1/history`. */
export const HistoryPageSchema = z
  .object({
    entries: z.array(HistoryEntrySchema).openapi({ description: 'Newest first' }),
    nextCursor: z.string().nullable().openapi({ description: 'Pass as `cursor` for the next (older) page; null when history ends. A filtered page may hold fewer than `limit` entries, even none, while it is set' }),
  })
  .openapi('HistoryPage');

/** One event of `GET /api/v1/events`; the SSE `event:` is `type`, `id:` is `seq` (for a snapshot in parts, on its last part only), `data:` this object as JSON. */
export const StatusEventSchema = z
  .discriminatedUnion('type', [
    z
      .object({
        type: z.literal('snapshot'),
        seq: z.number().int(),
        status: AggregatorStatusSchema,
        rest: z
          .object({ parts: z.number().int(), resources: z.number().int() })
          .optional()
          .openapi({ description: 'Asked for with `first`: `status` holds only the first resources (and their deployer reports); this many `part` events with the rest follow at once' }),
      })
      .openapi({ description: 'The full state; the client replaces everything it has (once the parts named in `rest` are appended)' }),
    z
      .object({ type: z.literal('delta'), seq: z.number().int(), delta: z.object({ commit: z.string().nullable() }) })
      .openapi({
        description:
          'A change on top of state `seq - 1`; see `StatusDelta` in common/src/api/events.ts. Resources are upserted and removed by name; `deployerPatch` carries only the deployer reports that changed',
      }),
    z
      .object({
        type: z.literal('part'),
        seq: z.number().int().openapi({ description: 'The seq of the snapshot it belongs to' }),
        part: z.object({
          resources: z.array(z.object({ name: z.string() })).openapi({ description: 'Resources to append to the snapshot, in name order' }),
          reports: z.record(z.string(), z.array(z.object({ name: z.string() }))).openapi({ description: "Per deployer environment, the deployer's reports of these resources" }),
          stagings: z.array(z.object({ name: z.string() })).optional().openapi({ description: "Some of the deployer's staging reports, to append to its list" }),
        }),
      })
      .openapi({ description: 'A part of a snapshot sent in parts (`first`); see `StatusPart` in common/src/api/events.ts' }),
  ])
  .openapi('StatusEvent');

/** The answer of `GET /api/v1/openapi.json`. */
export const OpenApiDocumentSchema = z.object({ openapi: z.string() }).openapi({ description: 'An OpenAPI 3.1 document' });
