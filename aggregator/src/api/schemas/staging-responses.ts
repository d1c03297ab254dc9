// What the staging routes answer: the list, one staging in detail, and every write's answer.
import type { StagingActionRecord, StagingStepAction } from '@cascade/common';
import { STAGING_ACTIONS } from '@cascade/common/api';
import { z } from '@hono/zod-openapi';
import { StagingLinkSchema, StagingViewSchema } from './responses.ts';

const StagingKindViewSchema = z
  .object({
    name: z.string(),
    template: z.string().openapi({ description: 'The environment its stagings copy' }),
    target: z.string(),
    namespace: z.string().optional().openapi({ description: 'Namespace pattern, `{name}` standing for the staging' }),
    baseDomain: z.string().optional(),
    archiveAfterMs: z.number().optional(),
    retentionMs: z.number(),
    limit: z.number().int().optional(),
    counted: z.number().int().openapi({ description: 'Stagings that count against `limit`: active ones, and archived ones whose archive is still pending' }),
  })
  .openapi('StagingKindView');

/** Answer of `GET /api/v1/stagings`. */
export const StagingListSchema = z
  .object({
    stagings: z.array(StagingViewSchema).openapi({ description: 'By name' }),
    kinds: z.array(StagingKindViewSchema).openapi({ description: 'The kinds of stagings.yaml, in file order' }),
  })
  .openapi('StagingList');

const StagingHistoryEntrySchema = z
  .object({
    commit: z.string(),
    time: z.string().openapi({ description: 'Author time, ISO 8601' }),
    author: z.string(),
    action: z.enum(STAGING_ACTIONS).optional().openapi({ description: "From `Cascade-Action`; absent for a person's commit" }),
    subject: z.string(),
    requestedBy: z.string().optional().openapi({ description: 'The token that asked for it (`Cascade-Requested-By`)' }),
  })
  .openapi('StagingHistoryEntry');

/** Answer of `GET /api/v1/stagings/{name}`. */
export const StagingDetailSchema = StagingViewSchema.extend({
  versions: z.record(z.string(), z.record(z.string(), z.unknown())).openapi({ description: "Per resource: fields merged over the template's version file" }),
  app: z.record(z.string(), z.string()).openapi({ description: 'Application config; without `secrets:read`, values not in `aggregator.publicConfig` are `[hidden]`' }),
  deployment: z.record(z.string(), z.unknown()).openapi({ description: 'Deployment config; withheld like `app`' }),
  withheld: z.array(z.string()).optional().openapi({ description: 'Where `app` or `deployment` holds `[hidden]`: `app.KEY`, `deployment.KEY`' }),
  history: z.array(StagingHistoryEntrySchema).openapi({ description: 'Commits that changed its file, newest first (at most 50)' }),
  resources: z
    .array(z.object({ name: z.string(), state: z.string() }))
    .openapi({ description: "Its resources as the deployer reports them (ResourceStatus of common/src/status/deployer.ts): version, live version, rollout state and reason, objects or script state" }),
  errors: z.array(z.object({ code: z.string(), message: z.string() })).openapi({ description: 'Errors the deployer reports for the staging as a whole' }),
  lastActionAt: z.string().optional().openapi({ description: 'When the deployer started its last step' }),
  deployedCommit: z.string().optional().openapi({ description: 'The repo commit the deployer last deployed it from' }),
}).openapi('StagingDetail');

/** Answer of every staging write. */
export const StagingWriteResponseSchema = z
  .object({
    status: z.enum(['created', 'unchanged']).openapi({ description: '`created`: a new commit (201); `unchanged`: the staging already was as asked (200)' }),
    commit: z.string().openapi({ description: 'The new commit, or the head that already had the staging as asked' }),
    name: z.string(),
    action: z.enum(STAGING_ACTIONS).openapi({ description: 'What the commit did (`Cascade-Action`); for `unchanged`, what was asked' }),
    state: z.enum(['active', 'archived', 'cleanup']),
    kind: z.string(),
    tag: z.string(),
    branch: z.string().optional(),
    namespace: z.string().optional(),
    links: z.array(StagingLinkSchema),
    message: z.string().openapi({ description: 'A sentence saying what happened and what follows' }),
  })
  .openapi('StagingWriteResponse');

/** The steps the deployer carries out for a staging. */
const STAGING_STEPS = ['create', 'update', 'archive', 'restore', 'cleanup'] as const satisfies readonly StagingStepAction[];
const STAGING_STEP_RESULTS = ['pending', 'succeeded', 'failed', 'superseded'] as const satisfies ReadonlyArray<StagingActionRecord['result']>;

const StagingActionRecordSchema = z
  .object({
    action: z.enum(STAGING_STEPS),
    startedAt: z.string().openapi({ description: 'When the deployer started it, ISO 8601' }),
    finishedAt: z.string().optional().openapi({ description: 'When it succeeded, failed or was superseded; absent while pending' }),
    durationMs: z.number().optional(),
    result: z.enum(STAGING_STEP_RESULTS).openapi({ description: '`pending` until the target confirms; `superseded` when the staging changed again before it was done' }),
    message: z.string().optional().openapi({ description: 'Why it failed, or what it reached' }),
    commit: z.string().openapi({ description: 'The repo commit it was started from' }),
  })
  .openapi('StagingActionRecord');

const StagingScriptRunSchema = z
  .object({
    action: z.string().openapi({ description: 'The control script: `create`, `update`, `check`, `info`, …' }),
    args: z.array(z.string()).openapi({ description: "The arguments it got, without the script's path" }),
    startedAt: z.string().openapi({ description: 'ISO 8601' }),
    durationMs: z.number(),
    exitCode: z.number().nullable().openapi({ description: 'Null when it did not exit by itself (killed on timeout, or it could not start)' }),
    timedOut: z.boolean(),
    stdout: z.string(),
    stderr: z.string(),
    startError: z.string().optional().openapi({ description: 'Why it could not start' }),
  })
  .openapi('StagingScriptRun');

/** Answer of `GET /api/v1/stagings/{name}/actions`. */
export const StagingActionLogSchema = z
  .object({
    name: z.string(),
    actions: z.array(StagingActionRecordSchema).openapi({ description: 'Each step the deployer took for the staging, oldest first' }),
    scriptRuns: z.array(StagingScriptRunSchema).optional().openapi({ description: 'The control-script runs the deployer keeps for it, oldest first (health checks included); present for stagings on script targets' }),
  })
  .openapi('StagingActionLog');
