// What each route of `/api/v1` accepts, one zod schema per request: it checks the request at the edge, types what
// the handler gets, and describes the request in the OpenAPI document. The CLI and the UI compile against the
// hand-written types in `@cascade/common/api`; wire-types.test.ts keeps the two the same.
import { COMMIT_TYPES } from '@cascade/common/api';
import { DNS_LABEL, NAME_SEGMENT, RESOURCE_NAME_PATTERN } from '@cascade/common';
import { z } from '@hono/zod-openapi';
import { MAX_PAGE_SIZE } from '../../history/history-index.ts';
import { author, changelog, envName, MAX_REASON_LENGTH, MAX_VERSION_LENGTH, oneLine, optional, refuseEnvName, refuseResourceName, refuseStagingName, requestBody, resourceName, wrongType } from './fields.ts';
import { versionFields } from './version-fields.ts';
import { secretKeysToRemove, secretValues } from './secret-values.ts';

// Key order is the order fields are checked in: a body with several mistakes is refused naming the first.

/** `POST /api/v1/versions`. */
export const PushVersionRequestSchema = requestBody({
  resource: resourceName(),
  version: oneLine(MAX_VERSION_LENGTH).openapi({ description: 'The version string, e.g. `1.9.3`' }),
  env: optional(envName().openapi({ description: "Default: the pipeline's entry environment, when there is exactly one. A ci token may name only an entry environment or one of `aggregator.ciEnvironments`" })),
  fields: optional(versionFields()),
  secrets: optional(secretValues()),
  removeSecrets: optional(secretKeysToRemove()),
  changelog: optional(changelog().openapi({ description: 'Stored as the commit message body' })),
  author: optional(author()),
  lockOverride: optional(
    oneLine(MAX_REASON_LENGTH).openapi({ description: 'Operator or admin only: push into a locked environment or resource anyway, for this reason, recorded as the `Cascade-Lock-Override` trailer' }),
  ),
}).openapi('PushVersionRequest');

/** `POST /api/v1/locks`. */
export const LockRequestSchema = requestBody({
  env: envName(),
  resource: optional(resourceName().openapi({ description: 'Lock only this resource; absent locks the whole environment' })),
  reason: oneLine(MAX_REASON_LENGTH).openapi({ description: 'Why; shown wherever the lock is shown' }),
}).openapi('LockRequest');

/** `DELETE /api/v1/locks`. */
export const UnlockRequestSchema = requestBody({
  env: envName(),
  resource: optional(resourceName()),
  reason: optional(oneLine(MAX_REASON_LENGTH).openapi({ description: 'The reason to remove; absent removes every reason' })),
}).openapi('UnlockRequest');

/** `POST /api/v1/rollbacks`. */
export const RollbackRequestSchema = requestBody({
  env: envName(),
  resource: resourceName(),
  to: oneLine(128).openapi({ description: 'A version the environment had, or a commit id (7 to 40 hex digits) whose version file to restore' }),
  alsoIn: optional(
    z
      .array(envName(), { error: wrongType('a list of environment names') })
      .max(20)
      .openapi({ description: 'Further environments to put the same version on in the same commit (each locked too): a downstream environment that already took the version being rolled back' }),
  ),
}).openapi('RollbackRequest');

const ENV_VERSIONS_QUERY = {
  env: z.string({ error: wrongType('given once') }).superRefine(refuseEnvName).openapi({ pattern: NAME_SEGMENT.source, description: 'The environment' }),
  resource: z.string({ error: wrongType('given once') }).superRefine(refuseResourceName).openapi({ pattern: RESOURCE_NAME_PATTERN, description: 'The resource' }),
};

/** The query of `GET /api/v1/versions`: one resource in one environment. */
export const EnvVersionsQuerySchema = z.strictObject(ENV_VERSIONS_QUERY, { error: () => `unknown query parameter; expected ${Object.keys(ENV_VERSIONS_QUERY).join(', ')}` });

/** `POST /api/v1/promotions`. */
export const PromotionRequestSchema = requestBody({
  transition: oneLine(100).openapi({ description: 'Name of a transition in `transitions.yaml`' }),
}).openapi('PromotionRequest');

const LIMIT_RULE = `must be an integer from 1 to ${MAX_PAGE_SIZE}`;

const HISTORY_QUERY = {
  env: z.string({ error: wrongType('given once') }).superRefine(refuseEnvName).optional().openapi({ pattern: NAME_SEGMENT.source, description: 'Only commits touching this environment' }),
  resource: z.string({ error: wrongType('given once') }).superRefine(refuseResourceName).optional().openapi({ pattern: RESOURCE_NAME_PATTERN, description: 'Only commits touching this resource' }),
  type: z.enum(COMMIT_TYPES, { error: `must be a commit type: ${COMMIT_TYPES.join(', ')}` }).optional().openapi({ description: 'Only commits of this type' }),
  excludeType: z.enum(COMMIT_TYPES, { error: `must be a commit type: ${COMMIT_TYPES.join(', ')}` }).optional().openapi({ description: 'Leave out commits of this type, e.g. `Schedule`' }),
  staging: z.string({ error: wrongType('given once') }).superRefine(refuseStagingName).optional().openapi({ pattern: DNS_LABEL.source, description: 'Only commits that changed this staging' }),
  limit: z.coerce.number({ error: LIMIT_RULE }).int(LIMIT_RULE).min(1, LIMIT_RULE).max(MAX_PAGE_SIZE, LIMIT_RULE).optional().openapi({ description: 'Page size (default 50)' }),
  cursor: z
    .string({ error: wrongType('given once') })
    .regex(/^[0-9a-f]{40}$/, 'must be the nextCursor of an earlier page')
    .optional()
    .openapi({ description: '`nextCursor` of the previous page' }),
};

/** The query of `GET /api/v1/history`; an unknown parameter is refused by name rather than ignored. */
export const HistoryQuerySchema = z.strictObject(HISTORY_QUERY, { error: () => `unknown query parameter; expected ${Object.keys(HISTORY_QUERY).join(', ')}` });

/** Resources per `part` event of a snapshot sent in parts: a few hundred kilobytes of JSON, parsed within a frame or two. */
export const SNAPSHOT_PART_SIZE = 500;
/** The most resources a client may ask for in the first event of a snapshot sent in parts. */
const MAX_FIRST_ROWS = 10_000;
const FIRST_RULE = `must be an integer from 1 to ${MAX_FIRST_ROWS}`;

/** Where a client reconnecting to `GET /api/v1/events` says which event it saw last, and whether it takes a snapshot in parts; other parameters are ignored. */
export const EventsQuerySchema = z.object({
  lastEventId: z.string({ error: wrongType('given once') }).optional().openapi({ description: 'Like `Last-Event-ID`, for clients that cannot set headers' }),
  first: z.coerce
    .number({ error: FIRST_RULE })
    .int(FIRST_RULE)
    .min(1, FIRST_RULE)
    .max(MAX_FIRST_ROWS, FIRST_RULE)
    .optional()
    .openapi({
      description: `Send a snapshot in parts: this many resources in the \`snapshot\` event (the rows a client shows first), the rest in \`part\` events of at most ${SNAPSHOT_PART_SIZE} resources each, which follow at once. Without it a snapshot is one event`,
    }),
});

/** The header of a reconnecting EventSource. */
export const EventsHeadersSchema = z.object({
  'Last-Event-ID': z.string({ error: wrongType('given once') }).optional().openapi({ description: 'Last seq received; the missed deltas follow, or a snapshot' }),
});
